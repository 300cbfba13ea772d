package dev.flash.daemon;

import java.util.Arrays;

/**
 * Tick lateness against the schedule, kept in a fixed ring of the last {@value #SIZE} samples
 * (recording never allocates); percentiles are computed only when someone asks.
 */
public final class JitterStats {
    static final int SIZE = 1024;
    private final long[] lateNanos = new long[SIZE];
    private int next;
    private int count;
    private long maxNanos;
    private long overruns;

    public synchronized void record(long lateness) {
        long v = Math.max(0, lateness);
        lateNanos[next] = v;
        next = (next + 1) % SIZE;
        count = Math.min(SIZE, count + 1);
        maxNanos = Math.max(maxNanos, v);
    }

    public synchronized void overrun(long skipped) {
        overruns += skipped;
    }

    public synchronized long overruns() {
        return overruns;
    }

    public synchronized int count() {
        return count;
    }

    /** Percentile (0..100) in nanoseconds over the window; NaN with no samples. */
    public synchronized double percentileNanos(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] copy = Arrays.copyOf(lateNanos, count);
        Arrays.sort(copy);
        int idx = (int) Math.ceil(p / 100.0 * count) - 1;
        return copy[Math.max(0, Math.min(count - 1, idx))];
    }

    /** Largest lateness since start, nanoseconds. */
    public synchronized long maxNanos() {
        return maxNanos;
    }
}
