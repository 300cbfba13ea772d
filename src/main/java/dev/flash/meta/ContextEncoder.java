package dev.flash.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;

/**
 * FLASH's meta-learner: turns a context (rows of an agent's experience on one application, or the
 * shots of a regression task) into an embedding of that application.
 *
 * <p>Input {@code NDList(context [N, C, W], mask [N, C])}, rows right-aligned (newest last), mask 1
 * for filled rows; output {@code NDList(embedding [N, E])}. The encoder is agent-neutral: it only
 * sees float rows. Which kind is built is a {@link NetworkConfig} choice.
 */
public abstract class ContextEncoder extends AbstractBlock {

    protected final NetworkConfig config;

    protected ContextEncoder(NetworkConfig config) {
        this.config = config;
    }

    public static ContextEncoder create(NetworkConfig config) {
        if (!config.hasContext()) {
            throw new IllegalArgumentException("a context encoder needs contextLength > 0");
        }
        return switch (config.encoder()) {
            case SET, SET_DELTA -> new SetContextEncoder(config);
            case GRU -> new GruContextEncoder(config);
        };
    }

    public NetworkConfig config() {
        return config;
    }

    /** The embedding [N, E] of contexts [N, C, W] with masks [N, C]. */
    public NDArray encode(ParameterStore ps, NDArray context, NDArray mask, boolean training) {
        return forward(ps, new NDList(context, mask), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.embeddingSize())};
    }
}
