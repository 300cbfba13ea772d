package dev.flash.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ContextRingTest {

    static final int F = 2;
    static final int A = 3;
    static final int W = F + A + 1;

    /** Transition s: state (s, -s), action s % A, reward s / 10. */
    static void step(ContextRing r, int s) {
        r.add(new float[] {s, -s}, s % A, s / 10f);
    }

    static float[] expectedRow(int s) {
        float[] row = new float[W];
        row[0] = s;
        row[1] = -s;
        row[F + s % A] = 1f;
        row[W - 1] = s / 10f;
        return row;
    }

    /** The mean of transitions from..to (inclusive), summed oldest first as the ring sums. */
    static float[] meanRow(int from, int to) {
        float[] sum = new float[W];
        for (int s = from; s <= to; s++) {
            float[] r = expectedRow(s);
            for (int k = 0; k < W; k++) {
                sum[k] += r[k];
            }
        }
        for (int k = 0; k < W; k++) {
            sum[k] /= (float) (to - from + 1);
        }
        return sum;
    }

    static float[] row(float[] rows, int index) {
        return Arrays.copyOfRange(rows, index * W, (index + 1) * W);
    }

    @Test
    void layoutsParseValidateAndPrintTheirKey() {
        ContextLayout l = ContextLayout.parse(" 1,1, 2,4 ");
        assertEquals(4, l.rows());
        assertEquals(8, l.horizon());
        assertEquals("1,1,2,4", l.key());
        assertFalse(l.isFlat());
        assertEquals(l, ContextLayout.parse(l.key()));
        assertTrue(ContextLayout.flat(4).isFlat());
        assertEquals("1,1,1,1", ContextLayout.flat(4).key());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ContextLayout.parse("1,x,2")).getMessage()
                .contains("'x'"));
        assertThrows(IllegalArgumentException.class, () -> ContextLayout.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ContextLayout.parse("1,,2"));
        assertThrows(IllegalArgumentException.class, () -> ContextLayout.parse("1,0"));
        assertThrows(IllegalArgumentException.class, () -> ContextLayout.parse("1,-2"));
        assertThrows(IllegalArgumentException.class, () -> ContextLayout.of(1, ContextLayout.MAX_WINDOW + 1));
    }

    @Test
    void flatLayoutGivesTheLastTransitionsAsTheyWere() {
        ContextRing r = new ContextRing(ContextLayout.flat(3), F, A);
        for (int s = 1; s <= 5; s++) {
            step(r, s);
        }
        float[] rows = new float[3 * W];
        float[] mask = new float[3];
        r.copyInto(rows, mask, 0);
        assertArrayEquals(new float[] {1, 1, 1}, mask);
        assertArrayEquals(expectedRow(3), row(rows, 0));
        assertArrayEquals(expectedRow(5), row(rows, 2));
        assertEquals(3, r.rowsFilled());
    }

    @Test
    void windowsAverageTheirTransitionsNewestRowLast() {
        ContextRing r = new ContextRing(ContextLayout.of(1, 1, 2, 4), F, A);
        for (int s = 1; s <= 11; s++) { // 11 transitions through an 8-transition horizon: the ring wraps
            step(r, s);
        }
        float[] rows = new float[4 * W];
        float[] mask = new float[4];
        r.copyInto(rows, mask, 0);
        assertArrayEquals(new float[] {1, 1, 1, 1}, mask);
        assertArrayEquals(expectedRow(11), row(rows, 3), "newest row: the last transition");
        assertArrayEquals(expectedRow(10), row(rows, 2));
        assertArrayEquals(meanRow(8, 9), row(rows, 1), "the mean of the 2 before");
        assertArrayEquals(meanRow(4, 7), row(rows, 0), "oldest row: the mean of the 4 before those");
        float[] actions = Arrays.copyOfRange(row(rows, 0), F, F + A);
        assertEquals(1f, actions[0] + actions[1] + actions[2], 1e-6, "a window's action columns are a distribution");
    }

    @Test
    void partlyFilledWindowsAverageWhatTheyHoldAndOlderOnesArePadding() {
        ContextRing r = new ContextRing(ContextLayout.of(1, 1, 2, 4), F, A);
        for (int s = 1; s <= 3; s++) {
            step(r, s);
        }
        float[] rows = new float[5 * W];
        float[] mask = new float[5];
        Arrays.fill(rows, 9f);
        Arrays.fill(mask, 9f);
        r.copyInto(rows, mask, 1); // offset: the row before is left alone
        assertArrayEquals(new float[] {9, 0, 1, 1, 1}, mask);
        assertArrayEquals(new float[W], row(rows, 1), "the 4-window holds nothing yet: zero padding");
        assertArrayEquals(expectedRow(1), row(rows, 2), "the 2-window holds one transition: that one");
        assertArrayEquals(expectedRow(3), row(rows, 4));
        assertEquals(3, r.rowsFilled());
        r.reset();
        assertEquals(0, r.rowsFilled());
    }

    @Test
    void copiesAreIndependentAndRewardStatisticsCoverTheHorizon() {
        ContextRing r = new ContextRing(ContextLayout.of(1, 3), F, A);
        step(r, 1);
        step(r, 2);
        ContextRing c = r.copy();
        step(r, 3);
        assertEquals(2, c.held());
        assertEquals(3, r.held());
        assertEquals(0.2, r.rewardMean(), 1e-6);
        assertTrue(Double.isNaN(new ContextRing(ContextLayout.flat(2), F, A).rewardMean()));
        r.add(new float[] {0, 0}, -1, 0f); // a rule controller's step: no action column set
        float[] rows = new float[2 * W];
        r.copyInto(rows, new float[2], 0);
        assertArrayEquals(new float[W], row(rows, 1));
    }
}
