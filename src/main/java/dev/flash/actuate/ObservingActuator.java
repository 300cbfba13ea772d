package dev.flash.actuate;

import dev.flash.telemetry.PolicySample;

/**
 * Dry-run for any node: decides are reported, nothing is written. The Linux actuator has its own
 * dry-run (it must not even save state); this wraps nodes without one, such as the simulated node.
 */
public final class ObservingActuator implements FrequencyActuator {

    @Override
    public ActuationMode modeFor(PolicySample policy) {
        return ActuationMode.OBSERVE;
    }

    /** Returns the target clamped to the policy's limits, as a write would have applied it. */
    @Override
    public long apply(PolicySample policy, long targetKhz) {
        long lo = Math.max(policy.cpuinfoMinKhz(), policy.scalingMinKhz());
        long hi = policy.scalingMaxKhz() > 0 ? Math.min(policy.cpuinfoMaxKhz(), policy.scalingMaxKhz()) : policy.cpuinfoMaxKhz();
        return Math.max(lo, Math.min(hi, targetKhz));
    }

    @Override
    public void restore() {
    }
}
