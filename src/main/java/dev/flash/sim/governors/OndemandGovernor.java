package dev.flash.sim.governors;

import dev.flash.telemetry.PolicySample;

/**
 * ondemand (drivers/cpufreq/cpufreq_ondemand.c, od_update): load above up_threshold (80%) jumps
 * to the maximum; otherwise {@code min + load * (max - min)} with CPUFREQ_RELATION_C.
 */
public final class OndemandGovernor extends Governor {
    public static final double UP_THRESHOLD = 0.80;

    public OndemandGovernor() {
        super("ondemand");
    }

    @Override
    protected long target(PolicySample p, double load) {
        if (load > UP_THRESHOLD) {
            return p.scalingMaxKhz();
        }
        long next = p.cpuinfoMinKhz() + Math.round(load * (p.cpuinfoMaxKhz() - p.cpuinfoMinKhz()));
        return snap(p, next, 'C');
    }
}
