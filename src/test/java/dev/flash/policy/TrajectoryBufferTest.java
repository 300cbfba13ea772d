package dev.flash.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TrajectoryBufferTest {

    static final int F = 2;
    static final int A = 3;
    static final int W = F + A + 1;

    /** Row for step s: state (s, -s), action s % A, reward s / 10. */
    static void step(TrajectoryBuffer b, int policy, int s) {
        b.append(policy, new float[] {s, -s}, s % A, s / 10f);
    }

    static float[] expectedRow(int s) {
        float[] row = new float[W];
        row[0] = s;
        row[1] = -s;
        row[F + s % A] = 1f;
        row[W - 1] = s / 10f;
        return row;
    }

    static float[] row(float[] rows, int index) {
        float[] out = new float[W];
        System.arraycopy(rows, index * W, out, 0, W);
        return out;
    }

    @Test
    void partlyFilledContextIsRightAlignedWithZeroPaddingAndMask() {
        TrajectoryBuffer b = new TrajectoryBuffer(4, F, A);
        step(b, 0, 1);
        step(b, 0, 2);
        float[] rows = new float[4 * W];
        float[] mask = new float[4];
        java.util.Arrays.fill(rows, 9f);
        java.util.Arrays.fill(mask, 9f);
        b.copyInto(0, rows, mask, 0, 4, W);
        assertArrayEquals(new float[] {0, 0, 1, 1}, mask);
        assertArrayEquals(new float[W], row(rows, 0), "padding is zeroed");
        assertArrayEquals(new float[W], row(rows, 1));
        assertArrayEquals(expectedRow(1), row(rows, 2), "oldest first");
        assertArrayEquals(expectedRow(2), row(rows, 3), "newest last");
        assertEquals(2, b.filled(0));
    }

    @Test
    void ruleControllerStepsHaveAnAllZeroOneHotAndClearForgetsEverything() {
        TrajectoryBuffer b = new TrajectoryBuffer(2, F, A);
        b.append(0, new float[F], -1, 0.5f);
        b.append(1, new float[F], 0, 0.5f);
        int w = b.width();
        float[] rows = new float[2 * w];
        float[] mask = new float[2];
        b.copyInto(0, rows, mask, 0, 2, w);
        for (int a = 0; a < A; a++) {
            assertEquals(0f, rows[w + F + a], "no action of the model's set was taken");
        }
        assertEquals(0.5f, rows[2 * w - 1]);
        assertThrows(IllegalArgumentException.class, () -> b.append(0, new float[F], -2, 0f));
        b.clear();
        assertEquals(0, b.filled(0));
        assertEquals(0, b.filled(1));
    }

    @Test
    void wrapKeepsTheMostRecentRowsInOrder() {
        TrajectoryBuffer b = new TrajectoryBuffer(3, F, A);
        for (int s = 1; s <= 7; s++) {
            step(b, 5, s);
        }
        assertEquals(3, b.filled(5));
        float[] rows = new float[3 * W];
        float[] mask = new float[3];
        b.copyInto(5, rows, mask, 0, 3, W);
        assertArrayEquals(new float[] {1, 1, 1}, mask);
        assertArrayEquals(expectedRow(5), row(rows, 0));
        assertArrayEquals(expectedRow(6), row(rows, 1));
        assertArrayEquals(expectedRow(7), row(rows, 2));

        // A smaller window at an offset takes only the newest rows.
        float[] big = new float[4 * W];
        float[] bigMask = new float[4];
        b.copyInto(5, big, bigMask, 2, 2, W);
        assertArrayEquals(new float[] {0, 0, 1, 1}, bigMask);
        assertArrayEquals(expectedRow(6), row(big, 2));
        assertArrayEquals(expectedRow(7), row(big, 3));
    }

    @Test
    void everyFillLevelAndWindowMatchesTheRowByRowDefinition() {
        // ids the per-id index covers, and ids only the map holds (negative, very large)
        for (int id : new int[] {0, 300, 70_000, -2}) {
            TrajectoryBuffer b = new TrajectoryBuffer(5, F, A);
            for (int s = 1; s <= 13; s++) {
                step(b, id, s);
                for (int window = 1; window <= 7; window++) {
                    float[] rows = new float[(window + 1) * W];
                    float[] mask = new float[window + 1];
                    java.util.Arrays.fill(rows, 9f); // stale garbage the copy must overwrite
                    java.util.Arrays.fill(mask, 9f);
                    b.copyInto(id, rows, mask, 1, window, W);
                    int n = Math.min(Math.min(s, 5), window);
                    for (int r = 0; r < window; r++) {
                        boolean held = r >= window - n;
                        assertEquals(held ? 1f : 0f, mask[1 + r], "id " + id + " step " + s + " window " + window);
                        float[] expected = held ? expectedRow(s - (window - 1 - r)) : new float[W];
                        assertArrayEquals(expected, row(rows, 1 + r), "id " + id + " step " + s + " row " + r);
                    }
                }
            }
            b.retain(Set.of());
            assertEquals(0, b.filled(id), "retain forgets id " + id);
        }
    }

    @Test
    void policiesAreSeparateAndResetRetainForget() {
        TrajectoryBuffer b = new TrajectoryBuffer(4, F, A);
        step(b, 0, 1);
        step(b, 1, 2);
        step(b, 1, 3);
        assertEquals(1, b.filled(0));
        assertEquals(2, b.filled(1));
        b.reset(1);
        assertEquals(0, b.filled(1));
        step(b, 1, 4);
        b.retain(Set.of(1));
        assertEquals(0, b.filled(0), "policy 0 went away with a hotplug");
        assertEquals(1, b.filled(1));
        float[] rows = new float[4 * W];
        float[] mask = new float[4];
        b.copyInto(0, rows, mask, 0, 4, W);
        assertArrayEquals(new float[4], mask, "unknown policy: all padding");
    }

    @Test
    void rewardStatisticsCoverTheHeldRows() {
        TrajectoryBuffer b = new TrajectoryBuffer(3, F, A);
        assertTrue(Double.isNaN(b.recentRewardMean(0)));
        for (int s = 1; s <= 5; s++) {
            step(b, 0, s); // rewards 0.1 .. 0.5; rows held: 0.3, 0.4, 0.5
        }
        assertEquals(0.4, b.recentRewardMean(0), 1e-6);
        assertEquals(Math.sqrt((0.01 + 0 + 0.01) / 3), b.recentRewardStd(0), 1e-6);
    }

    @Test
    void badInputsAreRefused() {
        TrajectoryBuffer b = new TrajectoryBuffer(3, F, A);
        assertThrows(IllegalArgumentException.class, () -> b.append(0, new float[3], 0, 0));
        assertThrows(IllegalArgumentException.class, () -> b.append(0, new float[F], A, 0));
        assertThrows(IllegalArgumentException.class, () -> b.copyInto(0, new float[30], new float[3], 0, 3, W + 1));
    }
}
