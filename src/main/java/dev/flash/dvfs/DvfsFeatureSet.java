package dev.flash.dvfs;

import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.SignalGroups;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two state layouts a DVFS model may be trained on; the feature names in the model's
 * metadata say which one (see {@link #of}), so a model trained before the mask existed keeps
 * loading and deciding exactly as before.
 *
 * <ul>
 *   <li>{@link #PLAIN}: {@link DvfsFeatures#NAMES}. A missing signal reads 0, which the model
 *       cannot tell from a signal that is there and reads 0 (a missing schedstat looks like a
 *       run queue on which nothing waits).</li>
 *   <li>{@link #WITH_MASK}: the same nine, then one flag per signal group a node commonly lacks
 *       ({@link SignalGroups#DROPPABLE}): {@code missing_pmu}, {@code missing_rapl},
 *       {@code missing_schedstat}, 1 when the node reports any signal of the group unavailable
 *       ({@link TelemetryRecord#unavailable()}), else 0. The daemon's node, the simulated node
 *       with {@code dropSignals} and a training episode with signal dropout all report a missing
 *       group there, so the flags come from the same place everywhere.</li>
 * </ul>
 *
 * A context row holds the state features of the model's layout, so the daemon, the evaluation
 * and the trainer size their context rows with {@link #count()}.
 */
public enum DvfsFeatureSet {
    PLAIN(DvfsFeatures.NAMES),
    WITH_MASK(withMask());

    public static final String MISSING_PMU = "missing_" + SignalGroups.PMU;
    public static final String MISSING_RAPL = "missing_" + SignalGroups.RAPL;
    public static final String MISSING_SCHEDSTAT = "missing_" + SignalGroups.SCHEDSTAT;
    /** The mask's groups, in feature order. */
    public static final List<String> MASKED_GROUPS = SignalGroups.DROPPABLE;

    /** Features of the largest layout: arrays of this size fit either. */
    public static final int MAX_COUNT = DvfsFeatures.COUNT + SignalGroups.DROPPABLE.size();

    private final List<String> names;

    DvfsFeatureSet(List<String> names) {
        this.names = names;
    }

    private static List<String> withMask() {
        List<String> n = new ArrayList<>(DvfsFeatures.NAMES);
        for (String g : SignalGroups.DROPPABLE) {
            n.add("missing_" + g);
        }
        return List.copyOf(n);
    }

    public List<String> names() {
        return names;
    }

    public int count() {
        return names.size();
    }

    public boolean hasMask() {
        return this == WITH_MASK;
    }

    /** The layout whose names equal {@code featureNames} in order, or null when neither does. */
    public static DvfsFeatureSet of(List<String> featureNames) {
        for (DvfsFeatureSet s : values()) {
            if (s.names.equals(featureNames)) {
                return s;
            }
        }
        return null;
    }

    /** Writes the features of one policy into {@code out[offset .. offset + count())}. */
    public void extract(PolicySample p, TelemetryRecord record, float[] out, int offset) {
        extract(p, record, record.packageWatts(), out, offset);
    }

    /**
     * The same with the record's {@link TelemetryRecord#packageWatts()} computed once by the
     * caller: a loop over every policy of a record (the daemon's tick) would otherwise sum the
     * power zones once per policy.
     */
    public void extract(PolicySample p, TelemetryRecord record, double packageWatts, float[] out, int offset) {
        DvfsFeatures.extract(p, record, packageWatts, out, offset);
        if (this == WITH_MASK) {
            writeMask(record.unavailable(), out, offset + DvfsFeatures.COUNT);
        }
    }

    public float[] extract(PolicySample p, TelemetryRecord record) {
        float[] out = new float[count()];
        extract(p, record, out, 0);
        return out;
    }

    /**
     * One flag per {@link #MASKED_GROUPS} group: 1 when any of its signals is unavailable. Most
     * nodes report nothing missing, and then this is three stores (the daemon calls it per
     * policy per tick).
     */
    static void writeMask(Map<String, String> unavailable, float[] out, int offset) {
        for (int g = 0; g < MASKED_GROUPS.size(); g++) {
            out[offset + g] = SignalGroups.isLacking(MASKED_GROUPS.get(g), unavailable) ? 1f : 0f;
        }
    }
}
