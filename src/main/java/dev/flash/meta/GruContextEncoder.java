package dev.flash.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.GRU;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * AWARE's encoder: a bidirectional {@value NetworkConfig#GRU_LAYERS}-layer GRU over the context
 * rows, the last layer's final forward and backward hidden states concatenated [N, 2H], then
 * Linear + ReLU to the embedding.
 *
 * <p>Masking: the GRU runs over all C rows (rows are right-aligned, so padding comes first). Each
 * row is fed as {@code (row * mask, mask)}: padding rows are zero and flagged, so the GRU can learn
 * to skip them. This is exactly what the ONNX export computes too, so training, export and
 * serving agree; unlike the SET encoder, padding is not guaranteed to leave the embedding unchanged.
 */
public final class GruContextEncoder extends ContextEncoder {

    private final GRU gru;
    private final Linear output;

    GruContextEncoder(NetworkConfig config) {
        super(config);
        gru = addChildBlock("gru", GRU.builder()
                .setNumLayers(NetworkConfig.GRU_LAYERS)
                .setStateSize(config.encoderHidden())
                .optBidirectional(true)
                .optBatchFirst(true)
                .optReturnState(true)
                .build());
        output = addChildBlock("out", Linear.builder().setUnits(config.embeddingSize()).build());
    }

    public GRU gru() {
        return gru;
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
        NDList out = gru.forward(ps, new NDList(x), training);
        NDArray hn = out.get(1); // [layers * 2, N, H], index = layer * 2 + direction
        int last = 2 * (NetworkConfig.GRU_LAYERS - 1);
        NDArray finalStates = hn.get(last + ":" + (last + 2)).transpose(1, 0, 2)
                .reshape(-1, 2L * config.encoderHidden());
        return new NDList(Activation.relu(output.forward(ps, new NDList(finalStates), training).singletonOrThrow()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        gru.initialize(manager, dataType, new Shape(new long[] {1, config.contextLength(), gruInputSize()}, "NTC"));
        output.initialize(manager, dataType, new Shape(1, 2L * config.encoderHidden()));
    }
}
