package dev.flash.meta;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The FLASH context of one application for an RL agent: rows of (state, one-hot action, context
 * reward), width F + A + 1, handed to the encoder right-aligned (newest row last).
 *
 * <ul>
 *   <li>{@link Mode#LATEST}: the last C transitions seen on the application, across episodes
 *       (AWARE's "latest" ring buffer; what the daemon keeps);</li>
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
    private final int stateSize;
    private final int actionCount;
    private final Mode mode;
    private final int topEpisodes;
    private final ArrayDeque<float[]> latest = new ArrayDeque<>();
    private final List<float[]> currentEpisode = new ArrayList<>();
    private final List<Episode> best = new ArrayList<>();
    private long episodesEnded;

    public ContextBuffer(int capacity, int stateSize, int actionCount, Mode mode, int topEpisodes) {
        if (capacity < 0 || stateSize <= 0 || actionCount <= 0 || topEpisodes <= 0) {
            throw new IllegalArgumentException("invalid context buffer: capacity " + capacity + ", state "
                    + stateSize + ", actions " + actionCount + ", top episodes " + topEpisodes);
        }
        this.capacity = capacity;
        this.stateSize = stateSize;
        this.actionCount = actionCount;
        this.mode = mode;
        this.topEpisodes = topEpisodes;
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
        float[] row = new float[width()];
        System.arraycopy(state, 0, row, 0, stateSize);
        row[stateSize + action] = 1f;
        row[stateSize + actionCount] = contextReward;
        latest.addLast(row);
        if (latest.size() > capacity) {
            latest.removeFirst();
        }
        if (mode == Mode.TOP_EPISODES) {
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
        ContextBuffer c = new ContextBuffer(capacity, stateSize, actionCount, mode, topEpisodes);
        c.latest.addAll(latest); // rows are never modified after add, so sharing them is safe
        c.currentEpisode.addAll(currentEpisode);
        c.best.addAll(best);
        c.episodesEnded = episodesEnded;
        return c;
    }

    /** Forgets everything (a new application, or a simulated cold start). */
    public void clear() {
        latest.clear();
        currentEpisode.clear();
        best.clear();
    }

    /** Rows the encoder will see now (at most capacity). */
    public int filled() {
        return rows().size();
    }

    /**
     * Writes the context right-aligned into {@code rows[offsetRows*W ...]} ({@code capacity} rows)
     * and {@code mask[offsetRows ...]}: padding rows are zero with mask 0, filled rows mask 1.
     */
    public void copyInto(float[] rows, float[] mask, int offsetRows) {
        List<float[]> r = rows();
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

    private List<float[]> rows() {
        if (mode == Mode.LATEST || best.isEmpty()) {
            if (mode == Mode.LATEST) {
                return new ArrayList<>(latest);
            }
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
