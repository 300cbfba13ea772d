package dev.flash.meta;

import dev.flash.policy.ContextLayout;
import java.util.List;

/**
 * Shape of a FLASH network: the base agent's own network (unchanged except for its input width)
 * plus an optional context encoder whose embedding is concatenated to the state.
 *
 * @param kind           {@link Kind#RL} (actor + critic) or {@link Kind#REGRESSION} (one output)
 * @param stateSize      F, width of the state input
 * @param actionCount    A, number of discrete actions (RL); ignored for regression
 * @param contextLength  C, rows of context; 0 gives the plain base agent with no encoder
 * @param contextWidth   W, floats per context row (RL: F + A + 1); ignored when C = 0
 * @param encoder        SET (permutation-invariant) or GRU (AWARE's bidirectional 2-layer GRU)
 * @param encoderHidden  width of the per-row MLP (SET) or of each GRU direction (GRU)
 * @param embeddingSize  E, embedding width (FLASH/AWARE use 32..64)
 * @param hidden         hidden layer widths of the base MLPs (actor, critic, regression head)
 * @param activation     activation of the base MLPs' hidden layers
 * @param contextLayout  which transitions the C rows hold ({@link ContextLayout}); the flat layout
 *                       (the last C as they were) unless stated
 * @param rowPositions   the SET encoders also learn which row is which: row i's first-layer
 *                       output gains a learned vector of its own (the same as appending a one-hot
 *                       code of i, its window in the layout, to the row). Without it the encoder
 *                       is a mean over rows and cannot tell a 1-transition row from a 32-transition
 *                       window's mean. Ignored without a context; the GRU knows the order already
 */
