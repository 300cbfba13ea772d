package dev.flash.sim.governors;

import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.sim.FrequencyTable;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of the Linux cpufreq governors as the simulated node models them: each decides one
 * policy at a time from the record, like the kernel's per-policy governor work. Load is the
 * busiest CPU of the policy over the last interval (the kernel's dbs_update and schedutil both
 * take the maximum over the policy's CPUs). Targets are clamped to scaling_min/max and snapped
 * with the relation the kernel governor uses.
 */
public abstract class Governor implements FrequencyPolicy {

    private final String name;

    protected Governor(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) {
        List<PolicyDecision> out = new ArrayList<>(record.policies().size());
        for (PolicySample p : record.policies()) {
            long khz = FrequencyTable.clamp(target(p, maxCpuLoad(p, record)), p.scalingMinKhz(), p.scalingMaxKhz());
            out.add(new PolicyDecision(p.id(), -1, name, khz, new float[0], Double.NaN));
        }
        return out;
    }

    /** The frequency this governor picks for the policy, given its busiest CPU's load 0..1. */
    protected abstract long target(PolicySample p, double load);

    /** Busiest CPU of the policy; falls back to the policy average when per-CPU data is absent. */
    static double maxCpuLoad(PolicySample p, TelemetryRecord record) {
        double load = p.busiestUtilization(record.cpuUtilization());
        return Double.isNaN(load) ? 1.0 : Math.max(0, Math.min(1, load));
    }

    /** Table snap; a policy without a table (intel_pstate) takes the target as is. */
    static long snap(PolicySample p, long khz, char relation) {
        long[] table = p.availableKhz();
        if (table == null || table.length == 0) {
            return khz;
        }
        return switch (relation) {
            case 'L' -> FrequencyTable.atLeast(table, khz);
            case 'H' -> FrequencyTable.atMost(table, khz);
            default -> FrequencyTable.nearest(table, khz);
        };
    }

    /** All the Linux governors the node offers, by their sysfs names. */
    public static Governor byName(String name) {
        return switch (name) {
            case "performance" -> new PerformanceGovernor();
            case "powersave" -> new PowersaveGovernor();
            case "ondemand" -> new OndemandGovernor();
            case "conservative" -> new ConservativeGovernor();
            case "schedutil" -> new SchedutilGovernor();
            default -> throw new IllegalArgumentException("unknown governor '" + name
                    + "' (performance, powersave, ondemand, conservative, schedutil)");
        };
    }

    public static final List<String> NAMES = List.of("performance", "powersave", "ondemand", "conservative", "schedutil");
}
