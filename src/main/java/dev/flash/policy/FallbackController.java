package dev.flash.policy;

import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule controller that runs whenever no valid model is active (no file, rejected file,
 * model error): the kernel's schedutil rule, applied from user space.
 *
 * <pre>
 *   next = HEADROOM * cpuinfo_max_freq * util        (schedutil: C = 1.25)
 * </pre>
 *
 * so a policy busy 80% of the time runs at maximum frequency and an idle one at the bottom of
 * its range. Like schedutil, {@code util} is that of the policy's busiest CPU, not the mean: a
 * policy shares one clock, and the mean would starve the one CPU that carries the load. The result is clamped to the policy's current limits (scaling_min/max, or the
 * hardware range when those are unknown) and, when the driver publishes a frequency table,
 * rounded up to the next table entry (schedutil's CPUFREQ_RELATION_L: never slower than asked).
 *
 * <p>Hysteresis: raising follows demand at once (slowing an application is the costly
 * mistake), but a lower target is applied only when it is at least {@link #HYSTERESIS} of the
 * hardware range below the current frequency; small dips in utilization then do not make the
 * frequency bounce between neighbouring steps. Unknown utilization (NaN) means maximum, the
 * safe side for performance. Stateless: it reads the current frequency from the record.
 */
public final class FallbackController implements FrequencyPolicy {

    /** schedutil's headroom factor C. */
    public static final double HEADROOM = 1.25;
    /** Minimum downward move, as a fraction of cpuinfo_max - cpuinfo_min. */
    public static final double HYSTERESIS = 0.05;
    public static final String NAME = "fallback";
    public static final String ACTION = "schedutil";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) {
        List<PolicyDecision> out = new ArrayList<>(record.policies().size());
        for (PolicySample p : record.policies()) {
            long target = targetKhz(p, p.busiestUtilization(record.cpuUtilization()));
            out.add(new PolicyDecision(p.id(), -1, ACTION, target, new float[0], Double.NaN));
        }
        return out;
    }

    /** The schedutil-like target of one policy from its mean utilization. */
    public static long targetKhz(PolicySample p) {
        return targetKhz(p, p.utilization());
    }

    /** The schedutil-like target for utilization {@code util}, clamped, snapped, with hysteresis. */
    public static long targetKhz(PolicySample p, double util) {
        long lo = p.lowestAllowedKhz();
        long hi = p.highestAllowedKhz();
        if (hi < lo) {
            hi = lo;
        }
        long raw = Double.isNaN(util) ? hi : Math.round(HEADROOM * p.cpuinfoMaxKhz() * Math.max(0, util));
        long next = snapUp(p.availableKhz(), Math.max(lo, Math.min(hi, raw)), hi);

        long cur = p.curKhz();
        if (cur > 0 && next < cur) {
            long band = Math.round(HYSTERESIS * Math.max(0, p.cpuinfoMaxKhz() - p.cpuinfoMinKhz()));
            if (cur - next < band) {
                return Math.max(lo, Math.min(hi, cur));
            }
        }
        return next;
    }

    /** Smallest table frequency at or above {@code khz} (not above {@code hi}); khz when no table. */
    static long snapUp(long[] table, long khz, long hi) {
        if (table == null || table.length == 0) {
            return khz;
        }
        long best = -1;
        long highestAllowed = -1;
        for (long f : table) {
            if (f <= hi) {
                highestAllowed = Math.max(highestAllowed, f);
                if (f >= khz && (best < 0 || f < best)) {
                    best = f;
                }
            }
        }
        if (best >= 0) {
            return best;
        }
        return highestAllowed >= 0 ? highestAllowed : khz;
    }
}
