package dev.flash.autoscale;

import ai.onnxruntime.OrtException;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.ModelDescription;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;

/**
 * A {@link LearnedAutoscaler} running an exported autoscale model with ONNX Runtime (no DJL):
 * what {@code flash evaluate autoscale} measures and what the recommend stream and the
 * controller serve. One instance per workload; they may share one {@link OnnxModel}.
 */
public final class OnnxAutoscaler extends LearnedAutoscaler {

    private final OnnxModel model;
    private final boolean useContext;
    private final float[] emptyMask;

    public OnnxAutoscaler(String name, OnnxModel model, double sloSeconds) {
        this(name, model, sloSeconds, true);
    }

    /**
     * @param useContext false: the ablation "the same agent without its context", every decision
     *                   taken with an empty context (mask all 0), as the first decision on a new
     *                   workload is
     */
    public OnnxAutoscaler(String name, OnnxModel model, double sloSeconds, boolean useContext) {
        this(name, model, sloSeconds, useContext, MoveGuard.ofCheckedModel(model.description()));
    }

    /**
     * @param guard the safety layer its moves pass: the one the model was trained behind
     *              ({@link MoveGuard#ofModel}) unless an evaluation asks what another one does
     */
    public OnnxAutoscaler(String name, OnnxModel model, double sloSeconds, boolean useContext, MoveGuard guard) {
        super(name, sloSeconds, model.description().contextLayout(), guard);
        this.model = model;
        this.useContext = useContext;
        this.emptyMask = new float[model.description().contextLength()];
    }

    /** Refuses a model that is not an autoscale model with this wing's features and actions. */
    public static void check(ModelDescription d) throws ModelRejectedException {
        if (!ModelContract.AGENT_AUTOSCALE.equals(d.agent())) {
            throw new ModelRejectedException(d.file(), "agent is '" + d.agent() + "', expected '"
                    + ModelContract.AGENT_AUTOSCALE + "'");
        }
        if (!d.features().equals(AutoscaleFeatures.NAMES)) {
            throw new ModelRejectedException(d.file(), "features " + d.features() + " are not " + AutoscaleFeatures.NAMES);
        }
        if (!d.actions().equals(ScalingAction.NAMES)) {
            throw new ModelRejectedException(d.file(), "actions " + d.actions() + " are not " + ScalingAction.NAMES);
        }
        MoveGuard.ofModel(d);
    }

    @Override
    protected float[] probabilities(float[] state, float[] context, float[] mask) {
        return run(model, state, context, useContext ? mask : emptyMask);
    }

    /** One inference of batch size 1; the returned array is a fresh copy. */
    public static float[] run(OnnxModel model, float[] state, float[] context, float[] mask) {
        return infer(model, state, context, mask).primary.clone();
    }

    /**
     * One inference of batch size 1 (context ignored when the model has none); the outputs are
     * in the returned batch, valid until the model's next run.
     */
    public static OnnxModel.Batch infer(OnnxModel model, float[] state, float[] context, float[] mask) {
        try {
            OnnxModel.Batch b = model.batch(1);
            System.arraycopy(state, 0, b.state, 0, state.length);
            if (b.context != null && context.length > 0) {
                System.arraycopy(context, 0, b.context, 0, context.length);
                System.arraycopy(mask, 0, b.mask, 0, mask.length);
            }
            model.run(b);
            return b;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }
}
