package dev.flash.policy;


/**
 * Where the loop writes each policy's FLASH context and where the policy reads it back
 * ({@link TrajectoryContexts}); {@link TrajectoryBuffer} implements it.
 *
 * <p>A row is one completed transition {@code (state features in which the action was taken,
 * one-hot of that action, context reward of the interval it governed)}: the same row the
 * trainer's {@code dev.flash.meta.ContextBuffer} builds, appended one tick after the action.
 */
public interface TrajectoryRecorder extends TrajectoryContexts {

    /**
     * Appends one row for the policy. Must not allocate (called every tick).
     *
     * @param state       features of the state the action was taken in (the model's feature count: {@code DvfsFeatureSet.count()})
     * @param actionIndex index of that action, -1 when unknown (all-zero one-hot)
     * @param reward      {@code DvfsReward.of(...)} for the interval that just ended
     */
    void append(int policyId, float[] state, int actionIndex, float reward);

    /** Forgets a policy (it went away in a hotplug, or the model changed). */
    void reset(int policyId);

    /** Forgets every policy. */
    void clear();
}
