package dev.flash.configsearch;

import java.util.List;

/**
 * Cost under a runtime deadline when the user chooses what to measure: which unmeasured
 * configuration to measure next, and which configuration to run in the end. The evaluation's
 * {@code cost_regret_chosen} scores these rules (log 2026-12-07-config-search-7).
 *
 * <p>Measure next: among the unmeasured configurations whose predicted runtime, raised by a margin
 * (log space, 0 for none), meets the deadline, the one of the lowest score (the searcher's log cost
 * prediction; {@code recommend}'s the {@link RecommendationRule#consensus}); none when no
 * configuration is predicted on time.
 *
 * <p>Run: the cheapest <em>measured</em> configuration whose measured runtime met the deadline
 * (what a user would run: it is known to be on time); else the cheapest predicted on time (the
 * searcher's own cost prediction, the same on-time test as for the next measurement); else the
 * fastest measured (nothing is expected to meet the deadline: run what is known to be fastest).
 */
public final class DeadlineRule {
    private DeadlineRule() {
    }

    /**
     * The index among the unmeasured of the configuration to measure next: the lowest {@code
     * score} among those with {@code runtimeLog + marginLog <= log(deadline)}; -1 when none.
     */
    public static int measureNext(double[] runtimeLog, double[] marginLog, double deadline, double[] score) {
        int pick = -1;
        for (int i = 0; i < score.length; i++) {
            if (onTime(runtimeLog[i], marginLog[i], deadline) && (pick < 0 || score[i] < score[pick])) {
                pick = i;
            }
        }
        return pick;
    }

    /** Whether a predicted log runtime, raised by the margin, meets the deadline (seconds). */
    public static boolean onTime(double runtimeLog, double marginLog, double deadline) {
        return runtimeLog + marginLog <= Math.log(deadline);
    }

    /**
     * What is run in the end.
     *
     * @param measured   the measured configurations (true runtime and cost)
     * @param predicted  the unmeasured configurations' predictions (null when the searcher has none)
     * @return the measured one ({@code measured.get(i)}) or, as {@code -1 - j}, the unmeasured {@code j}
     */
    public static int pick(List<Measurement> measured, Predicted predicted, double deadline) {
        int cheapestOnTime = -1;
        int fastest = -1;
        for (int i = 0; i < measured.size(); i++) {
            Measurement m = measured.get(i);
            if (m.runtime() <= deadline && (cheapestOnTime < 0 || m.cost() < measured.get(cheapestOnTime).cost())) {
                cheapestOnTime = i;
            }
            if (fastest < 0 || m.runtime() < measured.get(fastest).runtime()) {
                fastest = i;
            }
        }
        if (cheapestOnTime >= 0) {
            return cheapestOnTime;
        }
        if (predicted != null) {
            int j = measureNext(predicted.runtimeLog(), predicted.marginLog(), deadline, predicted.costLog());
            if (j >= 0) {
                return -1 - j;
            }
        }
        return fastest;
    }

    /**
     * A searcher's predictions of the unmeasured configurations, log space: runtime (for the
     * deadline), its margin, and cost (the searcher's own prediction, for the run-it pick).
     */
    public record Predicted(double[] runtimeLog, double[] marginLog, double[] costLog) {
    }
}
