package dev.flash.dvfs;

import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;

/**
 * The reward column of a DVFS context row, computed from telemetry alone so the daemon on a real
 * node and the trainer on the simulated node produce the same number for the same behaviour:
 *
 * <pre>
 *   reward = ips_norm - POWER_WEIGHT * power_norm
 *   ips_norm   = instructions per second / (CPUs of the policy * cpuinfo_max_freq * IPC_SCALE)
 *   power_norm = package watts / node reference watts
 * </pre>
 *
 * It tells the encoder how the application's progress and the node's power answered the last
 * frequency move, which the current state alone does not show. It is not the operator's
 * objective (least energy within the slowdown budget): that needs the throughput at maximum
 * frequency, which only the simulated node knows, so training optimises the objective itself
 * and uses this proxy only as context.
 */
public final class DvfsReward {
    private DvfsReward() {
    }

    public static final double POWER_WEIGHT = 0.5;

    public static final String DEFINITION = "ips_norm - 0.5 * power_norm; ips_norm = instructions/s "
            + "/ (cpus * cpuinfo_max_freq * 4), power_norm = package W / reference W";

    /** The proxy reward for the interval that ended with {@code record}; 0 when unknowable. */
    public static float of(PolicySample p, TelemetryRecord record) {
        return of(p, record, record.packageWatts());
    }

    /** The same with {@code packageWatts} = {@code record.packageWatts()} computed once per record by the caller. */
    public static float of(PolicySample p, TelemetryRecord record, double packageWatts) {
        double ips = p.instructionsPerSecond();
        int cpus = Math.max(1, p.cpus().length);
        double fmaxHz = p.cpuinfoMaxKhz() * 1000.0;
        double ipsNorm = (Double.isNaN(ips) || fmaxHz <= 0) ? 0 : ips / (cpus * fmaxHz * DvfsFeatures.IPC_SCALE);
        double powerNorm = packageWatts / record.powerReferenceWatts();
        if (Double.isNaN(powerNorm) || Double.isInfinite(powerNorm)) {
            powerNorm = 0;
        }
        return (float) (ipsNorm - POWER_WEIGHT * powerNorm);
    }
}
