package dev.flash.policy.onnx;

import java.util.Arrays;

/**
 * Turns the contract's context rows ({@code [N, C, W]} and {@code [N, C]} mask, the layout every
 * caller fills) into the inputs of a model in the {@code row-codes} encoding, keeping each row's
 * code between runs so that only rows that are new get coded.
 *
 * <p>Why it pays: the daemon's context for a cpufreq policy moves by one row per tick, so of the C
 * rows only the newest and, once the window is full, the oldest (whose predecessor just left the
 * window, which changes its SET_DELTA input) need coding. At 256 CPUs and C = 16 that is 512 rows
 * through the encoder's MLP per tick instead of 4096.
 *
 * <p>Reuse is decided by content, not by trust: batch row {@code i}'s context is compared with
 * the one it had at the last run. Rows shifted left by exactly one ({@code SHIFT}, a tick that
 * appended a row) or unchanged ({@code SAME}) reuse their codes; anything else (the first run, a
 * reset context, policies reordered by a hotplug, several rows appended while the model did not
 * run, a mask that is not right-aligned 0...0 1...1) makes the whole batch code every row
 * ({@code full}), which is what the rows encoding does every time. A reused code is therefore
 * always the code of the very same (previous row, row) pair. Not thread-safe.
 */
final class RowCodeFeed {

    /** New rows per batch row in a steady run: the window's first row and its newest. */
    static final int STEADY_ROWS = 2;

    private final int n;
    private final int c;
    private final int w;
    private final int h;

    /** context_code_sum [n, H] and context_count [n, 1] of the next run. */
    final float[] codeSum;
    final float[] count;
    /** context_new [n, K, 2, W] and context_new_mask [n, K, 2] for K = 2 (steady) and K = C (full). */
    final float[] steadyRows;
    final float[] steadyMask;
    final float[] fullRows;
    final float[] fullMask;

    /**
     * Codes of the rows the last run saw: [n, C, H] by batch row and physical slot. Logical slot
     * {@code s} (0 oldest) of row {@code i} lives at physical {@code (offset[i] + s) % C}, so a
     * context that moved by one row moves {@code offset}, not the codes.
     */
    private final float[] codes;
    private final int[] offset;
    /**
     * Per batch row, the mask-weighted sum of the codes of its last context, in double so that a
     * running sum updated by one added and one removed code per tick does not drift (the error
     * grows like 1e-16 per tick); every full run recomputes it.
     */
    private final double[] sums;
    private final int[] firstFilled;
    private final float[] lastContext;
    private final float[] lastMask;
    private boolean valid;
    /** Slots the steady run codes, per batch row: {first, newest}, -1 for none. */
    private final int[] steadySlots;
    private final boolean[] same;
    private long fullRuns;
    private long steadyRuns;

    RowCodeFeed(int n, int contextLength, int width, int codeSize) {
        this.n = n;
        this.c = contextLength;
        this.w = width;
        this.h = codeSize;
        codeSum = new float[n * h];
        count = new float[n];
        steadyRows = new float[n * STEADY_ROWS * 2 * w];
        steadyMask = new float[n * STEADY_ROWS * 2];
        fullRows = new float[n * c * 2 * w];
        fullMask = new float[n * c * 2];
        codes = new float[n * c * h];
        offset = new int[n];
        sums = new double[n * h];
        firstFilled = new int[n];
        lastContext = new float[n * c * w];
        lastMask = new float[n * c];
        steadySlots = new int[n * STEADY_ROWS];
        same = new boolean[n];
    }

    /**
     * Fills the inputs for {@code context} and {@code mask}; returns true when every row must be
     * coded (use the full arrays), false when the steady arrays suffice.
     */
    boolean prepare(float[] context, float[] mask) {
        boolean full = !valid;
        for (int i = 0; i < n && !full; i++) {
            full = !classify(i, context, mask);
        }
        valid = false; // until accept(): a failed run leaves no half-updated cache behind
        if (full) {
            prepareFull(context, mask);
            fullRuns++;
        } else {
            prepareSteady(context, mask);
            steadyRuns++;
        }
        System.arraycopy(context, 0, lastContext, 0, lastContext.length);
        System.arraycopy(mask, 0, lastMask, 0, lastMask.length);
        return full;
    }

    /** Stores the codes the run returned ({@code [n, K, H]}, K as {@link #prepare} chose). */
    void accept(boolean full, float[] newCodes) {
        if (full) {
            System.arraycopy(newCodes, 0, codes, 0, codes.length);
            Arrays.fill(offset, 0);
            Arrays.fill(sums, 0.0);
            for (int i = 0; i < n; i++) {
                for (int s = 0; s < c; s++) {
                    addCode(i, (i * c + s) * h, lastMask[i * c + s]);
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < STEADY_ROWS; k++) {
                    int slot = steadySlots[i * STEADY_ROWS + k];
                    if (slot >= 0) {
                        int code = physical(i, slot);
                        addCode(i, code, -1f); // the code it replaces (zero for a new slot)
                        System.arraycopy(newCodes, (i * STEADY_ROWS + k) * h, codes, code, h);
                        addCode(i, code, 1f);
                    }
                }
            }
        }
        valid = true;
    }

