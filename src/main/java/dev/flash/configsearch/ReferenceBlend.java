package dev.flash.configsearch;

import java.util.List;
import java.util.Locale;

/**
 * What FLASH's reference (the input its residual network corrects) is made of: the attention
 * over the training workloads alone, or blended with {@link WorkloadFactors} and the
 * {@link RatioReference}, each member's share from its leave-one-workload-out error on the
 * training workloads ({@link NeighbourReference#fitBlended}). Chosen by nested validation on the
 * multi-cloud training folds (docs/log/2026-12-07-config-search-5.md).
 *
 * @param factors    blend in the low-rank factor model
 * @param ratio      blend in the ratio reference
 * @param likelihood shares proportional to {@code s^-W} (W held-out training workloads), else to {@code 1/s^2}
 * @param stacked    shares that minimise the blend's own leave-one-workload-out error (then {@code likelihood} is unused)
 * @param byDataSet  score the members (the attention alone: its temperature pairs) by leaving out a
 *                   whole data set when the training workloads span several
 *                   ({@link NeighbourReference#dataSetHoldOut}), else one workload at a time
 */
public record ReferenceBlend(boolean factors, boolean ratio, boolean likelihood, boolean stacked, boolean byDataSet) {

    /** The member lists {@link #parse} accepts, in the order the options' help names them. */
    public static final List<String> MEMBERS = List.of("attention", "attention+factors", "attention+factors+ratio");

    /** The attention alone. */
    public static final ReferenceBlend ATTENTION = new ReferenceBlend(false, false, true, false, false);

    /** The default's {@code --blend} and {@code --blend-weights} (constants: picocli's defaults name them). */
    public static final String DEFAULT_MEMBERS = "attention";
    public static final String DEFAULT_WEIGHTS = "likelihood";
    public static final String DEFAULT_HOLDOUT = "workload";

    /** What {@code evaluate}, {@code train} and {@code reproduce} use unless told otherwise. */
    public static final ReferenceBlend DEFAULT = parse(DEFAULT_MEMBERS, DEFAULT_WEIGHTS, DEFAULT_HOLDOUT);

    public ReferenceBlend {
        if (ratio && !factors) {
            throw new IllegalArgumentException("a blend with the ratio reference includes the factors");
        }
    }

    /**
     * {@code members}: one of {@link #MEMBERS}; {@code weights}: {@code likelihood} or {@code inverse}.
     * An IllegalArgumentException names the bad value and the choices.
     */
    public static ReferenceBlend parse(String members, String weights) {
        return parse(members, weights, DEFAULT_HOLDOUT);
    }

    /** {@link #parse(String, String)} and {@code holdOut}: {@code workload} or {@code dataset}. */
    public static ReferenceBlend parse(String members, String weights, String holdOut) {
        String h = holdOut.trim().toLowerCase(Locale.ROOT);
        if (!h.equals("workload") && !h.equals("dataset")) {
            throw new IllegalArgumentException("--blend-holdout: want workload or dataset, got '" + holdOut + "'");
        }
        String m = members.trim().toLowerCase(Locale.ROOT);
        int i = MEMBERS.indexOf(m);
        if (i < 0) {
            throw new IllegalArgumentException("--blend: want one of " + String.join(", ", MEMBERS) + ", got '"
                    + members + "'");
        }
        String w = weights.trim().toLowerCase(Locale.ROOT);
        if (!w.equals("likelihood") && !w.equals("inverse") && !w.equals("stacked")) {
            throw new IllegalArgumentException("--blend-weights: want likelihood, inverse or stacked, got '" + weights
                    + "'");
        }
        return new ReferenceBlend(i >= 1, i >= 2, w.equals("likelihood"), w.equals("stacked"), h.equals("dataset"));
    }

    /** FLASH's reference on {@code training}, temperatures and shares chosen on it alone. */
    public NeighbourReference fit(List<Workload> training, Target target, int[] shots, int draws, long seed) {
        var holdOut = byDataSet ? NeighbourReference.dataSetHoldOut(training) : null;
        if (!factors) {
            // the attention alone: the data sets held out score its temperature pairs (log 7)
            return NeighbourReference.fitWeighted(training, target, shots, draws, seed, holdOut);
        }
        if (stacked) {
            return NeighbourReference.fitStacked(training, target, shots, draws, seed, ratio, holdOut);
        }
        return NeighbourReference.fitBlended(training, target, shots, draws, seed, likelihood, ratio, holdOut);
    }

    public String label() {
        return MEMBERS.get(ratio ? 2 : factors ? 1 : 0) + (factors ? (stacked ? ", stacked" : likelihood
                ? ", likelihood" : ", inverse") + " weights" : "") + (byDataSet ? ", data sets held out" : "");
    }
}
