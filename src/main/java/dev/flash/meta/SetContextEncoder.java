package dev.flash.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Permutation-invariant encoder: a per-row MLP (two Linear + ReLU layers of {@code encoderHidden}),
 * the mean over filled rows, then Linear + ReLU to the embedding. Padding rows are multiplied by
 * 0 before the sum and not counted, so they cannot change the embedding; an empty context gives
 * ReLU(output bias).
 *
 * <pre>
 *   h_i = relu(W2 relu(W1 x_i + b1) + b2)
 *   m   = sum_i mask_i h_i / max(1, sum_i mask_i)
 *   e   = relu(Wo m + bo)
 * </pre>
 */
public final class SetContextEncoder extends ContextEncoder {

    /** Layers of the per-row MLP. */
    public static final int ROW_LAYERS = 2;

    private final List<Linear> rowLayers = new ArrayList<>();
    private final Linear output;

    SetContextEncoder(NetworkConfig config) {
        super(config);
        for (int i = 0; i < ROW_LAYERS; i++) {
            rowLayers.add(addChildBlock("row" + i, Linear.builder().setUnits(config.encoderHidden()).build()));
        }
        output = addChildBlock("out", Linear.builder().setUnits(config.embeddingSize()).build());
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
        for (Linear layer : rowLayers) {
            h = Activation.relu(layer.forward(ps, new NDList(h), training).singletonOrThrow());
        }
        NDArray sum = h.mul(mask.expandDims(2)).sum(new int[] {1});
        NDArray count = mask.sum(new int[] {1}, true).maximum(1f);
        NDArray pooled = sum.div(count);
        return new NDList(Activation.relu(output.forward(ps, new NDList(pooled), training).singletonOrThrow()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long in = config.contextWidth();
        for (Linear layer : rowLayers) {
            layer.initialize(manager, dataType, new Shape(1, in));
            in = config.encoderHidden();
        }
        output.initialize(manager, dataType, new Shape(1, in));
    }
}
