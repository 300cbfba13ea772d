package dev.flash.sim.governors;

import dev.flash.telemetry.PolicySample;

/**
 * schedutil (kernel/sched/cpufreq_schedutil.c, get_next_freq): {@code 1.25 * fmax * util}, where
 * util is frequency-invariant (busy fraction times cur/max, as the scheduler's PELT signal is
 * on x86 with frequency invariance), snapped with CPUFREQ_RELATION_L (lowest frequency at or
 * above the target).
 */
public final class SchedutilGovernor extends Governor {
    public static final double HEADROOM = 1.25;

    public SchedutilGovernor() {
        super("schedutil");
    }

    @Override
    protected long target(PolicySample p, double load) {
        double invariant = load * p.curKhz() / (double) p.cpuinfoMaxKhz();
        long next = Math.round(HEADROOM * p.cpuinfoMaxKhz() * invariant);
        return snap(p, next, 'L');
    }
}
