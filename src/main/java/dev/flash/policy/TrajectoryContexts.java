package dev.flash.policy;

/**
 * Read access to the per-policy trajectory ring buffers the daemon keeps: the FLASH context.
 * Each row is (state features, one-hot action, reward); rows are oldest first.
 */
public interface TrajectoryContexts {

    /** No context at all (rule controllers, first tick). */
    TrajectoryContexts EMPTY = new TrajectoryContexts() {
        @Override
        public int filled(int policyId) {
            return 0;
        }

        @Override
        public void copyInto(int policyId, float[] rows, float[] mask, int offsetRows, int capacity, int width) {
            java.util.Arrays.fill(rows, offsetRows * width, (offsetRows + capacity) * width, 0f);
            java.util.Arrays.fill(mask, offsetRows, offsetRows + capacity, 0f);
        }
    };

    /** How many rows the policy's buffer holds now. */
    int filled(int policyId);

    /**
     * Copies up to {@code capacity} most recent rows of {@code width} floats into
     * {@code rows[offsetRows*width ...]} (right-aligned: the newest row last) and sets
     * {@code mask[offsetRows + i]} to 1 for filled rows, 0 for padding. Writes all
     * {@code capacity} rows: padding rows are zero, whatever the arrays held.
     */
    void copyInto(int policyId, float[] rows, float[] mask, int offsetRows, int capacity, int width);
}
