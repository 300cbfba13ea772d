package dev.flash.meta.yardstick;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The yardsticks' arithmetic on tiny hand-made curves. */
class YardstickMathTest {

    private static final long[] STEPS = {0, 32, 64, 96, 128, 192, 256};

    private static EvaluatedCurve curve(double... reward) {
        return EvaluatedCurve.of(STEPS, reward);
    }

    @Test
    void costIsTheFirstPointFromWhichTheCurveStaysWithinFivePercentOfTheExpert() {
        // Expert 1.0: the band starts at 0.95. Reaches at 64, dips at 96, stays from 128.
        EvaluatedCurve c = curve(0.5, 0.8, 0.96, 0.90, 0.97, 1.02, 0.99);
        AdaptationCost cost = AdaptationCost.of(c, 1.0, 0);
        assertEquals(128, cost.steps());
        assertFalse(cost.censored());
        assertEquals(256, cost.budget());
    }

    @Test
    void aCurveThatNeverStaysIsCensoredAtTheBudget() {
        EvaluatedCurve c = curve(0.5, 0.96, 0.97, 0.98, 0.99, 0.99, 0.90);
        AdaptationCost cost = AdaptationCost.of(c, 1.0, 0);
        assertTrue(cost.censored());
        assertEquals(256, cost.steps());
        assertEquals("> 256", cost.label());
    }

