package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlineRuleTest {

    private static Measurement m(String key, double runtime, double cost) {
        return new Measurement(key, new float[] {0}, new float[0], runtime, cost, 1, 2);
    }

    @Test
    void measuresNextTheLowestScoreAmongThosePredictedOnTime() {
        double[] runtime = {Math.log(10), Math.log(40), Math.log(25), Math.log(29)};
        double[] none = new double[4];
        double[] score = {3, 1, 2, 2.5};
        // deadline 30 s: index 1 (40 s) is out, the lowest score of the rest is index 2
        assertEquals(2, DeadlineRule.measureNext(runtime, none, 30, score));
        // a margin of log 1.25 pushes 25 s to 31.25 s and 29 s out: only index 0 is left
        double[] margin = {Math.log(1.25), Math.log(1.25), Math.log(1.25), Math.log(1.25)};
        assertEquals(0, DeadlineRule.measureNext(runtime, margin, 30, score));
        // nothing on time: nothing to measure
        assertEquals(-1, DeadlineRule.measureNext(runtime, none, 5, score));
        // exactly on the deadline counts as on time
        assertEquals(0, DeadlineRule.measureNext(new double[] {Math.log(30)}, new double[1], 30, new double[] {0}));
    }

    @Test
    void runsTheCheapestMeasuredOnTimeElseTheCheapestPredictedOnTimeElseTheFastestMeasured() {
        DeadlineRule.Predicted p = new DeadlineRule.Predicted(new double[] {Math.log(20), Math.log(28)},
                new double[2], new double[] {Math.log(9), Math.log(7)});
        // two measured on time (costs 8 and 6): the cheaper, whatever the predictions say
        List<Measurement> measured = List.of(m("a", 50, 1), m("b", 30, 8), m("c", 12, 6));
        assertEquals(2, DeadlineRule.pick(measured, p, 30));
        // none measured on time: the cheapest predicted on time (the second unmeasured, cost 7)
        List<Measurement> late = List.of(m("a", 50, 1), m("d", 35, 3));
        assertEquals(-1 - 1, DeadlineRule.pick(late, p, 30));
        // nothing predicted on time either (or no predictions): the fastest measured
        DeadlineRule.Predicted slow = new DeadlineRule.Predicted(new double[] {Math.log(40), Math.log(41)},
                new double[2], new double[] {Math.log(1), Math.log(1)});
        assertEquals(1, DeadlineRule.pick(late, slow, 30));
        assertEquals(1, DeadlineRule.pick(late, null, 30));
    }
}
