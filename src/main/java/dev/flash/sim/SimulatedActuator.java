package dev.flash.sim;

import dev.flash.actuate.ActuationException;
import dev.flash.actuate.ActuationMode;
import dev.flash.actuate.FrequencyActuator;
import dev.flash.telemetry.PolicySample;

/**
 * Act on the simulated node the way the Linux actuator acts on acpi-cpufreq: attach the
 * userspace governor, write scaling_setspeed (clamped to the policy's limits, snapped to the
 * nearest table entry), read back. The node's starting governor and frequency are its saved
 * state; {@link #restore()} returns every policy to them.
 */
final class SimulatedActuator implements FrequencyActuator {

    private final SimulatedNode node;
    private long writes;

    SimulatedActuator(SimulatedNode node) {
        this.node = node;
    }

    @Override
    public ActuationMode modeFor(PolicySample policy) {
        return ActuationMode.SETSPEED;
    }

    @Override
    public long apply(PolicySample policy, long targetKhz) throws ActuationException {
        if (!node.hasPolicy(policy.id())) {
            throw new ActuationException("simulated cpufreq/policy" + policy.id()
                    + "/scaling_setspeed: no such policy (ENOENT)");
        }
        return applyKhz(policy.id(), targetKhz);
    }

    /** Same as {@link #apply} by policy number, for callers without a record (the trainer). */
    long applyKhz(int policyId, long targetKhz) {
        NodeSpec spec = node.spec();
        long clamped = FrequencyTable.clamp(targetKhz, spec.minKhz(), spec.maxKhz());
        long khz = FrequencyTable.nearest(node.tableRef(), clamped);
        node.setFrequency(policyId, khz, "userspace");
        writes++;
        return khz;
    }

    /** How many writes reached the node (tests, status). */
    long writes() {
        return writes;
    }

    @Override
    public void restore() {
        NodeSpec spec = node.spec();
        for (int i = 0; i < node.policyCount(); i++) {
            node.setFrequency(i, spec.initialKhz(), spec.initialGovernor());
        }
    }
}
