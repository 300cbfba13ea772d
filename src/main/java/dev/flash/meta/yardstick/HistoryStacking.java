package dev.flash.meta.yardstick;

import dev.flash.meta.ApplicationSet;
import dev.flash.meta.ContextBuffer;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.RlEnvironment;
import dev.flash.policy.ContextLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The history baseline's input: the application's observation with the same raw recent history
 * FLASH's context holds (the C rows of state, one-hot action and context reward of the same
 * {@link ContextLayout}, exactly the rows of a {@link ContextBuffer}) stacked behind it, plus one
 * filled flag per row. No
 * encoder and no meta-training objective: a plain base agent trained with PPO on these
 * observations answers whether FLASH's learned embedding adds anything beyond having the history.
 *
 * <p>The history rolls on across the episodes of one wrapped environment, as FLASH's context
 * does during experience; a fresh wrapper (one per evaluation episode) starts with it empty.
 */
public final class HistoryStacking implements RlEnvironment {

    private final RlEnvironment inner;
    private final ContextBuffer history;
    private final float[] rows;
    private final float[] mask;
    private float[] lastObservation;

    /** The last {@code historyRows} transitions (the flat layout). */
    public HistoryStacking(RlEnvironment inner, int historyRows) {
        this(inner, flat(historyRows));
    }

    /** The rows of {@code layout}: give it FLASH's layout so both see the same history. */
    public HistoryStacking(RlEnvironment inner, ContextLayout layout) {
        if (layout.rows() < 1) {
            throw new IllegalArgumentException("the history baseline needs at least one row, got " + layout);
        }
        this.inner = inner;
        this.history = new ContextBuffer(layout, inner.observationSize(), inner.actionCount(),
                ContextBuffer.Mode.LATEST, 1);
        this.rows = new float[layout.rows() * history.width()];
        this.mask = new float[layout.rows()];
    }

    private static ContextLayout flat(int historyRows) {
        if (historyRows < 1) {
            throw new IllegalArgumentException("the history baseline needs at least one row, got " + historyRows);
        }
        return ContextLayout.flat(historyRows);
    }

    /** Observation width of a wrapped environment: F + C (F + A + 1) + C. */
    public static int observationSize(int stateSize, int actionCount, int historyRows) {
        return stateSize + historyRows * (stateSize + actionCount + 1) + historyRows;
    }

    /**
     * The history baseline's network: the base agent's (C = 0, same hidden layers) over the
     * stacked input of {@code historyRows} rows.
     */
    public static NetworkConfig network(NetworkConfig base, int historyRows) {
        if (base.hasContext()) {
            throw new IllegalArgumentException("the history baseline is a base agent without context, got C = "
                    + base.contextLength());
        }
        int width = observationSize(base.stateSize(), base.actionCount(), historyRows);
        return new NetworkConfig(base.kind(), width, base.actionCount(), 0, width + base.actionCount() + 1,
                base.encoder(), base.encoderHidden(), base.embeddingSize(), base.hidden(), base.activation());
    }

    /**
     * The training split of {@code apps} with each environment wrapped in the stacking (the
     * history baseline trains on it; it has no held-out split).
     */
    public static ApplicationSet training(ApplicationSet apps, int historyRows) {
        return training(apps, flat(historyRows));
    }

    /** The training split of {@code apps}, each environment stacking {@code layout}'s rows. */
    public static ApplicationSet training(ApplicationSet apps, ContextLayout layout) {
        List<String> train = new ArrayList<>();
        for (int i = 0; i < apps.size(ApplicationSet.Split.TRAIN); i++) {
            train.add(apps.name(ApplicationSet.Split.TRAIN, i));
        }
        return ApplicationSet.of(train, List.of(), (split, index, seed) ->
                new HistoryStacking(apps.environment(split, index, seed), layout));
    }

    /** Each evaluation episode wrapped afresh. */
    public static IntFunction<RlEnvironment> episodes(IntFunction<RlEnvironment> episodes, int historyRows) {
        return episodes(episodes, flat(historyRows));
    }

    /** Each evaluation episode wrapped afresh, stacking {@code layout}'s rows. */
    public static IntFunction<RlEnvironment> episodes(IntFunction<RlEnvironment> episodes, ContextLayout layout) {
        return j -> new HistoryStacking(episodes.apply(j), layout);
    }

    @Override
    public int observationSize() {
        return observationSize(inner.observationSize(), inner.actionCount(), history.capacity());
    }

    @Override
    public int actionCount() {
        return inner.actionCount();
    }

    @Override
    public float[] reset() {
        lastObservation = inner.reset();
        return stacked(lastObservation);
    }

    @Override
    public Step step(int action) {
        Step s = inner.step(action);
        history.add(lastObservation, action, s.contextReward());
        lastObservation = s.observation();
        return new Step(s.done() ? s.observation() : stacked(s.observation()), s.reward(), s.contextReward(),
                s.done());
    }

    private float[] stacked(float[] observation) {
        history.copyInto(rows, mask, 0);
        float[] out = new float[observationSize()];
        System.arraycopy(observation, 0, out, 0, observation.length);
        System.arraycopy(rows, 0, out, observation.length, rows.length);
        System.arraycopy(mask, 0, out, observation.length + rows.length, mask.length);
        return out;
    }
}
