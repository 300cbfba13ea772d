package dev.flash.sim.governors;

import dev.flash.telemetry.PolicySample;

/** performance: always scaling_max_freq. */
public final class PerformanceGovernor extends Governor {
    public PerformanceGovernor() {
        super("performance");
    }

    @Override
    protected long target(PolicySample p, double load) {
        return p.scalingMaxKhz();
    }
}
