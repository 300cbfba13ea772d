package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import dev.flash.policy.ContextLayout;

/**
 * An autoscaler driven by a FLASH policy network (DJL in training, ONNX Runtime when deployed):
 * it keeps the workload's trajectory and takes the most probable action, through the
 * {@link MoveGuard} the model was trained behind.
 */
public abstract class LearnedAutoscaler implements Autoscaler {

    private final String name;
    private final double sloSeconds;
    private final WorkloadTrajectory trajectory;
    private final int contextLength;
    private final float[] ctx;
    private final float[] mask;
    private final MoveGuard guard;

    /** A context of the last {@code contextLength} transitions (the flat layout). */
    protected LearnedAutoscaler(String name, double sloSeconds, int contextLength, MoveGuard guard) {
        this(name, sloSeconds, ContextLayout.flat(contextLength), guard);
    }

    /** A context of {@code layout}'s rows: the model's own ({@code ModelDescription.contextLayout()}). */
    protected LearnedAutoscaler(String name, double sloSeconds, ContextLayout layout, MoveGuard guard) {
        this.name = name;
        this.guard = guard;
        this.sloSeconds = sloSeconds;
        this.contextLength = layout.rows();
        this.trajectory = new WorkloadTrajectory(layout);
        int w = AutoscaleFeatures.COUNT + ScalingAction.values().length + 1;
        this.ctx = new float[contextLength * w];
        this.mask = new float[contextLength];
    }

    /** Action probabilities for one state and its context (rows right-aligned, mask 1 on filled rows). */
    protected abstract float[] probabilities(float[] state, float[] context, float[] mask);

    @Override
    public String name() {
        return name;
    }

    @Override
    public void reset() {
        trajectory.clear();
    }

    @Override
    public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
        double previousRate = trajectory.previousRate();
        float[] state = trajectory.observe(last, sloSeconds, bounds);
        if (contextLength > 0) {
            trajectory.context().copyInto(ctx, mask, 0);
        }
        int action = argmax(probabilities(state, ctx, mask));
        trajectory.acted(state, action);
        return guard.apply(last, previousRate, ScalingAction.of(action).apply(last, now, bounds), bounds);
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
