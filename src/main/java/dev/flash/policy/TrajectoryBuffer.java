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
        Ring ring = rings.get(policyId);
        if (ring == null) {
            ring = new Ring(capacity * width);
            rings.put(policyId, ring);
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
        Ring ring = rings.get(policyId);
        if (ring != null) {
            ring.next = 0;
            ring.filled = 0;
        }
    }

    @Override
    public void clear() {
        rings.clear();
    }

    /** Drops the rings of policies that went away (CPU hotplug). */
    public void retain(Set<Integer> livePolicies) {
        rings.keySet().retainAll(livePolicies);
    }

    @Override
    public int filled(int policyId) {
        Ring ring = rings.get(policyId);
        return ring == null ? 0 : ring.filled;
    }

    @Override
    public void copyInto(int policyId, float[] rows, float[] mask, int offsetRows, int capacityRows, int rowWidth) {
        if (rowWidth != width) {
            throw new IllegalArgumentException("context width " + rowWidth + " requested, the buffer's rows are "
                    + width + " wide");
        }
        Ring ring = rings.get(policyId);
        int n = ring == null ? 0 : Math.min(ring.filled, capacityRows);
        int padding = capacityRows - n;
        Arrays.fill(rows, offsetRows * width, (offsetRows + padding) * width, 0f);
        Arrays.fill(mask, offsetRows, offsetRows + padding, 0f);
        for (int i = 0; i < n; i++) {
            // The i-th of the n most recent rows, oldest first.
            int source = Math.floorMod(ring.next - n + i, capacity);
            int target = offsetRows + padding + i;
            System.arraycopy(ring.rows, source * width, rows, target * width, width);
            mask[target] = 1f;
        }
    }

    /** Mean reward over the rows held for the policy; NaN when it has none. */
    public double recentRewardMean(int policyId) {
        Ring ring = rings.get(policyId);
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
        Ring ring = rings.get(policyId);
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