    /** sums[i] += weight * codes[code .. code + H). */
    private void addCode(int i, int code, float weight) {
        if (weight == 0f) {
            return;
        }
        for (int j = 0; j < h; j++) {
            sums[i * h + j] += (double) weight * codes[code + j];
        }
    }

    private int physical(int i, int logicalSlot) {
        int p = offset[i] + logicalSlot;
        return (i * c + (p >= c ? p - c : p)) * h;
    }

    /** Forgets every code (the next run codes every row). */
    void invalidate() {
        valid = false;
    }

    long fullRuns() {
        return fullRuns;
    }

    long steadyRuns() {
        return steadyRuns;
    }

    // ---- steady runs ----------------------------------------------------------------------

    /** True when row {@code i} can reuse codes: its mask is right-aligned and its rows SHIFT or are the SAME. */
    private boolean classify(int i, float[] context, float[] mask) {
        firstFilled[i] = rightAlignedStart(mask, i);
        if (firstFilled[i] < 0) {
            return false;
        }
        int rows = i * c * w;
        int masks = i * c;
        // SHIFT: now[0 .. C-2] == last[1 .. C-1], rows and masks.
        if (Arrays.equals(mask, masks, masks + c - 1, lastMask, masks + 1, masks + c)
                && Arrays.equals(context, rows, rows + (c - 1) * w, lastContext, rows + w, rows + c * w)) {
            same[i] = false;
            return true;
        }
        if (Arrays.equals(mask, masks, masks + c, lastMask, masks, masks + c)
                && Arrays.equals(context, rows, rows + c * w, lastContext, rows, rows + c * w)) {
            same[i] = true;
            return true;
        }
        return false;
    }

    /** First slot with mask 1 when the mask is 0...0 1...1 (C when empty); -1 otherwise. */
    private int rightAlignedStart(float[] mask, int i) {
        int f = c;
        for (int s = 0; s < c; s++) {
            float m = mask[i * c + s];
            if (m == 1f) {
                if (f == c) {
                    f = s;
                }
            } else if (m != 0f || f != c) {
                return -1;
            }
        }
        return f;
    }

    private void prepareSteady(float[] context, float[] mask) {
        Arrays.fill(steadyRows, 0f);
        Arrays.fill(steadyMask, 0f);
        for (int i = 0; i < n; i++) {
            int f = firstFilled[i];
            int first = -1;
            int newest = -1;
            if (!same[i]) {
                // The oldest row left the window: out of the sum, and its physical slot becomes
                // the newest logical one. Every other code moves with its row.
                float leaving = lastMask[i * c];
                int leavingCode = physical(i, 0);
                addCode(i, leavingCode, -leaving);
                Arrays.fill(codes, leavingCode, leavingCode + h, 0f);
                offset[i] = offset[i] + 1 == c ? 0 : offset[i] + 1;
                // The first row's input changes only when it lost its predecessor: the window
                // was full at the last run (a row left from slot 0).
                if (f == 0 && leaving != 0f) {
                    first = 0;
                }
                if (f < c && mask[i * c + c - 1] == 1f && first != c - 1) {
                    newest = c - 1;
                }
            }
            steadySlots[i * STEADY_ROWS] = first;
            steadySlots[i * STEADY_ROWS + 1] = newest;
            putSteady(i, 0, first, context, mask);
            putSteady(i, 1, newest, context, mask);
            // The codes the model adds itself (the rows coded in this run) are left out of the sum.
            int firstCode = first >= 0 ? physical(i, first) : -1;
            for (int j = 0; j < h; j++) {
                double sum = sums[i * h + j];
                if (firstCode >= 0) {
                    sum -= codes[firstCode + j];
                }
                codeSum[i * h + j] = (float) sum;
            }
            count[i] = c - f;
        }
    }

    /** New row {@code k} of batch row {@code i} = slot {@code slot} with its predecessor; nothing for -1. */
    private void putSteady(int i, int k, int slot, float[] context, float[] mask) {
        if (slot < 0) {
            return;
        }
        putPair(steadyRows, steadyMask, (i * STEADY_ROWS + k), i, slot, context, mask);
    }

    // ---- full runs --------------------------------------------------------------------------

    private void prepareFull(float[] context, float[] mask) {
        Arrays.fill(codeSum, 0f);
        for (int i = 0; i < n; i++) {
            float filled = 0;
            for (int s = 0; s < c; s++) {
                putPair(fullRows, fullMask, i * c + s, i, s, context, mask);
                filled += mask[i * c + s];
            }
            count[i] = filled;
        }
    }

    /**
     * Writes pair {@code pair} of {@code rows}/{@code masks} as (slot - 1, slot) of batch row
     * {@code i}; the predecessor of slot 0 is a zero row with mask 0, as the encoder was trained.
     */
    private void putPair(float[] rows, float[] masks, int pair, int i, int slot, float[] context, float[] mask) {
        int out = pair * 2 * w;
        if (slot > 0) {
            System.arraycopy(context, (i * c + slot - 1) * w, rows, out, w);
            masks[pair * 2] = mask[i * c + slot - 1];
        } else {
            Arrays.fill(rows, out, out + w, 0f);
            masks[pair * 2] = 0f;
        }
        System.arraycopy(context, (i * c + slot) * w, rows, out + w, w);
        masks[pair * 2 + 1] = mask[i * c + slot];
    }
}
