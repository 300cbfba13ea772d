package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.meta.ShotDraw;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostUnderDeadlineTest {

    /** Five configurations c0..c4; price per second c + 1; runtimes 50, 40, 30, 20, 10 s. */
    static Workload fiveConfigs(String name, double scale) {
        List<Measurement> ms = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            double runtime = scale * (50 - 10 * c);
            ms.add(new Measurement("c" + c, new float[] {c}, new float[0], runtime, runtime * (c + 1), 1, c + 2));
        }
        return new Workload(name, ms);
    }

    @Test
    void thePriceIsCostOverRuntimeOnTheTrainingWorkloads() {
        PriceTable p = PriceTable.fit(List.of(fiveConfigs("a", 1), fiveConfigs("b", 3)));
        assertEquals(Math.log(3), p.logPrice("c2"), 1e-12);
        assertTrue(Double.isNaN(p.logPrice("unseen")));
        assertEquals(0, p.spread(), 1e-12);
    }

    @Test
    void picksTheCheapestPredictedToMeetTheDeadlineAndScoresItAgainstTheTrueCheapest() {
        Workload w = fiveConfigs("w", 1);
        // deadline: median runtime, 30 s; truly feasible c2 (90), c3 (80), c4 (50): cheapest 50
        assertEquals(30, FewShotEvaluation.deadline(w), 1e-12);
        PriceTable prices = PriceTable.fit(List.of(fiveConfigs("t", 2)));
        ShotDraw draw = new ShotDraw(new int[] {0}, new int[] {1, 2, 3, 4});
        double[] truth = {Math.log(40), Math.log(30), Math.log(20), Math.log(10)};
        assertArrayEquals(new double[] {0, 0}, FewShotEvaluation.costUnderDeadline(w, draw, truth, prices), 1e-12);
        // predicting c4 too slow (35 s) makes c3 the pick: cost 80 against 50, on time
        double[] slowC4 = {Math.log(40), Math.log(30), Math.log(20), Math.log(35)};
        assertArrayEquals(new double[] {80.0 / 50 - 1, 0}, FewShotEvaluation.costUnderDeadline(w, draw, slowC4, prices),
                1e-12);
        // predicting c1 fast (20 s, so 40 predicted, cheaper than c4's 50) picks it: it truly takes
        // 40 s, missing the deadline, and costs 80
        double[] fastC1 = {Math.log(20), Math.log(30), Math.log(20), Math.log(10)};
        assertArrayEquals(new double[] {80.0 / 50 - 1, 1}, FewShotEvaluation.costUnderDeadline(w, draw, fastC1, prices),
                1e-12);
        // nothing predicted on time: the fastest predicted is the pick
        double[] allSlow = {Math.log(45), Math.log(44), Math.log(43), Math.log(42)};
        assertArrayEquals(new double[] {0, 0}, FewShotEvaluation.costUnderDeadline(w, draw, allSlow, prices), 1e-12);
        // a configuration without a price is never picked
        PriceTable partial = PriceTable.fit(List.of(new Workload("t", fiveConfigs("t", 2).measurements().subList(0, 4))));
        assertArrayEquals(new double[] {80.0 / 50 - 1, 0}, FewShotEvaluation.costUnderDeadline(w, draw, truth, partial),
                1e-12);
    }
}
