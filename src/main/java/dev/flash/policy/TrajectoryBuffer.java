package dev.flash.policy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's FLASH context: per cpufreq policy, the transitions of the model's
 * {@link ContextLayout} (the last C steps for today's flat layout, a horizon of windows for a
 * layout stating {@link ModelContract#META_CONTEXT_WINDOWS}), each a row of
 * {@code featureCount + actionCount + 1} floats: the state features, the action taken as a
 * one-hot vector, and the reward that followed.
 *
 * <p>{@link #copyInto} writes the layout's rows right-aligned (newest last) with zero padding on
 * the left and the matching mask, which is the layout the models are trained on: the rows come
 * from {@link ContextRing}, the same code the trainer's context uses. The ring for a policy is
 * allocated on its first {@link #record}; after that a tick allocates nothing.
 * Not thread-safe: the daemon loop owns it.
 */
public final class TrajectoryBuffer implements TrajectoryRecorder {

    private final ContextLayout layout;
    private final int featureCount;
    private final int actionCount;
    private final int width;
    private final Map<Integer, ContextRing> rings = new HashMap<>();
    /**
     * The same rings indexed by policy id (ids are CPU numbers, small and non-negative), so the
     * per-tick {@link #append} and {@link #copyInto} of 256 policies box no Integer.
     */
    private ContextRing[] byId = new ContextRing[0];
    static final int MAX_INDEXED_ID = 1 << 16;

    /** The flat layout: the last {@code capacity} steps. */
    public TrajectoryBuffer(int capacity, int featureCount, int actionCount) {
        this(flatLayout(capacity, featureCount, actionCount), featureCount, actionCount);
    }

    public TrajectoryBuffer(ContextLayout layout, int featureCount, int actionCount) {
        if (layout.rows() < 1 || featureCount < 1 || actionCount < 1) {
            throw new IllegalArgumentException("capacity, featureCount and actionCount must be >= 1, got "
                    + layout.rows() + ", " + featureCount + ", " + actionCount);
        }
        this.layout = layout;
        this.featureCount = featureCount;
        this.actionCount = actionCount;
        this.width = featureCount + actionCount + 1;
    }

    private static ContextLayout flatLayout(int capacity, int featureCount, int actionCount) {
        if (capacity < 1 || capacity > ContextLayout.MAX_ROWS) {
            throw new IllegalArgumentException("capacity, featureCount and actionCount must be >= 1, got "
                    + capacity + ", " + featureCount + ", " + actionCount);
        }
        return ContextLayout.flat(capacity);
    }

    /** Row width W = features + actions + 1. */
    public int width() {
        return width;
    }

    /** C, rows of the context written. */
    public int capacity() {
        return layout.rows();
    }

    public ContextLayout layout() {
        return layout;
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
        ContextRing ring = ring(policyId);
        if (ring == null) {
            ring = new ContextRing(layout, featureCount, actionCount);
            rings.put(policyId, ring);
            index(policyId, ring);
        }
        ring.add(state, action, reward);
    }

    /** Forgets a policy's trajectory (application changed, policy restarted). */
    @Override
    public void reset(int policyId) {
        ContextRing ring = ring(policyId);
        if (ring != null) {
            ring.reset();
        }
    }

    @Override
    public void clear() {
        rings.clear();
        byId = new ContextRing[0];
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

    private ContextRing ring(int policyId) {
        if (policyId >= 0 && policyId < byId.length) {
            return byId[policyId];
        }
        return policyId >= 0 && policyId < MAX_INDEXED_ID ? null : rings.get(policyId);
    }

    private void index(int policyId, ContextRing ring) {
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
        ContextRing ring = ring(policyId);
        return ring == null ? 0 : Math.min(ring.rowsFilled(), layout.rows());
    }

    @Override
    public void copyInto(int policyId, float[] rows, float[] mask, int offsetRows, int capacityRows, int rowWidth) {
        if (rowWidth != width) {
            throw new IllegalArgumentException("context width " + rowWidth + " requested, the buffer's rows are "
                    + width + " wide");
        }
        ContextRing ring = ring(policyId);
        if (ring == null) {
            Arrays.fill(rows, offsetRows * width, (offsetRows + capacityRows) * width, 0f);
            Arrays.fill(mask, offsetRows, offsetRows + capacityRows, 0f);
        } else if (layout.isFlat()) {
            ring.copyLatestInto(rows, mask, offsetRows, capacityRows);
        } else if (capacityRows == layout.rows()) {
            ring.copyInto(rows, mask, offsetRows);
        } else {
            throw new IllegalArgumentException("context of " + capacityRows + " rows requested, the buffer's layout ("
                    + layout + ") has " + layout.rows());
        }
    }

    /** Mean reward over the transitions held for the policy; NaN when it has none. */
    public double recentRewardMean(int policyId) {
        ContextRing ring = ring(policyId);
        return ring == null ? Double.NaN : ring.rewardMean();
    }

    /** Population standard deviation of the rewards held for the policy; NaN when it has none. */
    public double recentRewardStd(int policyId) {
        ContextRing ring = ring(policyId);
        return ring == null ? Double.NaN : ring.rewardStd();
    }
}
