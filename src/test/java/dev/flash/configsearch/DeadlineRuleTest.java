package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void theExpectedSavingIsTheLognormalPartialExpectation() {
        // Monte Carlo with a fixed generator: E[(b - p r) 1(r <= min(D, b/p))], log r ~ N(mu, sigma^2)
        double mu = Math.log(25);
        double sigma = 0.3;
        double logPrice = Math.log(2);
        java.util.Random rng = new java.util.Random(5);
        double sum = 0;
        int n = 400_000;
        for (int i = 0; i < n; i++) {
            double r = Math.exp(mu + sigma * rng.nextGaussian());
            if (r <= 30 && 2 * r < 56) {
                sum += 56 - 2 * r;
            }
        }
        assertEquals(sum / n, DeadlineRule.expectedSaving(mu, logPrice, sigma, 30, 56), 0.05);
        // exact predictions: the saving if on time and cheaper, else none
        assertEquals(6, DeadlineRule.expectedSaving(mu, logPrice, 0, 30, 56), 1e-9);
        assertEquals(0, DeadlineRule.expectedSaving(Math.log(31), logPrice, 0, 30, 100), 0);
        assertEquals(0.5, DeadlineRule.phi(0), 1e-7);
        assertEquals(0.975, DeadlineRule.phi(1.959964), 1e-6);
    }

    @Test
    void measuresNextWhereTheExpectedSavingIsLargest() {
        // c0 cheapest per second but predicted a little late (33 s, cost 29.7), c1 dearer and on time
        // (20 s, cost 32), c2 very cheap per second and surely late (60 s); nothing measured on time yet
        double[] runtime = {Math.log(33), Math.log(20), Math.log(60)};
        double[] price = {Math.log(0.9), Math.log(1.6), Math.log(0.2)};
        // exact predictions: only c1 is on time, so it is measured (no saving over itself: the fallback)
        assertEquals(1, DeadlineRule.measureNextBySaving(runtime, price, 0, 30, Double.POSITIVE_INFINITY));
        // sigma 0.4: c0 is on time 41% of the time and then cheaper than c1's 32: expected saving
        // 4.57 against c1's 4.06 and c2's 1.1
        assertEquals(0, DeadlineRule.measureNextBySaving(runtime, price, 0.4, 30, Double.POSITIVE_INFINITY));
        // c1 already measured on time at 32: exact predictions promise nothing, and nothing
        // unmeasured is predicted on time
        assertEquals(-1, DeadlineRule.measureNextBySaving(new double[] {Math.log(33), Math.log(60)},
                new double[] {Math.log(0.9), Math.log(0.2)}, 0, 30, 32));
    }

    /** A standard deviation per configuration: equal ones are the scalar rule; a wide one on c0 alone lets it win. */
    @Test
    void weighsEachConfigurationsSavingByItsOwnSpread() {
        double[] runtime = {Math.log(33), Math.log(20), Math.log(60)};
        double[] price = {Math.log(0.9), Math.log(1.6), Math.log(0.2)};
        for (double sigma : new double[] {0, 0.4}) {
            assertEquals(DeadlineRule.measureNextBySaving(runtime, price, sigma, 30, Double.POSITIVE_INFINITY),
                    DeadlineRule.measureNextBySaving(runtime, price, new double[] {sigma, sigma, sigma}, 30,
                            Double.POSITIVE_INFINITY));
        }
        // c1 measured on time at 32: exact predictions promise nothing; c0 (predicted late) with spread 0.4 does
        double[] two = {Math.log(33), Math.log(60)};
        double[] twoPrice = {Math.log(0.9), Math.log(0.2)};
        assertEquals(-1, DeadlineRule.measureNextBySaving(two, twoPrice, new double[] {0, 0}, 30, 32));
        assertEquals(0, DeadlineRule.measureNextBySaving(two, twoPrice, new double[] {0.4, 0}, 30, 32));
        assertThrows(IllegalArgumentException.class,
                () -> DeadlineRule.measureNextBySaving(two, twoPrice, new double[] {0.4}, 30, 32));
    }

    /**
     * Votes: none is the scalar rule; a configuration predicted late whose votes put it on time some
     * of the time gets that share of its saving, and wins when that beats the others' expected saving.
     */
    @Test
    void averagesTheSavingOverAConfigurationsVotes() {
        double[] runtime = {Math.log(33), Math.log(20), Math.log(60)};
        double[] price = {Math.log(0.9), Math.log(1.6), Math.log(0.2)};
        for (double sigma : new double[] {0, 0.4}) {
            assertEquals(DeadlineRule.measureNextBySaving(runtime, price, sigma, 30, Double.POSITIVE_INFINITY),
                    DeadlineRule.measureNextBySavingWithVotes(runtime, price, sigma, new double[3][], 30,
                            Double.POSITIVE_INFINITY));
        }
        // c1 measured on time at 32; c0 predicted late (33 s) and c2 surely late (60 s): nothing promises a saving
        double[] two = {Math.log(33), Math.log(60)};
        double[] twoPrice = {Math.log(0.9), Math.log(0.2)};
        assertEquals(-1, DeadlineRule.measureNextBySavingWithVotes(two, twoPrice, 0, new double[2][], 30, 32));
        // c2's siblings vote 20 s, 25 s, 70 s, 80 s: half the votes on time at cost 4-5 against 32
        double[][] votes = {null, {Math.log(20), Math.log(25), Math.log(70), Math.log(80)}};
        assertEquals(1, DeadlineRule.measureNextBySavingWithVotes(two, twoPrice, 0, votes, 30, 32));
        // every vote late: no saving from c2 (its own prediction is not used where it has votes)
        double[][] late = {null, {Math.log(31), Math.log(40), Math.log(50)}};
        assertEquals(-1, DeadlineRule.measureNextBySavingWithVotes(two, twoPrice, 0, late, 30, 32));
        assertThrows(IllegalArgumentException.class,
                () -> DeadlineRule.measureNextBySavingWithVotes(two, twoPrice, 0, new double[1][], 30, 32));
        // NaN is no vote; weights move the share of the saving each vote carries
        double[][] withNaN = {null, {Math.log(20), Double.NaN, Math.log(70)}};
        assertEquals(1, DeadlineRule.measureNextBySavingWithVotes(two, twoPrice, 0, withNaN, 30, 32));
        // all the weight on the late vote: no saving, c2 is not measured
        double[][] onLate = {null, {0, 0.7, 1}};
        assertEquals(-1, DeadlineRule.measureNextBySavingWithVotes(two, twoPrice, 0, withNaN, onLate, 30, 32));
        // weight on the on-time vote: as before
        double[][] onTime = {null, {1, 0.7, 0}};
        assertEquals(1, DeadlineRule.measureNextBySavingWithVotes(two, twoPrice, 0, withNaN, onTime, 30, 32));
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

    @Test
    void theArraysPickIsTheMeasurementsPickAndRefusesNothingMeasured() {
        DeadlineRule.Predicted p = new DeadlineRule.Predicted(new double[] {Math.log(20), Math.log(28)},
                new double[2], new double[] {Math.log(9), Math.log(7)});
        // recommend passes runtimes and its objective's values: the same answers as from measurements
        assertEquals(2, DeadlineRule.pick(new double[] {50, 30, 12}, new double[] {1, 8, 6}, p, 30));
        assertEquals(-1 - 1, DeadlineRule.pick(new double[] {50, 35}, new double[] {1, 3}, p, 30));
        // ties go to the first
        assertEquals(0, DeadlineRule.pick(new double[] {10, 12}, new double[] {5, 5}, p, 30));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DeadlineRule.pick(new double[0], new double[0], p, 30));
    }

    @Test
    void measuresNextWhereTheOnTimeProbabilityTimesTheSavingIsLargest() {
        // c0: predicted 33 s against a 30 s deadline, cost 29.7; c1: 20 s, cost 32; the best measured on time costs 40
        double[] runtime = {Math.log(33), Math.log(20)};
        double[] price = {Math.log(0.9), Math.log(1.6)};
        double[] cost = {Math.log(29.7), Math.log(32)};
        // exact predictions: c0 is late (P = 0), c1 on time saves 8
        assertEquals(1, DeadlineRule.measureNextByOnTimeSaving(runtime, price, cost, 0, 30, 40));
        // sigma 0.4: c0 on time with P = Phi(ln(30/33) / 0.4) = 0.405, x 10.3 = 4.2; c1 P = 0.845, x 8 = 6.8
        assertEquals(1, DeadlineRule.measureNextByOnTimeSaving(runtime, price, cost, 0.4, 30, 40));
        // against a best of 30: only c0 promises a saving (0.3 x 0.405)
        assertEquals(0, DeadlineRule.measureNextByOnTimeSaving(runtime, price, cost, 0.4, 30, 30));
        // against 20: nothing does, so the cheapest predicted on time (c1)
        assertEquals(1, DeadlineRule.measureNextByOnTimeSaving(runtime, price, cost, 0.4, 30, 20));
    }
}
