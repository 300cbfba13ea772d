package dev.flash.meta;

import dev.flash.policy.ContextLayout;
import dev.flash.policy.ContextRing;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The FLASH context of one application for an RL agent: rows of (state, one-hot action, context
 * reward), width F + A + 1, handed to the encoder right-aligned (newest row last).
 *
 * <ul>
 *   <li>{@link Mode#LATEST}: the recent transitions seen on the application, across episodes,
 *       as the buffer's {@link ContextLayout} makes rows of them: the last C as they were
 *       (AWARE's "latest" ring buffer, the flat layout), or C windows reaching further back, each
 *       row the mean of its window. The rows come from {@link ContextRing}, the code the
 *       daemon's context uses too;</li>
 *   <li>{@link Mode#TOP_EPISODES}: the rows of the M completed episodes with the highest reward,
 *       in the order they were played, the newest C rows of them (AWARE's bundle); before any
 *       episode has completed, the current episode's rows.</li>
 * </ul>
 */
public final class ContextBuffer {

    public enum Mode { LATEST, TOP_EPISODES }

    private record Episode(long order, double reward, List<float[]> rows) {
    }

    private final int capacity;
    private final ContextLayout layout;
    private final int stateSize;
    private final int actionCount;
    private final Mode mode;
    private final int topEpisodes;
    /** LATEST's transitions (null when C = 0). */
    private final ContextRing latest;
    private final List<float[]> currentEpisode = new ArrayList<>();
    private final List<Episode> best = new ArrayList<>();
    private long episodesEnded;

    /** The flat layout: the last {@code capacity} transitions (LATEST) or the bundle's newest rows. */
    public ContextBuffer(int capacity, int stateSize, int actionCount, Mode mode, int topEpisodes) {
        this(capacity < 0 ? null : ContextLayout.flat(capacity), capacity, stateSize, actionCount, mode, topEpisodes);
    }

    /**
     * A context of {@code layout}'s rows. TOP_EPISODES takes only the flat layout: a bundle's rows
     * are whole past episodes, not windows of the recent past.
     */
    public ContextBuffer(ContextLayout layout, int stateSize, int actionCount, Mode mode, int topEpisodes) {
        this(layout, layout.rows(), stateSize, actionCount, mode, topEpisodes);
    }

    private ContextBuffer(ContextLayout layout, int capacity, int stateSize, int actionCount, Mode mode,
                          int topEpisodes) {
        if (capacity < 0 || stateSize <= 0 || actionCount <= 0 || topEpisodes <= 0) {
            throw new IllegalArgumentException("invalid context buffer: capacity " + capacity + ", state "
                    + stateSize + ", actions " + actionCount + ", top episodes " + topEpisodes);
        }
        if (mode == Mode.TOP_EPISODES && !layout.isFlat()) {
            throw new IllegalArgumentException("the TOP_EPISODES context takes the flat layout, not " + layout);
        }
        this.capacity = capacity;
        this.layout = layout;
        this.stateSize = stateSize;
        this.actionCount = actionCount;
        this.mode = mode;
        this.topEpisodes = topEpisodes;
        this.latest = capacity == 0 ? null : new ContextRing(layout, stateSize, actionCount);
    }

    private ContextBuffer(ContextBuffer o) {
        this.capacity = o.capacity;
        this.layout = o.layout;
        this.stateSize = o.stateSize;
        this.actionCount = o.actionCount;
        this.mode = o.mode;
        this.topEpisodes = o.topEpisodes;
        this.latest = o.latest == null ? null : o.latest.copy();
    }

    /** The LATEST context a network of {@code c} reads: its layout, its state and action widths. */
    public static ContextBuffer latest(NetworkConfig c) {
        return new ContextBuffer(c.contextLayout(), c.stateSize(), c.actionCount(), Mode.LATEST, 1);
    }

    public ContextLayout layout() {
        return layout;
    }

    /** Floats per row: F + A + 1. */
    public int width() {
        return stateSize + actionCount + 1;
    }

    public int capacity() {
        return capacity;
    }

    /** Records the transition (state before the action, the action, its context reward). */
    public void add(float[] state, int action, float contextReward) {
        if (capacity == 0) {
            return;
        }
        if (action < 0 || action >= actionCount) {
            throw new IllegalArgumentException("action index " + action + " outside 0.." + (actionCount - 1));
        }
        latest.add(state, action, contextReward);
        if (mode == Mode.TOP_EPISODES) {
            float[] row = new float[width()];
            System.arraycopy(state, 0, row, 0, stateSize);
            row[stateSize + action] = 1f;
            row[stateSize + actionCount] = contextReward;
            currentEpisode.add(row);
        }
    }

    /** Marks the end of an episode with its total reward (used by TOP_EPISODES). */
    public void endEpisode(double episodeReward) {
        episodesEnded++;
        if (mode != Mode.TOP_EPISODES || currentEpisode.isEmpty()) {
            return;
        }
        best.add(new Episode(episodesEnded, episodeReward, List.copyOf(currentEpisode)));
        currentEpisode.clear();
        best.sort(Comparator.comparingDouble(Episode::reward).reversed());
        while (best.size() > topEpisodes) {
            best.remove(best.size() - 1);
        }
    }

    /**
     * An independent copy with the same rows, episodes and settings: lets an evaluation run from
     * a snapshot of the context without changing the original.
     */
    public ContextBuffer copy() {
        ContextBuffer c = new ContextBuffer(this);
        c.currentEpisode.addAll(currentEpisode); // rows are never modified after add: sharing is safe
        c.best.addAll(best);
        c.episodesEnded = episodesEnded;
        return c;
    }

    /** Forgets everything (a new application, or a simulated cold start). */
    public void clear() {
        if (latest != null) {
            latest.reset();
        }
        currentEpisode.clear();
        best.clear();
    }

    /** Rows the encoder will see now (at most capacity). */
    public int filled() {
        if (capacity == 0) {
            return 0;
        }
        return mode == Mode.LATEST ? latest.rowsFilled() : bundleRows().size();
    }

    /**
     * Writes the context right-aligned into {@code rows[offsetRows*W ...]} ({@code capacity} rows)
     * and {@code mask[offsetRows ...]}: padding rows are zero with mask 0, filled rows mask 1.
     */
    public void copyInto(float[] rows, float[] mask, int offsetRows) {
        if (capacity == 0) {
            return;
        }
        if (mode == Mode.LATEST) {
            latest.copyInto(rows, mask, offsetRows);
            return;
        }
        List<float[]> r = bundleRows();
        int w = width();
        int pad = capacity - r.size();
        for (int i = 0; i < capacity; i++) {
            int dst = (offsetRows + i) * w;
            if (i < pad) {
                java.util.Arrays.fill(rows, dst, dst + w, 0f);
                mask[offsetRows + i] = 0f;
            } else {
                System.arraycopy(r.get(i - pad), 0, rows, dst, w);
                mask[offsetRows + i] = 1f;
            }
        }
    }

    /** TOP_EPISODES: the best episodes' rows in the order played, or the current episode's before any ended. */
    private List<float[]> bundleRows() {
        if (best.isEmpty()) {
            return tail(currentEpisode);
        }
        List<Episode> chronological = new ArrayList<>(best);
        chronological.sort(Comparator.comparingLong(Episode::order));
        List<float[]> all = new ArrayList<>();
        for (Episode e : chronological) {
            all.addAll(e.rows());
        }
        return tail(all);
    }

    private List<float[]> tail(List<float[]> all) {
        int from = Math.max(0, all.size() - capacity);
        return new ArrayList<>(all.subList(from, all.size()));
    }

}
