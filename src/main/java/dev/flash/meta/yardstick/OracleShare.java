package dev.flash.meta.yardstick;

/**
 * The in-budget share of a clairvoyant reference's saving (case III: the oracle's energy
 * saving). Per application the agent's saving divided by the reference's, capped at 1, and 0
 * where the agent broke the budget; the mean over applications. It cannot exceed 1, a policy
 * cannot raise it by running slower (over budget scores 0), and a do-nothing policy (saving 0)
 * scores 0. Where the reference saves nothing, an agent in budget has nothing to earn: that
 * application counts 1 when the agent loses nothing (saving &gt;= 0) and 0 otherwise.
 *
 * <p>The reference must keep the budget itself: a reference that saves by breaking it credits
 * savings no in-budget policy can reach and makes the share look low for the wrong reason (the
 * DVFS current-phase oracle did, until 2026-12-07). Case III reports the share against the
 * per-second oracle ({@code oracle}) and against the budget-optimal plan
 * ({@code oracle-optimal}, the upper reference).
 */
public final class OracleShare {
    private OracleShare() {
    }

    /** One application's share. */
    public static double perApp(double saving, double referenceSaving, boolean withinBudget) {
        if (!withinBudget) {
            return 0;
        }
        if (!(referenceSaving > 0)) {
            return saving >= 0 ? 1 : 0;
        }
        return Math.max(0, Math.min(1, saving / referenceSaving));
    }

    /** The mean over applications of {@link #perApp}; arrays are per application. */
    public static double mean(double[] saving, double[] referenceSaving, boolean[] withinBudget) {
        if (saving.length != referenceSaving.length || saving.length != withinBudget.length) {
            throw new IllegalArgumentException("per-application arrays differ in length: " + saving.length + ", "
                    + referenceSaving.length + ", " + withinBudget.length);
        }
        if (saving.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < saving.length; i++) {
            s += perApp(saving[i], referenceSaving[i], withinBudget[i]);
        }
        return s / saving.length;
    }
}
