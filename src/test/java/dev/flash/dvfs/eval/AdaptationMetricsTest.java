package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.eval.AdaptationMetrics.Curve;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The metric definitions on hand-made snapshot-evaluated curves (no training). */
class AdaptationMetricsTest {

    /** A curve evaluated at the schedule of an n-episode run, reward(k) given. */
    static Curve curve(int n, IntToDoubleFunction reward) {
        int[] ks = AdaptationMetrics.schedule(n);
        double[] r = new double[ks.length];
        for (int i = 0; i < ks.length; i++) {
            r[i] = reward.applyAsDouble(ks[i]);
        }
        return new Curve(ks, r);
    }

    @Test
    void scheduleIsDenseEarlyAndEndsAtTheRunLength() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 60}, AdaptationMetrics.schedule(60));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 160, 192, 200},
                AdaptationMetrics.schedule(200));
        assertArrayEquals(new int[] {0, 1}, AdaptationMetrics.schedule(1));
        assertThrows(IllegalArgumentException.class, () -> AdaptationMetrics.schedule(0));
    }

    @Test
    void curveRefusesMismatchedOrUnorderedPoints() {
        assertThrows(IllegalArgumentException.class, () -> new Curve(new int[] {0, 1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new Curve(new int[] {0, 2, 2}, new double[] {1, 2, 3}));
        Curve c = new Curve(new int[] {0, 2, 4}, new double[] {1, 2, 3});
        assertEquals(2.0, c.at(1), 0, "at(k) reads the first point with at least k episodes");
        assertEquals(3.0, c.at(9), 0, "past the end: the last point");
    }

    @Test
    void convergedRewardIsTheMeanOfTheLastQuarterOfTheRun() {
        // n = 200: points 160, 192, 200 are the last quarter
        Curve c = curve(200, k -> k >= 150 ? k / 100.0 : 0.0);
        assertEquals((1.6 + 1.92 + 2.0) / 3, AdaptationMetrics.convergedReward(c), 1e-12);
    }

    @Test
    void rewardGapIsTheShortfallAtTheStartPointAgainstTheExpert() {
        assertEquals(0.30, AdaptationMetrics.rewardGap(0.10, 0.07), 1e-12);
        // a negative expert reward: the gap is still "how far below", relative to its magnitude
        assertEquals(0.5, AdaptationMetrics.rewardGap(-2.0, -3.0), 1e-12);
        assertTrue(Double.isNaN(AdaptationMetrics.rewardGap(0.0, 0.1)));
        assertTrue(AdaptationMetrics.rewardGap(0.10, 0.11) < 0, "better than the expert: negative gap");
        // FLASH's start is k = 1 (after its first context-gathering episode), transfer's k = 0
        Curve flash = curve(60, k -> k == 0 ? 0.05 : 0.09);
        Curve transfer = curve(60, k -> 0.06 + 0.04 * Math.min(1.0, k / 30.0));
        double expert = AdaptationMetrics.convergedReward(transfer);
        assertEquals(0.10, expert, 1e-12);
        assertEquals(0.10, AdaptationMetrics.rewardGap(expert, flash.at(AdaptationMetrics.START_FLASH)), 1e-12);
        assertEquals(0.40, AdaptationMetrics.rewardGap(expert, transfer.at(AdaptationMetrics.START_TRANSFER)), 1e-12);
    }

    @Test
    void pooledGapSumsBeforeDividingSoANearZeroExpertCannotDominate() {
        double[] expert = {0.2, 0.001};
        double[] start = {0.18, -0.01};
        // per app: 10% and 1100%; pooled: (0.201 - 0.17) / 0.201
        assertEquals((0.201 - 0.17) / 0.201, AdaptationMetrics.pooledGap(expert, start), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> AdaptationMetrics.pooledGap(expert, new double[1]));
    }

    @Test
    void relativeImprovementMatchesThePapersArithmetic() {
        // case III: 39% -> 7.1% is 81.8% better
        assertEquals(0.818, AdaptationMetrics.relativeImprovement(0.39, 0.071), 5e-4);
    }

    @Test
    void adaptationCostIsTheFirstPointFromWhichTheCurveStaysInTheBand() {
        // climbs linearly to 0.10 at k = 40, flat after: within 5% (0.005) from k >= 38, first point 48
        Curve c = curve(200, k -> 0.10 * Math.min(1.0, k / 40.0));
        assertEquals(48, AdaptationMetrics.adaptationCost(c, 0));
        assertFalse(AdaptationMetrics.censored(c, 48));
        // a flat curve costs nothing from k = 0, and FLASH's start point (k = 1) is its minimum
        Curve flat = curve(200, k -> 0.12);
        assertEquals(0, AdaptationMetrics.adaptationCost(flat, AdaptationMetrics.START_TRANSFER));
        assertEquals(1, AdaptationMetrics.adaptationCost(flat, AdaptationMetrics.START_FLASH));
    }

    @Test
    void aLateExcursionOutOfTheBandResetsTheCost() {
        // in band early, but a dip at k = 96 (PPO wandering off): the cost is the first point after it
        Curve c = curve(200, k -> k == 96 ? 0.08 : 0.10);
        assertEquals(128, AdaptationMetrics.adaptationCost(c, 0));
    }

    @Test
    void aCurveThatSettlesOnlyInTheLastQuarterIsCensored() {
        Curve c = curve(200, k -> k < 160 ? 0.0 : 0.1);
        int cost = AdaptationMetrics.adaptationCost(c, 0);
        assertEquals(160, cost);
        assertTrue(AdaptationMetrics.censored(c, cost));
        // still climbing at the end: only the last point is within its own band
        Curve climbing = curve(200, k -> k / 1000.0);
        assertEquals(200, AdaptationMetrics.adaptationCost(climbing, 0));
        assertTrue(AdaptationMetrics.censored(climbing, 200));
    }

    @Test
    void absoluteFloorKeepsANearZeroConvergedRewardFromNeverSettling() {
        // converged near 0.001 per step (a CPU-bound app: fmax is best); 5% of it is 0.00005, so
        // a policy that moves by 0.002 per step between snapshots would never count as settled
        int[] ks = AdaptationMetrics.schedule(200);
        double[] r = new double[ks.length];
        for (int i = 0; i < ks.length; i++) {
            r[i] = 0.001 + (i % 2 == 0 ? 0.002 : -0.002);
        }
        Curve c = new Curve(ks, r);
        assertTrue(AdaptationMetrics.adaptationCost(c, 0, 0.05, 0) >= 192, "no floor: never settles");
        assertEquals(0, AdaptationMetrics.adaptationCost(c, 0, 0.05, AdaptationMetrics.COST_FLOOR_PER_STEP));
    }

    @Test
    void plateauComparesTheLastQuarterWithTheThirdQuarter() {
        assertTrue(AdaptationMetrics.plateaued(curve(200, k -> 0.1), 0.02, 0));
        assertFalse(AdaptationMetrics.plateaued(curve(200, k -> k / 1000.0), 0.02, 0.005), "still climbing");
        assertTrue(AdaptationMetrics.plateaued(curve(200, k -> 0.2 - k / 1000.0), 0.02, 0), "falling: no progress");
        // a run too short to hold a third-quarter point cannot be called converged
        assertFalse(AdaptationMetrics.plateaued(new Curve(new int[] {0, 1}, new double[] {0.1, 0.1}), 0.02, 0));
    }

    @Test
    void shareOfOracleSavingAndCostRatio() {
        assertEquals(0.5, AdaptationMetrics.shareOfOracleSaving(0.1, 0.2), 1e-12);
        assertTrue(Double.isNaN(AdaptationMetrics.shareOfOracleSaving(0.1, 0)));
        assertEquals(4.0, AdaptationMetrics.costRatio(8, 2), 1e-12);
        assertTrue(Double.isNaN(AdaptationMetrics.costRatio(8, 0)));
    }

    @Test
    void expertIsTheBestEvaluatedPolicyOfEitherAgent() {
        // fine-tuning peaks at 0.20 then collapses; FLASH holds 0.15: the expert is the peak
        Curve transfer = new Curve(new int[] {0, 1, 2, 3}, new double[] {0.10, 0.20, 0.05, -0.10});
        Curve flash = new Curve(new int[] {0, 1, 2, 3}, new double[] {0.12, 0.15, 0.15, 0.15});
        assertEquals(0.20, AdaptationMetrics.bestEvaluated(flash, transfer), 1e-12);
        assertTrue(AdaptationMetrics.bestEvaluated(flash, transfer) >= AdaptationMetrics.convergedReward(transfer));
        assertEquals(0.15, AdaptationMetrics.bestEvaluated(flash), 1e-12);
    }

    @Test
    void crossValidatedExpertPicksOnOneHalfAndScoresOnTheOther() {
        // policy a wins the first half by luck, b the second; each is then scored on the half it lost
        double[] a = {10, 10, 0, 0};
        double[] b = {0, 0, 6, 6};
        // a picked on {0,1}, scored on {2,3}: 0; b picked on {2,3}, scored on {0,1}: 0 -> expert 0
        assertEquals(0.0, AdaptationMetrics.crossValidatedExpert(java.util.List.of(a, b), 4, 2), 1e-12);
        // one policy better on both halves is its own full mean, per step
        double[] c = {12, 12, 8, 8};
        assertEquals(10.0 / 2, AdaptationMetrics.crossValidatedExpert(java.util.List.of(a, b, c), 4, 2), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> AdaptationMetrics.crossValidatedExpert(java.util.List.of(a), 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> AdaptationMetrics.crossValidatedExpert(java.util.List.of(a), 8, 1));
    }

    @Test
    void crossValidationRemovesThePickLuckThatTheBestEvaluatedPointHas() {
        // 36 policies of equal true reward 0 evaluated on 32 noisy episodes: the best evaluated
        // mean is well above 0 (pure pick luck), the cross-validated expert is not
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        double inSample = 0;
        double crossValidated = 0;
        int trials = 200;
        for (int t = 0; t < trials; t++) {
            java.util.List<double[]> points = new java.util.ArrayList<>();
            double best = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < 36; p++) {
                double[] e = new double[32];
                double sum = 0;
                for (int j = 0; j < e.length; j++) {
                    e[j] = rng.nextDouble() * 2 - 1;
                    sum += e[j];
                }
                best = Math.max(best, sum / e.length);
                points.add(e);
            }
            inSample += best / trials;
            crossValidated += AdaptationMetrics.crossValidatedExpert(points, 32, 1) / trials;
        }
        assertTrue(inSample > 0.15, "in-sample best " + inSample);
        assertEquals(0.0, crossValidated, 0.03);
    }
}
