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

/**
 * AWARE's encoder: a bidirectional {@value NetworkConfig#GRU_LAYERS}-layer GRU over the context
 * rows, the last layer's final forward and backward hidden states concatenated [N, 2H], then
 * Linear + ReLU to the embedding.
 *
 * <p>Masking: the GRU runs over all C rows (rows are right-aligned, so padding comes first). Each
 * row is fed as {@code (row * mask, mask)}: padding rows are zero and flagged, so the GRU can learn
 * to skip them. This is exactly what the ONNX export computes too, so training, export and
 * serving agree; unlike the SET encoder, padding is not guaranteed to leave the embedding unchanged.
 *
 * <p>Why not {@code ai.djl.nn.recurrent.GRU}: DJL 0.36 registers a bidirectional GRU's parameters
 * as (all weights, then all biases) per layer, while libtorch's {@code gru} expects (w_ih, w_hh,
 * b_ih, b_hh) per direction, so its bidirectional GRU fails ("size of tensor a (3H) must match
 * the size of tensor b (W)"). This block owns its parameters in libtorch's order and names
 * ({@code weight_ih_l0}, {@code weight_hh_l0_reverse}, ...), gates (r, z, n), and calls the same
 * native GRU op.
 */
public final class GruContextEncoder extends ContextEncoder {

    /** One direction of one layer: PyTorch's four tensors. */
    public record Direction(Parameter weightIh, Parameter weightHh, Parameter biasIh, Parameter biasHh) {
    }

    private final List<Direction> directions = new ArrayList<>(); // index = layer * 2 + direction
    private final Linear output;

    GruContextEncoder(NetworkConfig config) {
        super(config);
        int h = config.encoderHidden();
        for (int layer = 0; layer < NetworkConfig.GRU_LAYERS; layer++) {
            int in = layer == 0 ? gruInputSize() : 2 * h;
            for (String suffix : new String[] {"", "_reverse"}) {
                String tag = "_l" + layer + suffix;
                directions.add(new Direction(
                        param("weight_ih" + tag, Parameter.Type.WEIGHT, new Shape(3L * h, in)),
                        param("weight_hh" + tag, Parameter.Type.WEIGHT, new Shape(3L * h, h)),
                        param("bias_ih" + tag, Parameter.Type.BIAS, new Shape(3L * h)),
                        param("bias_hh" + tag, Parameter.Type.BIAS, new Shape(3L * h))));
            }
        }
        output = addChildBlock("out", Linear.builder().setUnits(config.embeddingSize()).build());
    }

    private Parameter param(String name, Parameter.Type type, Shape shape) {
        return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).build());
    }

    /** GRU parameters of {@code layer}, {@code reverse} direction, in PyTorch layout (for export). */
    public Direction direction(int layer, boolean reverse) {
        return directions.get(layer * 2 + (reverse ? 1 : 0));
    }

    public Linear output() {
        return output;
    }

    /** Width of a GRU input row: the context row plus its mask flag. */
    public int gruInputSize() {
        return config.contextWidth() + 1;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray context = inputs.get(0);
        NDArray mask = inputs.get(1).expandDims(2);
        NDArray x = context.mul(mask).concat(mask, 2);
        NDList weights = new NDList();
        for (Direction d : directions) {
            for (Parameter p : List.of(d.weightIh(), d.weightHh(), d.biasIh(), d.biasHh())) {
                weights.add(ps.getValue(p, x.getDevice(), training));
            }
        }
        long n = x.getShape().get(0);
        NDArray h0 = x.getManager().zeros(new Shape(2L * NetworkConfig.GRU_LAYERS, n, config.encoderHidden()));
        NDList out = x.getNDArrayInternal().gru(x, h0, weights, true, NetworkConfig.GRU_LAYERS, 0.0, training,
                true, true);
        NDArray hn = out.get(1); // [layers * 2, N, H], index = layer * 2 + direction
        int last = 2 * (NetworkConfig.GRU_LAYERS - 1);
        NDArray finalStates = hn.get(last + ":" + (last + 2)).transpose(1, 0, 2)
                .reshape(-1, 2L * config.encoderHidden());
        return new NDList(Activation.relu(output.forward(ps, new NDList(finalStates), training).singletonOrThrow()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        output.initialize(manager, dataType, new Shape(1, 2L * config.encoderHidden()));
    }
}
