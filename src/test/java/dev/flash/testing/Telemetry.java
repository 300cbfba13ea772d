package dev.flash.testing;

import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.PowerZoneSample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.List;
import java.util.Map;

/** Hand-made telemetry for policy tests: an acpi-cpufreq-like policy with a frequency table. */
public final class Telemetry {
    private Telemetry() {
    }

    public static final long MIN_KHZ = 800_000;
    public static final long MAX_KHZ = 3_000_000;
    public static final long[] TABLE = {800_000, 1_200_000, 1_600_000, 2_000_000, 2_400_000, 2_800_000, 3_000_000};

    public static PolicySample policy(int id, long curKhz, double util) {
        return new PolicySample(id, new int[] {id}, "acpi-cpufreq", "userspace",
                List.of("userspace", "schedutil", "performance"), MIN_KHZ, MAX_KHZ, MIN_KHZ, MAX_KHZ,
                curKhz, TABLE.clone(), util, 1.5, 2.0, 1.5 * curKhz * 1000);
    }

    public static TelemetryRecord record(double packageWatts, PolicySample... policies) {
        // Per-CPU utilization consistent with the policies': each of a policy's CPUs at its mean.
        int cpus = 0;
        for (PolicySample p : policies) {
            for (int cpu : p.cpus()) {
                cpus = Math.max(cpus, cpu + 1);
            }
        }
        double[] perCpu = new double[cpus];
        for (PolicySample p : policies) {
            for (int cpu : p.cpus()) {
                perCpu[cpu] = p.utilization();
            }
        }
        return new TelemetryRecord(1_000_000_000L, 1_700_000_000_000L, 1.0, List.of(policies),
                perCpu,
                List.of(new PowerZoneSample("package-0", "/sys/class/powercap/intel-rapl:0", 100, packageWatts)),
                100.0, Map.of());
    }
}
