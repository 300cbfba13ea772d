package dev.flash.configsearch;

/**
 * The one rule by which a configuration is recommended and the next one chosen, shared by
 * {@code flash config-search recommend} ({@link Recommender}) and the evaluation's chosen-shot
 * regret and search loop ({@link FewShotEvaluation}), so that the figure measures what the
 * product does.
 *
 * <p>Recommend the lowest <em>measured</em> configuration: a searcher has already measured what it
 * predicted lowest, and an unmeasured configuration predicted lower still is the one to measure
 * next, not one to recommend blind (chosen on the training part, log
 * 2026-12-07-config-search-3: level or better than trusting the prediction in every probe row).
 * Measure next the unmeasured configuration with the lowest prediction; the product ranks by the
 * {@link #consensus} of FLASH's and the ratio reference's (log 2026-12-07-config-search-6), the
 * evaluation's {@code flash} searcher by FLASH's alone. Ties go to the first.
 */
public final class RecommendationRule {
    private RecommendationRule() {
    }

    /** The index of the configuration to recommend among measured {@code values}; -1 when none. */
    public static int recommend(double[] measuredValues) {
        return lowest(measuredValues);
    }

    /** The index of the configuration to measure next among unmeasured {@code predictions}; -1 when none. */
    public static int measureNext(double[] predictions) {
        return lowest(predictions);
    }

    /**
     * Whether a predicted value is expected to beat the measured best by more than its uncertainty
     * (its one-standard-deviation-high value, {@code predicted * exp(logStd)}, is still lower): the
     * case in which the prediction is worth measuring before settling on the measured best.
     */
    public static boolean beatsBeyondUncertainty(double predicted, double logStd, double measuredBest) {
        return predicted * Math.exp(logStd) < measuredBest;
    }

    /**
     * The consensus of a learned and the non-learned searcher's log predictions, which {@code
     * flash-consensus} ranks by (measure next its lowest): their mean, so that a configuration only
     * one of them predicts low is pulled back toward what the other says (a hedge against the
     * learned model's errors on workloads unlike its training ones). {@link Recommender}'s next
     * measurement; the evaluation measures it as {@code flash-consensus} beside the greedy rule
     * (log 2026-12-07-config-search-6).
     */
    public static double[] consensus(double[] learnedLog, double[] referenceLog) {
        if (learnedLog.length != referenceLog.length) {
            throw new IllegalArgumentException("consensus: " + learnedLog.length + " learned predictions, "
                    + referenceLog.length + " reference predictions");
        }
        double[] out = new double[learnedLog.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 0.5 * (learnedLog[i] + referenceLog[i]);
        }
        return out;
    }

    private static int lowest(double[] v) {
        int pick = -1;
        for (int i = 0; i < v.length; i++) {
            if (pick < 0 || v[i] < v[pick]) {
                pick = i;
            }
        }
        return pick;
    }
}
