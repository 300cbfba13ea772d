package dev.flash.meta;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The existing agent's network, unchanged except for its input width: base input =
 * concat(state, embedding of the context). With {@code contextLength = 0} it is the plain base
 * agent (no encoder), so baselines run through the same code.
 *
 * <ul>
 *   <li>RL: actor MLP (hidden, activation) to A logits (softmax = action probabilities) and a
 *       critic MLP to one value;</li>
 *   <li>regression: one MLP to one prediction.</li>
 * </ul>
 *
 * <p>As a DJL block: inputs {@code (state)} or {@code (state, context, mask)}; outputs in
 * {@link dev.flash.policy.ModelContract} order: RL {@code (action_probs, value[, embedding])},
 * regression {@code (prediction[, embedding])}. Training code uses {@link #heads} for logits.
 */
public final class FlashAgentNetwork extends AbstractBlock {

    /** The network's outputs for one batch; {@code embedding} is null without context. */
    public record Heads(NDArray logits, NDArray value, NDArray prediction, NDArray embedding) {
        public NDArray actionProbs() {
            return logits.softmax(-1);
        }
    }

    private final NetworkConfig config;
    private final ContextEncoder encoder;
    private final List<Linear> actor = new ArrayList<>();
    private final List<Linear> critic = new ArrayList<>();

    public FlashAgentNetwork(NetworkConfig config) {
        this.config = config;
        this.encoder = config.hasContext() ? addChildBlock("encoder", ContextEncoder.create(config)) : null;
        int outputs = config.kind() == NetworkConfig.Kind.RL ? config.actionCount() : 1;
        String headName = config.kind() == NetworkConfig.Kind.RL ? "actor" : "head";
        addMlp(headName, actor, outputs);
        if (config.kind() == NetworkConfig.Kind.RL) {
            addMlp("critic", critic, 1);
        }
    }

    /**
     * Builds and initialises a network in {@code manager} with Xavier weights and zero biases
     * (DJL's engine seed decides the draw); the actor's output layer is scaled by 0.01 so the
     * initial policy is near uniform, as CleanRL does with its orthogonal 0.01 init.
     */
    public static FlashAgentNetwork create(NetworkConfig config, NDManager manager, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        return build(config, manager);
    }

    private static FlashAgentNetwork build(NetworkConfig config, NDManager manager) {
        FlashAgentNetwork net = new FlashAgentNetwork(config);
        net.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        net.setInitializer(new ConstantInitializer(0f), Parameter.Type.BIAS);
        net.initialize(manager, DataType.FLOAT32, net.inputShapes(1));
        if (config.kind() == NetworkConfig.Kind.RL) {
            for (Pair<String, Parameter> p : net.actor.get(net.actor.size() - 1).getParameters()) {
                p.getValue().getArray().muli(0.01f);
            }
        }
        return net;
    }

    /** A new network with the same configuration and a copy of this one's weights. */
    public FlashAgentNetwork copy(NDManager manager) {
        FlashAgentNetwork twin = build(config, manager);
        PairList<String, Parameter> mine = getParameters();
        PairList<String, Parameter> theirs = twin.getParameters();
        for (int i = 0; i < mine.size(); i++) {
            mine.get(i).getValue().getArray().copyTo(theirs.get(i).getValue().getArray());
        }
        return twin;
    }

    /**
     * Writes every weight, bit for bit, in parameter order (name, shape, float32 values): how a
     * second process gets a network trained in this one ({@link #readWeights}).
     */
    public void writeWeights(DataOutputStream out) throws IOException {
        PairList<String, Parameter> params = getParameters();
        out.writeInt(params.size());
        for (Pair<String, Parameter> p : params) {
            NDArray a = p.getValue().getArray();
            out.writeUTF(p.getKey());
            long[] shape = a.getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            for (float v : a.toFloatArray()) {
                out.writeFloat(v);
            }
        }
    }

    /**
     * Replaces every weight with those {@link #writeWeights} wrote for a network of the same
     * configuration; a parameter count, name or shape that differs is an error, naming it.
     */
    public void readWeights(DataInputStream in) throws IOException {
        PairList<String, Parameter> params = getParameters();
        int count = in.readInt();
        if (count != params.size()) {
            throw new IOException("weights file has " + count + " parameters, the network " + params.size());
        }
        for (Pair<String, Parameter> p : params) {
            NDArray a = p.getValue().getArray();
            String name = in.readUTF();
            long[] shape = new long[in.readInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readLong();
            }
            if (!name.equals(p.getKey()) || !new Shape(shape).equals(a.getShape())) {
                throw new IOException("weights file has parameter " + name + " " + new Shape(shape)
                        + " where the network has " + p.getKey() + " " + a.getShape());
            }
            float[] values = new float[Math.toIntExact(a.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readFloat();
            }
            try (NDArray loaded = a.getManager().create(values, a.getShape())) {
                loaded.copyTo(a);
            }
        }
    }

    public NetworkConfig config() {
        return config;
    }

    public Optional<ContextEncoder> encoder() {
        return Optional.ofNullable(encoder);
    }

    /** Actor layers (RL) or the regression head, input to output (for export). */
    public List<Linear> actorLayers() {
        return List.copyOf(actor);
    }

    /** Critic layers, input to output; empty for regression (for export). */
    public List<Linear> criticLayers() {
        return List.copyOf(critic);
    }

    /** Input shapes for a batch of {@code n}: state, and context and mask when C > 0. */
    public Shape[] inputShapes(long n) {
        if (!config.hasContext()) {
            return new Shape[] {new Shape(n, config.stateSize())};
        }
        return new Shape[] {new Shape(n, config.stateSize()),
            new Shape(n, config.contextLength(), config.contextWidth()),
            new Shape(n, config.contextLength())};
    }

    /** Runs the network; {@code context} and {@code mask} are ignored (may be null) when C = 0. */
    public Heads heads(ParameterStore ps, NDArray state, NDArray context, NDArray mask, boolean training) {
        NDArray embedding = null;
        NDArray x = state;
        if (encoder != null) {
            embedding = encoder.encode(ps, context, mask, training);
            x = state.concat(embedding, 1);
        }
        NDArray out = mlp(ps, actor, x, training);
        if (config.kind() == NetworkConfig.Kind.REGRESSION) {
            return new Heads(null, null, out, embedding);
        }
        NDArray value = mlp(ps, critic, x, training);
        return new Heads(out, value, null, embedding);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray context = encoder == null ? null : inputs.get(1);
        NDArray mask = encoder == null ? null : inputs.get(2);
        Heads h = heads(ps, inputs.get(0), context, mask, training);
        NDList out = config.kind() == NetworkConfig.Kind.RL
                ? new NDList(h.actionProbs(), h.value())
                : new NDList(h.prediction());
        if (h.embedding() != null) {
            out.add(h.embedding());
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        List<Shape> shapes = new ArrayList<>();
        if (config.kind() == NetworkConfig.Kind.RL) {
            shapes.add(new Shape(n, config.actionCount()));
        }
        shapes.add(new Shape(n, 1));
        if (encoder != null) {
            shapes.add(new Shape(n, config.embeddingSize()));
        }
        return shapes.toArray(new Shape[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (encoder != null) {
            encoder.initialize(manager, dataType, inputShapes[1], inputShapes[2]);
        }
        initMlp(actor, manager, dataType);
        initMlp(critic, manager, dataType);
    }

    private void addMlp(String name, List<Linear> layers, int outputs) {
        int i = 0;
        for (int h : config.hidden()) {
            layers.add(addChildBlock(name + i++, Linear.builder().setUnits(h).build()));
        }
        layers.add(addChildBlock(name + i, Linear.builder().setUnits(outputs).build()));
    }

    private void initMlp(List<Linear> layers, NDManager manager, DataType dataType) {
        long in = config.baseInputSize();
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).initialize(manager, dataType, new Shape(1, in));
            in = i < config.hidden().size() ? config.hidden().get(i) : 0;
        }
    }

    private NDArray mlp(ParameterStore ps, List<Linear> layers, NDArray x, boolean training) {
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
            if (i < layers.size() - 1) {
                x = config.activation() == NetworkConfig.Activation.TANH ? Activation.tanh(x) : Activation.relu(x);
            }
        }
        return x;
    }
}
