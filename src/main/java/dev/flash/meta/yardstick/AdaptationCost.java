package dev.flash.meta.yardstick;

import java.util.List;

/**
 * Adaptation cost: environment steps until the agent's evaluated reward first reaches, and then
 * stays within, {@link #TOLERANCE} of the converged expert's ({@code reward >= R_expert -
 * 5% |R_expert|} at that point and every later one). Being above the expert counts as within.
 * An agent still outside at the last point is <em>censored</em>: its cost is only known to
 * exceed the budget. No contestant's cost is floored at a constant; a contestant that reads a
 * context of C rows cannot have adapted before it has seen them, so its cost is at least its
 * context-filling steps ({@code fillSteps}), the experience those rows are.
 *
 * @param steps     steps of experience at the qualifying point (the budget when censored)
 * @param censored  never reached-and-stayed within the budget: the cost is "&gt; budget"
 * @param budget    the online budget in steps the curve was measured over
 */
public record AdaptationCost(long steps, boolean censored, long budget) implements java.io.Serializable {

    /** The band around the expert (the paper's 5%). */
    public static final double TOLERANCE = 0.05;

    /** The cost of {@code curve} against an expert scoring {@code expert} per step. */
    public static AdaptationCost of(EvaluatedCurve curve, double expert, long fillSteps) {
        return of(curve, expert, TOLERANCE, fillSteps);
    }

    public static AdaptationCost of(EvaluatedCurve curve, double expert, double tolerance, long fillSteps) {
        if (!Double.isFinite(expert)) {
            throw new IllegalArgumentException("the expert's reward must be finite, got " + expert);
        }
        double floor = expert - tolerance * Math.abs(expert);
        long[] s = curve.steps();
        double[] r = curve.reward();
        int first = -1;
        for (int i = s.length - 1; i >= 0 && r[i] >= floor; i--) {
            first = i;
        }
        long budget = curve.length();
        if (first < 0) {
            return new AdaptationCost(budget, true, budget);
        }
        return new AdaptationCost(Math.max(s[first], fillSteps), false, budget);
    }

    /**
     * Whether {@code reward} is within the band around {@code expert}: a policy scoring it would
     * cost 0. Read with the do-nothing level, it says the cost could be met by doing nothing.
     */
    public static boolean withinBand(double reward, double expert) {
        return Double.isFinite(reward) && Double.isFinite(expert) && reward >= expert - TOLERANCE * Math.abs(expert);
    }

    /** "128" or "&gt; 6400". */
    public String label() {
        return censored ? "> " + budget : Long.toString(steps);
    }

    /**
     * The costs of one contestant over applications.
     *
     * @param meanSteps       mean cost with every censored application counted at its budget: a
     *                        lower bound of the true mean whenever {@code censored > 0}
     * @param meanUncensored  mean over the applications that got there (NaN if none did)
     * @param censored        applications censored
     * @param apps            applications measured
     */
    public record Summary(double meanSteps, double meanUncensored, int censored, int apps) {

        public static Summary of(List<AdaptationCost> costs) {
            double all = 0;
            double reached = 0;
            int censored = 0;
            for (AdaptationCost c : costs) {
                all += c.steps();
                if (c.censored()) {
                    censored++;
                } else {
                    reached += c.steps();
                }
            }
            int n = costs.size();
            return new Summary(n == 0 ? Double.NaN : all / n,
                    n - censored == 0 ? Double.NaN : reached / (n - censored), censored, n);
        }
    }

    /**
     * Cost ratio = {@code slower}'s mean cost / {@code faster}'s (the paper: transfer learning /
     * FLASH), both with censored applications at their budget; read it with both censoring counts
     * beside it. NaN when the denominator is 0 or either is undefined.
     */
    public static double ratio(Summary slower, Summary faster) {
        if (!(faster.meanSteps() > 0) || !Double.isFinite(slower.meanSteps())) {
            return Double.NaN;
        }
        return slower.meanSteps() / faster.meanSteps();
    }
}
