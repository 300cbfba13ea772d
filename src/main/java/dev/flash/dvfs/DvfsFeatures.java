package dev.flash.dvfs;

import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.List;

/**
 * The DVFS agent's observation: the daemon's telemetry turned into a fixed, ordered feature
 * vector per cpufreq policy. The same code serves the daemon (real or simulated node) and
 * training, so a model sees identical features in both. Feature names are written into every
 * DVFS model's metadata and checked at load.
 */
public final class DvfsFeatures {
    private DvfsFeatures() {
    }

    /** Busy fraction of the policy's CPUs, 0..1. */
    public static final String UTIL = "util";
    /** Current frequency normalised to the hardware range, 0..1. */
    public static final String FREQ = "freq_norm";
    /** Instructions per cycle divided by {@link #IPC_SCALE}, clipped to 0..1.5. */
    public static final String IPC = "ipc_norm";
    /** Last-level cache misses per kilo-instruction divided by {@link #MPKI_SCALE}, clipped. */
    public static final String MPKI = "mpki_norm";
    /** Package power divided by the node's reference power, clipped to 0..1.5. */
    public static final String POWER = "power_norm";
    /**
     * Busy fraction of the policy's busiest CPU, 0..1. The mean ({@link #UTIL}) cannot tell one
     * saturated CPU of two from two half-busy ones, and the shared frequency must serve the
     * busiest; the governors and flashd's fallback decide on it too.
     */
    public static final String UTIL_MAX = "util_max";

    /**
     * The busiest CPU's utilization averaged over the last seconds
     * ({@link dev.flash.telemetry.UtilizationHistory}, time constant 8 s), 0..1: the level a
     * bursty load moves around.
     */
    public static final String UTIL_AVG = "util_avg";
    /**
     * Twice the busiest CPU's mean absolute deviation from that average, clipped to 0..1: how
     * bursty the load is. One second cannot tell a burst from a level change; these two can.
     */
    public static final String UTIL_DEV = "util_dev";

    /**
     * Share of the policy's runnable time its tasks waited for a CPU
     * ({@link PolicySample#runWaitShare()}, from {@code /proc/schedstat}), 0..1: how far demand
     * is beyond what the clock serves. Utilization stops at 1 when the CPUs saturate, so a
     * saturated application a little short of its demand and one far short look alike without
     * it; 0 when unavailable.
     */
    public static final String RUN_WAIT = "run_wait";

    public static final List<String> NAMES = List.of(UTIL, FREQ, IPC, MPKI, POWER, UTIL_MAX, UTIL_AVG, UTIL_DEV,
            RUN_WAIT);
    public static final int COUNT = NAMES.size();

    public static final double IPC_SCALE = 4.0;
    public static final double MPKI_SCALE = 20.0;

    /** Telemetry signals (keys of {@link TelemetryRecord#unavailable()}) each feature needs. */
    public static List<String> requiredSignals() {
        return List.of("utilization", "frequency", "ipc", "mpki", "power");
    }

    /** Writes the features of one policy into {@code out[offset .. offset+COUNT)}. */
    public static void extract(PolicySample p, TelemetryRecord record, float[] out, int offset) {
        extract(p, record, record.packageWatts(), out, offset);
    }

    /**
     * The same with {@code packageWatts} = {@code record.packageWatts()} computed once by the
     * caller (summing the power zones per policy was about a tenth of a 256-policy tick under C1).
     */
    public static void extract(PolicySample p, TelemetryRecord record, double packageWatts, float[] out, int offset) {
        out[offset] = (float) clip(p.utilization(), 0, 1);
        out[offset + 1] = (float) clip(p.normalizedFrequency(), 0, 1);
        out[offset + 2] = (float) clip(p.ipc() / IPC_SCALE, 0, 1.5);
        out[offset + 3] = (float) clip(p.mpki() / MPKI_SCALE, 0, 1.5);
        out[offset + 4] = (float) clip(packageWatts / record.powerReferenceWatts(), 0, 1.5);
        out[offset + 5] = (float) clip(p.busiestUtilization(record.cpuUtilization()), 0, 1);
        out[offset + 6] = (float) clip(p.utilizationAverage(), 0, 1);
        out[offset + 7] = (float) clip(2 * p.utilizationDeviation(), 0, 1);
        out[offset + 8] = (float) clip(p.runWaitShare(), 0, 1);
    }

    public static float[] extract(PolicySample p, TelemetryRecord record) {
        float[] out = new float[COUNT];
        extract(p, record, out, 0);
        return out;
    }

    /** NaN (an unavailable signal) becomes 0, which models are trained to treat as "unknown". */
    static double clip(double v, double lo, double hi) {
        if (Double.isNaN(v)) {
            return 0;
        }
        return Math.max(lo, Math.min(hi, v));
    }
}
