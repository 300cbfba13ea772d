package dev.flash.actuate;

import dev.flash.telemetry.PolicySample;
import java.util.List;

/**
 * Act: applies a target frequency to one cpufreq policy. Implemented for Linux sysfs (real or
 * a fake tree under a configurable root) and for the simulated node.
 *
 * <p>Safety contract: before the first write to a policy the implementation saves every value
 * it will touch; {@link #restore()} puts all of them back and is safe to call more than once.
 */
public interface FrequencyActuator extends AutoCloseable {

    /** The mode this actuator uses (or would use) for the policy. */
    ActuationMode modeFor(PolicySample policy);

    /**
     * Applies the target (clamped to the policy's limits and snapped to its frequency table)
     * and returns the frequency read back after the write, in kHz.
     *
     * @throws ActuationException when the write fails (EBUSY, EINVAL, missing file); the message
     *                            names the file
     */
    long apply(PolicySample policy, long targetKhz) throws ActuationException;

    /**
     * The policies left to another tool (see {@link ForeignChangeException}), with what changed;
     * empty for actuators that share the node with nobody (the simulated node).
     */
    default List<ForeignChange> foreignChanges() {
        return List.of();
    }

    /**
     * Takes back policies left to another tool: {@code policyId}, or every one when negative.
     * The operator's word: the next write goes ahead over the other tool's value.
     *
     * @return the ids taken back (empty when none was left to another tool)
     */
    default List<Integer> resume(int policyId) {
        return List.of();
    }

    /**
     * Forgets what is known about a policy that went away (CPU hotplug): when it comes back the
     * kernel has reset it, so its values are read afresh rather than compared with the old ones.
     */
    default void forget(int policyId) {
    }

    /** Restores every saved value (governors, limits, setspeed). Idempotent. */
    void restore() throws ActuationException;

    @Override
    default void close() throws ActuationException {
        restore();
    }
}
