package dev.flash.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Permutation-invariant encoder: a per-row MLP (two Linear + ReLU layers of {@code encoderHidden}),
 * the mean over filled rows, then Linear + ReLU to the embedding. Padding rows are multiplied by
 * 0 before the sum and not counted, so they cannot change the embedding; an empty context gives
 * ReLU(output bias).
 *
 * <p>{@link NetworkConfig.EncoderType#SET_DELTA} feeds each row as {@code (x_i, d_i)} with
 * {@code d_i = (x_i - x_{i-1}) * mask_i * mask_{i-1}}: a mean over rows cannot compare two rows,
 * yet the change of IPC, instructions/s and power between ticks at different frequencies is what
 * reveals memory-boundness. The difference is computed inside the network (and the ONNX graph),
 * so the context rows stay the contract's (state, action, reward).
 *
 * <pre>
 *   h_i = relu(W2 relu(W1 x_i + b1) + b2)
 *   m   = sum_i mask_i h_i / max(1, sum_i mask_i)
 *   e   = relu(Wo m + bo)
 * </pre>
 *
 * <p>With {@link NetworkConfig#rowPositions} the first layer also adds a learned vector of the
 * row's own, {@code relu(W1 x_i + b1 + p_i)}: the same as appending a one-hot code of the row's
 * index to {@code x_i}. The mean then knows which row is which window of the context layout (the
 * newest transition or the mean of the 32 before the last 32), and the rows are no longer
 * interchangeable. A network with positions cannot be fed as row codes (a row's code would change
 * every tick as it moves down the context), so it is exported in the rows encoding.
 */
public final class SetContextEncoder extends ContextEncoder {

    /** Layers of the per-row MLP. */
    public static final int ROW_LAYERS = 2;

    private final List<Linear> rowLayers = new ArrayList<>();
    private final Linear output;
    /** [C, H] added to the first layer's output of row i (rows right-aligned, newest last); null without positions. */
    private final Parameter positions;

    SetContextEncoder(NetworkConfig config) {
        super(config);
        for (int i = 0; i < ROW_LAYERS; i++) {
            rowLayers.add(addChildBlock("row" + i, Linear.builder().setUnits(config.encoderHidden()).build()));
        }
        output = addChildBlock("out", Linear.builder().setUnits(config.embeddingSize()).build());
        // A BIAS parameter: FlashAgentNetwork starts every bias at 0, so an untrained positional
        // encoder computes what the plain one does.
        positions = config.positional() ? addParameter(Parameter.builder().setName("positions")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(config.contextLength(), config.encoderHidden())).build()) : null;
    }

    /** The learned [C, H] row positions (for export), empty without {@link NetworkConfig#rowPositions}. */
    public Optional<Parameter> positions() {
        return Optional.ofNullable(positions);
    }

    /** True when each row is fed with its difference to the previous row (SET_DELTA). */
    public boolean deltas() {
        return config.encoder() == NetworkConfig.EncoderType.SET_DELTA;
    }

    /** Width of the per-row MLP's input: W, or 2W with deltas. */
    public long rowInputSize() {
        return deltas() ? 2L * config.contextWidth() : config.contextWidth();
    }

    /** The per-row layers in order (for export). */
    public List<Linear> rowLayers() {
        return List.copyOf(rowLayers);
    }

    /** The Linear from the pooled row features to the embedding (for export). */
    public Linear output() {
        return output;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray h = inputs.get(0);
        NDArray mask = inputs.get(1);
        if (deltas()) {
            h = withDeltas(h, mask);
        }
        for (int i = 0; i < rowLayers.size(); i++) {
            NDArray pre = rowLayers.get(i).forward(ps, new NDList(h), training).singletonOrThrow();
            if (i == 0 && positions != null) {
                pre = pre.add(ps.getValue(positions, pre.getDevice(), training)); // [N, C, H] + [C, H]
            }
            h = Activation.relu(pre);
        }
        NDArray sum = h.mul(mask.expandDims(2)).sum(new int[] {1});
        NDArray count = mask.sum(new int[] {1}, true).maximum(1f);
        NDArray pooled = sum.div(count);
        return new NDList(Activation.relu(output.forward(ps, new NDList(pooled), training).singletonOrThrow()));
    }

    /** [N, C, W] rows to [N, C, 2W]: (row * mask, (row - previous row) * mask * previous mask). */
    static NDArray withDeltas(NDArray context, NDArray mask) {
        long n = context.getShape().get(0);
        long c = context.getShape().get(1);
        long w = context.getShape().get(2);
        NDArray mask3 = mask.expandDims(2);
        NDArray rows = context.mul(mask3);
        NDArray zeroRow = context.getManager().zeros(new Shape(n, 1, w));
        NDArray zeroMask = context.getManager().zeros(new Shape(n, 1, 1));
        NDArray prev = c > 1 ? zeroRow.concat(rows.get(":, 0:" + (c - 1) + ", :"), 1) : zeroRow;
        NDArray prevMask = c > 1 ? zeroMask.concat(mask3.get(":, 0:" + (c - 1) + ", :"), 1) : zeroMask;
        NDArray delta = rows.sub(prev).mul(mask3).mul(prevMask);
        return rows.concat(delta, 2);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long in = rowInputSize();
        for (Linear layer : rowLayers) {
            layer.initialize(manager, dataType, new Shape(1, in));
            in = config.encoderHidden();
        }
        output.initialize(manager, dataType, new Shape(1, in));
    }
}
