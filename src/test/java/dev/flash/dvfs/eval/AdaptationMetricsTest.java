package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptationMetricsTest {

    @Test
    void rewardGapIsShortfallOfTheFirstEpisodesAgainstTheExpert() {
        List<Double> agent = List.of(6.0, 8.0, 10.0, 10.0);
        // first 2 episodes average 7 against an expert at 10: 30% short
        assertEquals(0.30, AdaptationMetrics.rewardGap(10.0, agent, 2), 1e-12);
        // a negative expert reward: the gap is still "how far below", relative to its magnitude
        assertEquals(0.5, AdaptationMetrics.rewardGap(-2.0, List.of(-3.0), 1), 1e-12);
        assertTrue(Double.isNaN(AdaptationMetrics.rewardGap(0.0, agent, 1)));
        // an agent better than the expert has a negative gap
        assertTrue(AdaptationMetrics.rewardGap(10.0, List.of(11.0), 1) < 0);
    }

    @Test
    void relativeImprovementMatchesThePapersArithmetic() {
        // case III: 39% -> 7.1% is 81.8% better
        assertEquals(0.818, AdaptationMetrics.relativeImprovement(0.39, 0.071), 5e-4);
    }

    @Test
    void adaptationCostFindsWhereTheCurveSettles() {
        List<Double> curve = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            curve.add(1.0 + i); // climbing 1..10
        }
        for (int i = 0; i < 20; i++) {
            curve.add(20.0);
        }
        // converged 20; smoothed over 3 episodes, 19 (episode 10, smoothed (10+20+20)/3) is out, from 11 on in band
        int cost = AdaptationMetrics.adaptationCost(curve, 0.05, 3, 5, 0);
        assertEquals(11, cost);
        // already converged at the first episode
        assertEquals(1, AdaptationMetrics.adaptationCost(List.of(5.0, 5.1, 4.9, 5.0, 5.0, 5.0)));
    }

    @Test
    void oneNoisyEpisodeDoesNotResetTheCostButALateDropDoes() {
        List<Double> noisy = new ArrayList<>(List.of(10.0, 10.0, 10.0, 9.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0));
        // smoothing over 3: the dip of 10% becomes 3.3%, inside the 5% band
        assertEquals(1, AdaptationMetrics.adaptationCost(noisy, 0.05, 3, 5, 0));
        List<Double> late = new ArrayList<>(List.of(10.0, 10.0, 10.0, 10.0, 5.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0));
        // windows holding the drop (episodes 3..5) are out; episode 6 on stays in
        assertEquals(6, AdaptationMetrics.adaptationCost(late, 0.05, 3, 5, 0));
    }

    @Test
    void absoluteFloorKeepsANearZeroConvergedRewardFromNeverConverging() {
        List<Double> flat = List.of(0.002, -0.001, 0.0, 0.001, -0.002, 0.0, 0.001);
        assertEquals(flat.size(), AdaptationMetrics.adaptationCost(flat, 0.05, 1, 5, 0),
                "without a floor the band is ~0 and only the end counts");
        assertEquals(1, AdaptationMetrics.adaptationCost(flat, 0.05, 1, 5, 0.01));
    }

    @Test
    void noiseBandLetsAStationaryNoisyCurveCountAsConvergedEarly() {
        List<Double> curve = new ArrayList<>();
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 5; i++) {
            curve.add(-5.0); // a bad start
        }
        for (int i = 0; i < 60; i++) {
            curve.add(10.0 + 3.0 * r.nextGaussian()); // settled, but 30% noise per episode
        }
        int strict = AdaptationMetrics.adaptationCost(curve, 0.05, 5, 20, 0);
        int aware = AdaptationMetrics.adaptationCostWithNoise(curve, 0.05, 5, 20, 0);
        assertTrue(strict > 40, "a 5% band cannot hold 30% noise: " + strict);
        assertTrue(aware >= 3 && aware <= 30 && aware < strict, "settles soon after the bad start: " + aware);
    }

    @Test
    void plateauNeedsTwoWindowsWithoutProgress() {
        List<Double> rising = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rising.add(10.0 + i);
        }
        assertFalse(AdaptationMetrics.plateaued(rising, 5, 0.01));
        List<Double> flat = new ArrayList<>(rising);
        for (int i = 0; i < 10; i++) {
            flat.add(40.0);
        }
        assertTrue(AdaptationMetrics.plateaued(flat, 5, 0.01));
        assertFalse(AdaptationMetrics.plateaued(List.of(1.0, 1.0, 1.0), 5, 0.01), "too short to tell");
    }

    @Test
    void shareOfOracleSavingAndCostRatio() {
        assertEquals(0.5, AdaptationMetrics.shareOfOracleSaving(0.1, 0.2), 1e-12);
        assertTrue(Double.isNaN(AdaptationMetrics.shareOfOracleSaving(0.1, 0.0)));
        assertEquals(9.2, AdaptationMetrics.costRatio(46, 5), 1e-12);
        assertTrue(Double.isNaN(AdaptationMetrics.costRatio(46, 0)));
    }
}
