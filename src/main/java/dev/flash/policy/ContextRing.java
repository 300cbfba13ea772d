package dev.flash.policy;

import java.util.Arrays;

/**
 * The transitions of one context and the rows a {@link ContextLayout} makes of them: the one
 * implementation behind the trainer's {@code dev.flash.meta.ContextBuffer} and the daemon's
 * {@link TrajectoryBuffer}, so a model is served the rows it was trained on.
 *
 * <p>It keeps the last {@link ContextLayout#horizon()} transitions as raw rows of
 * {@code F + A + 1} floats (state, one-hot action, context reward) in a flat ring, and writes
 * the layout's rows on demand: a window of one transition is copied as it is, a longer one is the
 * mean of the transitions it holds (summed oldest first in float, then divided). Writing
 * allocates nothing. Not thread-safe.
 */
public final class ContextRing {

    private final ContextLayout layout;
    private final int stateSize;
    private final int actionCount;
    private final int width;
    private final int capacity;
    private final float[] raw;
    private int next;
    private int held;

    public ContextRing(ContextLayout layout, int stateSize, int actionCount) {
        if (layout.rows() < 1 || stateSize < 1 || actionCount < 1) {
            throw new IllegalArgumentException("context ring needs rows, features and actions >= 1, got "
                    + layout.rows() + ", " + stateSize + ", " + actionCount);
        }
        this.layout = layout;
        this.stateSize = stateSize;
        this.actionCount = actionCount;
        this.width = stateSize + actionCount + 1;
        this.capacity = layout.horizon();
        this.raw = new float[capacity * width];
    }

    private ContextRing(ContextRing o) {
        this.layout = o.layout;
        this.stateSize = o.stateSize;
        this.actionCount = o.actionCount;
        this.width = o.width;
        this.capacity = o.capacity;
        this.raw = o.raw.clone();
        this.next = o.next;
        this.held = o.held;
    }

    /** An independent copy holding the same transitions. */
    public ContextRing copy() {
        return new ContextRing(this);
    }

    public ContextLayout layout() {
        return layout;
    }

    /** Floats per row: F + A + 1. */
    public int width() {
        return width;
    }

    /**
     * Records a transition: {@code state[0..F)}, the action taken (-1: one outside the model's
     * action set, e.g. the rule controller's; its one-hot stays zero) and its context reward.
     * The oldest transition goes once the horizon is full.
     */
    public void add(float[] state, int action, float reward) {
        int base = next * width;
        System.arraycopy(state, 0, raw, base, stateSize);
        Arrays.fill(raw, base + stateSize, base + stateSize + actionCount, 0f);
        if (action >= 0) {
            raw[base + stateSize + action] = 1f;
        }
        raw[base + width - 1] = reward;
        next = (next + 1) % capacity;
        held = Math.min(capacity, held + 1);
    }

    /** Forgets every transition. */
    public void reset() {
        next = 0;
        held = 0;
    }

    /** Transitions held (at most the horizon). */
    public int held() {
        return held;
    }

    /** Rows of the layout that hold at least one transition. */
    public int rowsFilled() {
        int start = 0;
        int rows = 0;
        while (rows < layout.rows() && start < held) {
            start += layout.window(rows);
            rows++;
        }
        return rows;
    }

    /**
     * Writes the layout's {@code C} rows right-aligned into {@code rows[offsetRows*W ...]} (newest
     * last) and {@code mask[offsetRows ...]}: 1 for a filled row, 0 (and a zero row) for padding.
     */
    public void copyInto(float[] rows, float[] mask, int offsetRows) {
        if (layout.isFlat()) {
            copyLatestInto(rows, mask, offsetRows, layout.rows());
            return;
        }
        int c = layout.rows();
        int start = 0; // transitions back from the newest where window i begins
        for (int i = 0; i < c; i++) {
            int row = offsetRows + c - 1 - i;
            int dst = row * width;
            int n = Math.max(0, Math.min(layout.window(i), held - start));
            if (n == 0) {
                Arrays.fill(rows, dst, dst + width, 0f);
                mask[row] = 0f;
            } else if (n == 1) {
                System.arraycopy(raw, slot(start) * width, rows, dst, width);
                mask[row] = 1f;
            } else {
                Arrays.fill(rows, dst, dst + width, 0f);
                for (int back = start + n - 1; back >= start; back--) { // oldest first
                    int src = slot(back) * width;
                    for (int k = 0; k < width; k++) {
                        rows[dst + k] += raw[src + k];
                    }
                }
                float count = n;
                for (int k = 0; k < width; k++) {
                    rows[dst + k] /= count;
                }
                mask[row] = 1f;
            }
            start += layout.window(i);
        }
    }

    /**
     * The flat context of {@code capacityRows} rows: the newest {@code min(held, capacityRows)}
     * transitions as they were, right-aligned, zero padding on the left.
     */
    public void copyLatestInto(float[] rows, float[] mask, int offsetRows, int capacityRows) {
        int n = Math.min(held, capacityRows);
        int padding = capacityRows - n;
        Arrays.fill(rows, offsetRows * width, (offsetRows + padding) * width, 0f);
        Arrays.fill(mask, offsetRows, offsetRows + padding, 0f);
        if (n == 0) {
            return;
        }
        // The n most recent transitions, oldest first: at most two contiguous runs of the ring.
        int first = Math.floorMod(next - n, capacity);
        int head = Math.min(n, capacity - first);
        int target = offsetRows + padding;
        System.arraycopy(raw, first * width, rows, target * width, head * width);
        System.arraycopy(raw, 0, rows, (target + head) * width, (n - head) * width);
        Arrays.fill(mask, target, target + n, 1f);
    }

    /** Mean context reward over the transitions held; NaN when none. */
    public double rewardMean() {
        if (held == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < held; i++) {
            sum += raw[i * width + width - 1]; // slots 0..held-1 are the held ones
        }
        return sum / held;
    }

    /** Population standard deviation of the context rewards held; NaN when none. */
    public double rewardStd() {
        double mean = rewardMean();
        if (Double.isNaN(mean)) {
            return Double.NaN;
        }
        double sq = 0;
        for (int i = 0; i < held; i++) {
            double d = raw[i * width + width - 1] - mean;
            sq += d * d;
        }
        return Math.sqrt(sq / held);
    }

    /** Ring slot of the transition {@code back} steps before the newest (0 = newest). */
    private int slot(int back) {
        return Math.floorMod(next - 1 - back, capacity);
    }
}
