package dev.flash.autoscale.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.flash.autoscale.LearnedAutoscaler;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.NetworkConfig;

/** A {@link LearnedAutoscaler} running the DJL network being trained (evaluation during training). */
public final class NetworkAutoscaler extends LearnedAutoscaler {

    private final FlashAgentNetwork net;
    private final NDManager manager;
    private final ParameterStore store;

    public NetworkAutoscaler(String name, FlashAgentNetwork net, double sloSeconds) {
        super(name, sloSeconds, net.config().contextLength());
        this.net = net;
        this.manager = net.getParameters().get(0).getValue().getArray().getManager();
        this.store = new ParameterStore(manager, false);
    }

    @Override
    protected float[] probabilities(float[] state, float[] context, float[] mask) {
        NetworkConfig c = net.config();
        try (NDManager sub = manager.newSubManager()) {
            return net.heads(store, sub.create(state, new Shape(1, c.stateSize())),
                    c.hasContext() ? sub.create(context, new Shape(1, c.contextLength(), c.contextWidth())) : null,
                    c.hasContext() ? sub.create(mask, new Shape(1, c.contextLength())) : null, false)
                    .actionProbs().toFloatArray();
        }
    }
}
