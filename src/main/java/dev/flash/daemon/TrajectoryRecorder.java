package dev.flash.daemon;

import dev.flash.policy.TrajectoryContexts;

/**
 * Where the loop writes each policy's FLASH context and where the policy reads it back
 * ({@link TrajectoryContexts}). The integrator may back it with the policy package's
 * {@code TrajectoryBuffer}; {@link RingTrajectoryRecorder} is the built-in one.
 *
 * <p>A row is {@code (state features of this tick, one-hot of the action taken last tick,
 * reward of the interval that just ended)}: the observation, the previous action and the reward
 * that action earned, as in RL^2-style meta-RL context encoders.
 */
public interface TrajectoryRecorder extends TrajectoryContexts {

    /**
     * Appends one row for the policy. Must not allocate (called every tick).
     *
     * @param state       feature vector ({@code DvfsFeatures.COUNT} floats)
     * @param actionIndex index of last tick's action, -1 when unknown (all-zero one-hot)
     * @param reward      {@code DvfsReward.of(...)} for the interval that just ended
     */
    void append(int policyId, float[] state, int actionIndex, float reward);

    /** Forgets a policy (it went away in a hotplug, or the model changed). */
    void reset(int policyId);

    /** Forgets every policy. */
    void clear();
}
