package dev.flash.policy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's FLASH context: per cpufreq policy, a ring of the last {@code capacity} steps,
 * each a row of {@code featureCount + actionCount + 1} floats: the state features, the action
 * taken as a one-hot vector, and the reward that followed.
 *
 * <p>{@link #copyInto} writes the newest rows right-aligned (newest last) with zero padding on the
 * left and the matching mask, which is the layout the models are trained on. The ring for a
 * policy is allocated on its first {@link #record}; after that a tick allocates nothing.
 * Not thread-safe: the daemon loop owns it.
 */
public final class TrajectoryBuffer implements TrajectoryRecorder {

    private final int capacity;
    private final int featureCount;
    private final int actionCount;
    private final int width;
    private final Map<Integer, Ring> rings = new HashMap<>();
    /**
     * The same rings indexed by policy id (ids are CPU numbers, small and non-negative), so the
     * per-tick {@link #append} and {@link #copyInto} of 256 policies box no Integer.
     */
    private Ring[] byId = new Ring[0];
    static final int MAX_INDEXED_ID = 1 << 16;

    public TrajectoryBuffer(int capacity, int featureCount, int actionCount) {
        if (capacity < 1 || featureCount < 1 || actionCount < 1) {
            throw new IllegalArgumentException("capacity, featureCount and actionCount must be >= 1, got "
                    + capacity + ", " + featureCount + ", " + actionCount);
        }
        this.capacity = capacity;
        this.featureCount = featureCount;
        this.actionCount = actionCount;
        this.width = featureCount + actionCount + 1;
    }

    /** Row width W = features + actions + 1. */
    public int width() {
        return width;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Appends one step; the oldest row goes once the ring is full. An action of -1 (a step the
     * rule controller decided, outside the model's action set) leaves the one-hot all zero.
     */
    @Override
    public void append(int policyId, float[] state, int action, float reward) {
        if (state.length != featureCount) {
            throw new IllegalArgumentException("state has " + state.length + " features, the buffer holds "
                    + featureCount);
        }
        if (action < -1 || action >= actionCount) {
            throw new IllegalArgumentException("action index " + action + " outside 0.." + (actionCount - 1));
        }
        Ring ring = ring(policyId);
        if (ring == null) {
            ring = new Ring(capacity * width);
            rings.put(policyId, ring);
            index(policyId, ring);
        }
        int base = ring.next * width;
        System.arraycopy(state, 0, ring.rows, base, featureCount);
        Arrays.fill(ring.rows, base + featureCount, base + featureCount + actionCount, 0f);
        if (action >= 0) {
            ring.rows[base + featureCount + action] = 1f;
        }
        ring.rows[base + width - 1] = reward;
        ring.next = (ring.next + 1) % capacity;
        ring.filled = Math.min(capacity, ring.filled + 1);
    }

    /** Forgets a policy's trajectory (application changed, policy restarted). */
    @Override
    public void reset(int policyId) {
        Ring ring = ring(policyId);
        if (ring != null) {
            ring.next = 0;
            ring.filled = 0;
        }
    }

    @Override
    public void clear() {
        rings.clear();
        byId = new Ring[0];
    }

    /** Drops the rings of policies that went away (CPU hotplug). */
    public void retain(Set<Integer> livePolicies) {
        rings.keySet().retainAll(livePolicies);
        for (int id = 0; id < byId.length; id++) {
            if (byId[id] != null && !livePolicies.contains(id)) {
                byId[id] = null;
            }
        }
    }

    private Ring ring(int policyId) {
        if (policyId >= 0 && policyId < byId.length) {
            return byId[policyId];
        }
        return policyId >= 0 && policyId < MAX_INDEXED_ID ? null : rings.get(policyId);
    }

    private void index(int policyId, Ring ring) {
        if (policyId < 0 || policyId >= MAX_INDEXED_ID) {
            return; // unusual id: the map alone holds it
        }
        if (policyId >= byId.length) {
            byId = Arrays.copyOf(byId, Math.max(policyId + 1, byId.length * 2));
        }
        byId[policyId] = ring;
    }

    @Override
    public int filled(int policyId) {
        Ring ring = ring(policyId);
        return ring == null ? 0 : ring.filled;
    }

    @Override
    public void copyInto(int policyId, float[] rows, float[] mask, int offsetRows, int capacityRows, int rowWidth) {
        if (rowWidth != width) {
            throw new IllegalArgumentException("context width " + rowWidth + " requested, the buffer's rows are "
                    + width + " wide");
        }
        Ring ring = ring(policyId);
        int n = ring == null ? 0 : Math.min(ring.filled, capacityRows);
        int padding = capacityRows - n;
        Arrays.fill(rows, offsetRows * width, (offsetRows + padding) * width, 0f);
        Arrays.fill(mask, offsetRows, offsetRows + padding, 0f);
        if (n == 0) {
            return;
        }
        // The n most recent rows, oldest first: at most two contiguous runs of the ring.
        int first = Math.floorMod(ring.next - n, capacity);
        int head = Math.min(n, capacity - first);
        int target = offsetRows + padding;
        System.arraycopy(ring.rows, first * width, rows, target * width, head * width);
        System.arraycopy(ring.rows, 0, rows, (target + head) * width, (n - head) * width);
        Arrays.fill(mask, target, target + n, 1f);
    }

    /** Mean reward over the rows held for the policy; NaN when it has none. */
    public double recentRewardMean(int policyId) {
        Ring ring = ring(policyId);
        if (ring == null || ring.filled == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < ring.filled; i++) {
            sum += ring.rows[i * width + width - 1];
        }
        return sum / ring.filled;
    }

    /** Population standard deviation of the rewards held for the policy; NaN when it has none. */
    public double recentRewardStd(int policyId) {
        double mean = recentRewardMean(policyId);
        if (Double.isNaN(mean)) {
            return Double.NaN;
        }
        Ring ring = ring(policyId);
        double sq = 0;
        for (int i = 0; i < ring.filled; i++) {
            double d = ring.rows[i * width + width - 1] - mean;
            sq += d * d;
        }
        return Math.sqrt(sq / ring.filled);
    }

    /** One policy's ring: rows stored by slot; {@code next} is the slot the next row goes to. */
    private static final class Ring {
        final float[] rows;
        int next;
        int filled;

        Ring(int floats) {
            this.rows = new float[floats];
        }
    }
}
