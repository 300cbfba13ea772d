package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** How {@code flash reproduce dvfs} turns per-episode evaluations into curves, expert and costs. */
class ReproductionScoringTest {

    private static final int STEPS = 10;

    /** Every point's episodes score {@code perStep * STEPS}, except FLASH's first episode at point {@code odd}. */
    private static double[][] episodes(int points, int m, double perStep, int odd, double oddPerStep) {
        double[][] e = new double[points][m];
        for (int i = 0; i < points; i++) {
            java.util.Arrays.fill(e[i], perStep * STEPS);
        }
        if (odd >= 0) {
            e[odd][0] = oddPerStep * STEPS;
        }
        return e;
    }

    @Test
    void aPointIsTheMeanPerStepOfItsFirstMEpisodes() {
        int[] ks = AdaptationMetrics.schedule(60);
        double[][] flash = episodes(ks.length, 4, 0.10, 3, 0.02);
        double[][] transfer = episodes(ks.length, 4, 0.05, -1, 0);
        Reproduction.Scored one = Reproduction.Scored.of(ks, flash, transfer, 1, STEPS);
        Reproduction.Scored four = Reproduction.Scored.of(ks, flash, transfer, 4, STEPS);
        assertEquals(0.02, one.flash().reward()[3], 1e-12);
        assertEquals((0.02 + 3 * 0.10) / 4, four.flash().reward()[3], 1e-12);
        assertEquals(0.10, four.flash().reward()[2], 1e-12);
        assertEquals(0.10, four.expert(), 1e-12, "the best point of either curve");
        assertEquals(0.05, four.transfer().at(AdaptationMetrics.START_TRANSFER), 1e-12);
    }

    @Test
    void aFlipCarriedByOneEpisodeCostsLessAsTheEvaluationGrows() {
        int[] ks = AdaptationMetrics.schedule(60);
        int lastQuarter = ks.length - 2; // k = 48: inside [45, 60], the converged window
        double[][] flash = episodes(ks.length, 8, 0.10, lastQuarter, 0.06);
        double[][] transfer = episodes(ks.length, 8, 0.05, -1, 0);
        // One episode: the point at k = 48 is 40% low, so FLASH only settles at its last point.
        assertEquals(60, Reproduction.Scored.of(ks, flash, transfer, 1, STEPS).costFlash());
        // Eight: the same episode moves that point by 5% of 0.10, inside the band; settled at k = 1.
        assertEquals(AdaptationMetrics.START_FLASH, Reproduction.Scored.of(ks, flash, transfer, 8, STEPS).costFlash());
    }

    @Test
    void aPrefixLongerThanTheEvaluationIsRefused() {
        int[] ks = AdaptationMetrics.schedule(60);
        double[][] e = episodes(ks.length, 2, 0.1, -1, 0);
        assertThrows(IllegalArgumentException.class, () -> Reproduction.Scored.of(ks, e, e, 3, STEPS));
    }

    @Test
    void theCrossValidatedGapDoesNotCountALuckyHalf() {
        int[] ks = AdaptationMetrics.schedule(60);
        double[][] flash = episodes(ks.length, 4, 0.10, -1, 0);
        double[][] transfer = episodes(ks.length, 4, 0.05, -1, 0);
        // one fine-tuning snapshot is great on the first two episodes only: 0.2 on average
        transfer[5] = new double[] {0.3 * STEPS, 0.3 * STEPS, 0.1 * STEPS, 0.1 * STEPS};
        Reproduction.Scored sc = Reproduction.Scored.of(ks, flash, transfer, 4, STEPS);
        Reproduction.AppResult a = new Reproduction.AppResult("lucky", sc.flash(), sc.transfer(), java.util.List.of(),
                java.util.List.of(), sc.expert(), 0.05, true, 0.10, sc.gapFlash(), sc.gapTransfer(), 1, 1, false, false,
                0, 0, 0, flash, transfer, STEPS);
        assertEquals(0.5, Reproduction.figuresAt(java.util.List.of(a), 4)[0], 1e-12, "in-sample expert 0.2");
        // picked on episodes 0-1 it scores 0.1 on 2-3; on 2-3 it ties FLASH, which comes first: 0.1 on 0-1
        double[] cv = Reproduction.crossValidatedGaps(java.util.List.of(a), 4);
        assertEquals(0.0, cv[0], 1e-12);
        assertEquals(0.5, cv[1], 1e-12);
    }
}
