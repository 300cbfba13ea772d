package dev.flash.daemon;

import java.util.HashMap;
import java.util.Map;

/**
 * Fixed-capacity ring buffers of context rows, one per cpufreq policy. Rows are
 * {@code stateWidth + actionCount + 1} floats wide. A policy's buffer is allocated the first time
 * it is seen (hotplug) and reused afterwards, so appending never allocates.
 */
public final class RingTrajectoryRecorder implements TrajectoryRecorder {
    private final int capacity;
    private final int stateWidth;
    private final int actionCount;
    private final int width;
    private final Map<Integer, Ring> rings = new HashMap<>();

    public RingTrajectoryRecorder(int capacity, int stateWidth, int actionCount) {
        if (capacity < 1 || stateWidth < 1 || actionCount < 0) {
            throw new IllegalArgumentException("capacity and state width must be >= 1");
        }
        this.capacity = capacity;
        this.stateWidth = stateWidth;
        this.actionCount = actionCount;
        this.width = stateWidth + actionCount + 1;
    }

    public int width() {
        return width;
    }

    private static final class Ring {
        final float[] rows;
        int next;
        int filled;

        Ring(int capacity, int width) {
            rows = new float[capacity * width];
        }
    }

    @Override
    public synchronized void append(int policyId, float[] state, int actionIndex, float reward) {
        Ring ring = rings.get(policyId);
        if (ring == null) {
            ring = new Ring(capacity, width);
            rings.put(policyId, ring);
        }
        int base = ring.next * width;
        System.arraycopy(state, 0, ring.rows, base, stateWidth);
        for (int a = 0; a < actionCount; a++) {
            ring.rows[base + stateWidth + a] = a == actionIndex ? 1f : 0f;
        }
        ring.rows[base + width - 1] = reward;
        ring.next = (ring.next + 1) % capacity;
        ring.filled = Math.min(capacity, ring.filled + 1);
    }

    @Override
    public synchronized void reset(int policyId) {
        rings.remove(policyId);
    }

    @Override
    public synchronized void clear() {
        rings.clear();
    }

    @Override
    public synchronized int filled(int policyId) {
        Ring ring = rings.get(policyId);
        return ring == null ? 0 : ring.filled;
    }

    @Override
    public synchronized void copyInto(int policyId, float[] out, float[] mask, int offsetRows, int cap, int w) {
        Ring ring = rings.get(policyId);
        int n = ring == null ? 0 : Math.min(ring.filled, cap);
        int pad = cap - n;
        int cols = Math.min(w, width);
        for (int i = 0; i < cap; i++) {
            int dst = (offsetRows + i) * w;
            java.util.Arrays.fill(out, dst, dst + w, 0f);
            mask[offsetRows + i] = 0f;
            if (i >= pad) {
                // the (n - (i - pad))-th newest row: oldest of the n copied first
                int back = n - (i - pad);
                int src = ((ring.next - back) % capacity + capacity) % capacity;
                System.arraycopy(ring.rows, src * width, out, dst, cols);
                mask[offsetRows + i] = 1f;
            }
        }
    }
}
