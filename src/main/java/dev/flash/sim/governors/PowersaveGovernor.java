package dev.flash.sim.governors;

import dev.flash.telemetry.PolicySample;

/** powersave (the cpufreq governor, not intel_pstate's policy): always scaling_min_freq. */
public final class PowersaveGovernor extends Governor {
    public PowersaveGovernor() {
        super("powersave");
    }

    @Override
    protected long target(PolicySample p, double load) {
        return p.scalingMinKhz();
    }
}
