package dev.flash.sim.governors;

import dev.flash.telemetry.PolicySample;
import java.util.HashMap;
import java.util.Map;

/**
 * conservative (drivers/cpufreq/cpufreq_conservative.c, cs_dbs_update): load above
 * up_threshold (80%) raises the requested frequency by freq_step (5% of the maximum), load below
 * down_threshold (20%) lowers it by the same step; in between it holds. Like the kernel it keeps
 * its own requested frequency per policy (so 5% steps accumulate on a 100 MHz table) and starts
 * over from the current frequency when that leaves the limits or someone else moved it.
 */
public final class ConservativeGovernor extends Governor {
    public static final double UP_THRESHOLD = 0.80;
    public static final double DOWN_THRESHOLD = 0.20;
    public static final double FREQ_STEP = 0.05;

    private final Map<Integer, long[]> requested = new HashMap<>(); // id -> {requested, lastSet}

    public ConservativeGovernor() {
        super("conservative");
    }

    @Override
    protected long target(PolicySample p, double load) {
        long[] state = requested.computeIfAbsent(p.id(), k -> new long[] {p.curKhz(), p.curKhz()});
        if (state[1] != p.curKhz() || state[0] > p.scalingMaxKhz() || state[0] < p.scalingMinKhz()) {
            state[0] = p.curKhz();
        }
        long step = Math.round(FREQ_STEP * p.cpuinfoMaxKhz());
        long next;
        if (load > UP_THRESHOLD) {
            state[0] = Math.min(p.scalingMaxKhz(), state[0] + step);
            next = snap(p, state[0], 'H');
        } else if (load < DOWN_THRESHOLD) {
            state[0] = Math.max(p.scalingMinKhz(), state[0] - step);
            next = snap(p, state[0], 'L');
        } else {
            next = p.curKhz();
        }
        state[1] = next;
        return next;
    }
}