public record NetworkConfig(
        Kind kind,
        int stateSize,
        int actionCount,
        int contextLength,
        int contextWidth,
        EncoderType encoder,
        int encoderHidden,
        int embeddingSize,
        List<Integer> hidden,
        Activation activation,
        ContextLayout contextLayout,
        boolean rowPositions) {

    public enum Kind { RL, REGRESSION }

    /**
     * SET: per-row MLP, masked mean, Linear, ReLU. SET_DELTA: the same, each row fed together with
     * its difference to the previous row (zero for the first filled row), so one row's MLP sees
     * how the state answered the last move. GRU: bidirectional 2-layer GRU, Linear, ReLU.
     */
    public enum EncoderType { SET, SET_DELTA, GRU }

    public enum Activation { TANH, RELU }

    /** Number of GRU layers (AWARE: 2). */
    public static final int GRU_LAYERS = 2;

    /** The flat context layout: the last C transitions, one per row. */
    public NetworkConfig(Kind kind, int stateSize, int actionCount, int contextLength, int contextWidth,
                         EncoderType encoder, int encoderHidden, int embeddingSize, List<Integer> hidden,
                         Activation activation) {
        this(kind, stateSize, actionCount, contextLength, contextWidth, encoder, encoderHidden, embeddingSize, hidden,
                activation, contextLength >= 0 ? ContextLayout.flat(contextLength) : null, false);
    }

    /** Rows in {@code contextLayout}, without row positions (every network before they existed). */
    public NetworkConfig(Kind kind, int stateSize, int actionCount, int contextLength, int contextWidth,
                         EncoderType encoder, int encoderHidden, int embeddingSize, List<Integer> hidden,
                         Activation activation, ContextLayout contextLayout) {
        this(kind, stateSize, actionCount, contextLength, contextWidth, encoder, encoderHidden, embeddingSize, hidden,
                activation, contextLayout, false);
    }

    public NetworkConfig {
        hidden = List.copyOf(hidden);
        require(contextLayout != null, "contextLength must be >= 0, got " + contextLength);
        require(contextLayout.rows() == contextLength, "the context layout " + contextLayout + " has "
                + contextLayout.rows() + " rows, contextLength is " + contextLength);
        require(stateSize > 0, "stateSize must be > 0, got " + stateSize);
        require(kind != Kind.RL || actionCount >= 2, "actionCount must be >= 2 for RL, got " + actionCount);
        require(contextLength >= 0, "contextLength must be >= 0, got " + contextLength);
        if (contextLength > 0) {
            require(contextWidth > 0, "contextWidth must be > 0 when contextLength > 0");
            require(encoderHidden > 0, "encoderHidden must be > 0");
            require(embeddingSize > 0, "embeddingSize must be > 0");
        }
        for (int h : hidden) {
            require(h > 0, "hidden sizes must be > 0, got " + hidden);
        }
        require(!rowPositions || encoder != EncoderType.GRU, "row positions are for the SET encoders (a GRU reads"
                + " the rows in order already)");
    }

    /** RL network with CleanRL's base MLP (64, 64, tanh) and a context of RL rows (F + A + 1). */
    public static NetworkConfig rl(int stateSize, int actionCount, int contextLength, EncoderType encoder,
                                   int embeddingSize) {
        return new NetworkConfig(Kind.RL, stateSize, actionCount, contextLength, stateSize + actionCount + 1,
                encoder, 64, embeddingSize, List.of(64, 64), Activation.TANH);
    }

    /** Regression network (FLASH case I): shots of {@code shotWidth} floats, MLP head to one output. */
    public static NetworkConfig regression(int stateSize, int shots, int shotWidth, EncoderType encoder,
                                           int embeddingSize) {
        return new NetworkConfig(Kind.REGRESSION, stateSize, 0, shots, shotWidth, encoder, 64, embeddingSize,
                List.of(64, 64), Activation.RELU);
    }

    public boolean hasContext() {
        return contextLength > 0;
    }

    /** Width of the base network's input: state plus embedding when there is a context. */
    public int baseInputSize() {
        return stateSize + (hasContext() ? embeddingSize : 0);
    }

    /** C rows in the flat layout. */
    public NetworkConfig withContextLength(int c) {
        return new NetworkConfig(kind, stateSize, actionCount, c, contextWidth, encoder, encoderHidden,
                embeddingSize, hidden, activation, c >= 0 ? ContextLayout.flat(c) : null, rowPositions);
    }

    /** The context as {@code layout}'s rows (C = its row count). */
    public NetworkConfig withContextLayout(ContextLayout layout) {
        return new NetworkConfig(kind, stateSize, actionCount, layout.rows(), contextWidth, encoder, encoderHidden,
                embeddingSize, hidden, activation, layout, rowPositions);
    }

    /** The same network with (or without) {@link #rowPositions}. */
    public NetworkConfig withRowPositions(boolean positions) {
        return new NetworkConfig(kind, stateSize, actionCount, contextLength, contextWidth, encoder, encoderHidden,
                embeddingSize, hidden, activation, contextLayout, positions);
    }

    /** True when the encoder is given each row's position: {@link #rowPositions} with a context. */
    public boolean positional() {
        return rowPositions && hasContext();
    }

    public NetworkConfig withEncoder(EncoderType type, int encHidden, int embSize) {
        return new NetworkConfig(kind, stateSize, actionCount, contextLength, contextWidth, type, encHidden,
                embSize, hidden, activation, contextLayout, rowPositions);
    }

    public NetworkConfig withHidden(List<Integer> widths) {
        return new NetworkConfig(kind, stateSize, actionCount, contextLength, contextWidth, encoder, encoderHidden,
                embeddingSize, widths, activation, contextLayout, rowPositions);
    }

    /**
     * The record's usual text, with the layout only when it is not flat and row positions only
     * when the encoder uses them: the text of every network made before either existed stays the
     * same (the expert cache keys on it).
     */
    @Override
    public String toString() {
        return "NetworkConfig[kind=" + kind + ", stateSize=" + stateSize + ", actionCount=" + actionCount
                + ", contextLength=" + contextLength + ", contextWidth=" + contextWidth + ", encoder=" + encoder
                + ", encoderHidden=" + encoderHidden + ", embeddingSize=" + embeddingSize + ", hidden=" + hidden
                + ", activation=" + activation + (contextLayout.isFlat() ? "" : ", contextLayout=" + contextLayout.key())
                + (positional() ? ", rowPositions=true" : "") + "]";
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