    @Test
    void noConstantFloorButTheContextFillingStepsCount() {
        EvaluatedCurve atOnce = curve(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
        assertEquals(0, AdaptationCost.of(atOnce, 1.0, 0).steps(), "a policy good from the start costs nothing");
        assertEquals(4, AdaptationCost.of(atOnce, 1.0, 4).steps(), "a context of 4 rows is 4 steps of experience");
        EvaluatedCurve late = curve(0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0);
        assertEquals(128, AdaptationCost.of(late, 1.0, 4).steps(), "the fill steps are no floor once exceeded");
    }

    @Test
    void theBandScalesWithTheExpertsMagnitudeForNegativeRewards() {
        // Expert -2: the band's floor is -2.1.
        EvaluatedCurve c = curve(-3, -2.2, -2.05, -2.0, -2.0, -2.0, -2.0);
        assertEquals(64, AdaptationCost.of(c, -2.0, 0).steps());
    }

    @Test
    void aDoNothingPolicyCannotScore() {
        // A policy that never moves from where it starts (below the expert) scores no adaptation:
        // censored at the budget, and its gap is the whole distance.
        EvaluatedCurve flat = curve(0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6);
        AdaptationCost cost = AdaptationCost.of(flat, 1.0, 0);
        assertTrue(cost.censored());
        assertEquals(0.4, RewardGap.of(1.0, flat.at(0)), 1e-12);
        // ... and a do-nothing DVFS policy (saving nothing) earns none of the oracle's saving.
        assertEquals(0, OracleShare.perApp(0, 0.2, true));
    }

    @Test
    void gapKeepsItsSign() {
        assertEquals(0.1, RewardGap.of(1.0, 0.9), 1e-12);
        assertEquals(-0.1, RewardGap.of(1.0, 1.1), 1e-12);
        assertEquals(0.5, RewardGap.of(-2.0, -3.0), 1e-12, "below a negative expert is a positive gap");
        assertTrue(Double.isNaN(RewardGap.of(0, 0.3)));
        // an expert at 0 up to rounding (it settled on fmax): undefined, not 10^15 %
        assertTrue(Double.isNaN(RewardGap.of(-1.7e-18, 0.03)));
        assertEquals(0, RewardGap.of(2e-19, -3e-18), 1e-12);
        Spread s = Spread.of(new double[] {0.1, RewardGap.of(1e-18, 0.02), 0.3});
        assertEquals(0.2, s.mean(), 1e-12);
        assertEquals(1, s.leftOut(), "counted apart");
    }

    @Test
    void summariesCountCensoringAndTheRatioUsesTheBudgetForIt() {
        AdaptationCost a = new AdaptationCost(100, false, 1000);
        AdaptationCost b = new AdaptationCost(1000, true, 1000);
        AdaptationCost.Summary slow = AdaptationCost.Summary.of(List.of(a, b));
        assertEquals(550, slow.meanSteps(), 1e-9);
        assertEquals(100, slow.meanUncensored(), 1e-9);
        assertEquals(1, slow.censored());
        AdaptationCost.Summary fast = AdaptationCost.Summary.of(List.of(new AdaptationCost(50, false, 1000),
                new AdaptationCost(60, false, 1000)));
        assertEquals(10.0, AdaptationCost.ratio(slow, fast), 1e-9);
        assertTrue(Double.isNaN(AdaptationCost.ratio(slow, AdaptationCost.Summary.of(
                List.of(new AdaptationCost(0, false, 1000))))), "no ratio over a zero cost");
    }

    @Test
    void oracleShareIsCappedAtOneAndZeroOverBudget() {
        assertEquals(0.5, OracleShare.perApp(0.1, 0.2, true), 1e-12);
        assertEquals(1.0, OracleShare.perApp(0.3, 0.2, true), 1e-12, "capped at the oracle's");
        assertEquals(0.0, OracleShare.perApp(0.5, 0.2, false), "running slow earns nothing");
        // powersave-like: big savings over budget everywhere scores 0; it cannot beat a modest in-budget agent.
        double powersave = OracleShare.mean(new double[] {0.6, 0.5}, new double[] {0.2, 0.1},
                new boolean[] {false, false});
        double modest = OracleShare.mean(new double[] {0.1, 0.05}, new double[] {0.2, 0.1},
                new boolean[] {true, true});
        assertEquals(0, powersave);
        assertEquals(0.5, modest, 1e-12);
        assertTrue(modest <= 1);
        assertEquals(1.0, OracleShare.perApp(0, 0, true), "nothing to save and nothing lost");
        assertThrows(IllegalArgumentException.class, () -> OracleShare.mean(new double[1], new double[2],
                new boolean[1]));
    }

    @Test
    void spreadLeavesOutUndefinedValuesAndCountsThem() {
        Spread s = Spread.of(new double[] {0.1, 0.3, Double.NaN});
        assertEquals(0.2, s.mean(), 1e-12);
        assertEquals(Math.sqrt(0.02), s.std(), 1e-12);
        assertEquals(2, s.n());
        assertEquals(1, s.leftOut());
    }

    @Test
    void plateauNeedsTheMinimumBudgetAndLessThanOnePercentGain() {
        PlateauRule rule = new PlateauRule(0.01, 200, 800, 32);
        EvaluatedCurve rising = curve(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7);
        DoNothing.Level zero = new DoNothing.Level(0, 0.005);
        assertFalse(rule.plateaued(rising, zero));
        EvaluatedCurve flat = curve(0.1, 0.5, 0.9, 1.0, 1.0, 1.001, 1.0);
        assertTrue(rule.plateaued(flat, zero));
        assertEquals(1.0005, PlateauRule.plateauReward(flat), 1e-9);
        assertFalse(new PlateauRule(0.01, 1000, 2000, 32).plateaued(flat, zero), "not before the minimum budget");
        PlateauRule forBudget = PlateauRule.forBudget(640);
        assertEquals(6400, forBudget.minSteps());
        assertTrue(forBudget.maxSteps() > forBudget.minSteps());
    }

    @Test
    void evaluationPointsStartAtZeroEndAtTheBudgetAndFallOnRollouts() {
        long[] p = new Budget(32 * 10, 32, 32, 4).points();
        assertArrayEquals(new long[] {0, 32, 64, 96, 128, 192, 256, 320}, p);
        long[] odd = new Budget(100, 32, 32, 4).points();
        assertEquals(128, odd[odd.length - 1], "rounded up to a whole rollout");
        for (long s : new Budget(32 * 400, 32, 32, 4).points()) {
            assertEquals(0, s % 32);
        }
    }

    @Test
    void evaluationPointsAreLogSpacedLateInTheBudget() {
        long[] p = new Budget(32 * 200, 32, 32, 4).points();
        // two points per doubling of the experience (and the end): a budget 100x longer costs ~14 more points
        assertTrue(p.length <= 2 * (Math.log(200) / Math.log(2)) + 2, java.util.Arrays.toString(p));
        for (int i = 2; i < p.length; i++) {
            assertTrue(p[i] <= 2 * p[i - 1], "no gap wider than a doubling: " + java.util.Arrays.toString(p));
        }
        assertEquals(32 * 200, p[p.length - 1]);
    }

    @Test
    void aPointIsTheMeanPerStepWithItsStandardError() {
        double[] p = EvaluatedCurve.point(new double[] {10, 20, 30}, 10);
        assertEquals(2.0, p[0], 1e-12);
        assertEquals(1.0 / Math.sqrt(3), p[1], 1e-12);
    }
}
