package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Bounds;
import dev.flash.meta.ContextBuffer;
import dev.flash.policy.ContextLayout;

/**
 * One workload's FLASH context as a deployed autoscaler keeps it: each new step's metrics become
 * the state of the next decision, and close the previous decision's context row (its state, its
 * action, the reward the step that followed earned). The same rows the trainer writes
 * ({@code PpoTrainer}: state before the action, action, context reward).
 */
public final class WorkloadTrajectory {

    private final ContextBuffer context;
    private float[] lastState;
    private int lastAction = -1;
    private double previousRate = Double.NaN;

    /** The last {@code contextLength} transitions (the flat layout). */
    public WorkloadTrajectory(int contextLength) {
        this.context = new ContextBuffer(contextLength, AutoscaleFeatures.COUNT, ScalingAction.values().length,
                ContextBuffer.Mode.LATEST, 1);
    }

    /**
     * The rows of {@code layout} (the model's {@code ModelDescription.contextLayout()}): the same
     * rows the trainer's context of that layout holds.
     */
    public WorkloadTrajectory(ContextLayout layout) {
        this.context = layout.rows() == 0 ? new WorkloadTrajectory(0).context
                : new ContextBuffer(layout, AutoscaleFeatures.COUNT, ScalingAction.values().length,
                        ContextBuffer.Mode.LATEST, 1);
    }

    public ContextBuffer context() {
        return context;
    }

    /** The arrival rate of the last step observed (NaN before the first). */
    public double previousRate() {
        return previousRate;
    }

    /** The state for a decision after step {@code m}; records the previous decision's row. */
    public float[] observe(StepMetrics m, double sloSeconds, Bounds bounds) {
        float[] state = AutoscaleFeatures.of(m, previousRate, sloSeconds, bounds);
        if (lastState != null) {
            context.add(lastState, lastAction, (float) AutoscaleReward.context(m));
        }
        previousRate = m.arrivalRate();
        return state;
    }

    /** The decision taken in {@code state}. */
    public void acted(float[] state, int action) {
        lastState = state;
        lastAction = action;
    }

    /** Forgets the workload's history. */
    public void clear() {
        context.clear();
        lastState = null;
        lastAction = -1;
        previousRate = Double.NaN;
    }
}
