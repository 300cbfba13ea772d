package dev.flash.meta.yardstick;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flash.meta.RlEnvironment;
import org.junit.jupiter.api.Test;

/** The history baseline sees exactly the raw rows FLASH's context holds, stacked into its input. */
class HistoryStackingTest {

    /** Observation {t, 10 t}; reward = action; context reward = -action; episodes of 3 steps. */
    static final class Counting implements RlEnvironment {
        int t;

        @Override
        public int observationSize() {
            return 2;
        }

        @Override
        public int actionCount() {
            return 3;
        }

        @Override
        public float[] reset() {
            t = 0;
            return new float[] {0, 0};
        }

        @Override
        public Step step(int action) {
            t++;
            return new Step(new float[] {t, 10 * t}, action, -action, t >= 3);
        }
    }

    @Test
    void rowsHoldStateActionAndContextRewardRightAlignedWithAFilledFlag() {
        HistoryStacking env = new HistoryStacking(new Counting(), 2);
        assertEquals(2 + 2 * (2 + 3 + 1) + 2, env.observationSize());
        float[] o0 = env.reset();
        assertEquals(env.observationSize(), o0.length);
        assertArrayEquals(new float[env.observationSize() - 2], java.util.Arrays.copyOfRange(o0, 2, o0.length),
                "an empty history is all zeros");
        float[] o1 = env.step(2).observation();
        // row 0 padding, row 1 = (state {0,0}, one-hot action 2, context reward -2); mask {0, 1}.
        float[] expected = {1, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -2, 0, 1};
        assertArrayEquals(expected, o1);
        float[] o2 = env.step(1).observation();
        float[] expected2 = {2, 20, 0, 0, 0, 0, 1, -2, 1, 10, 0, 1, 0, -1, 1, 1};
        assertArrayEquals(expected2, o2);
    }

    @Test
    void theHistoryRollsOnAcrossEpisodesOfOneWrapperAndAFreshWrapperStartsEmpty() {
        HistoryStacking env = new HistoryStacking(new Counting(), 2);
        env.reset();
        env.step(0);
        env.step(0);
        RlEnvironment.Step last = env.step(1);
        assertEquals(true, last.done());
        float[] next = env.reset();
        assertEquals(1f, next[next.length - 1], "the last row is still there after reset");
        float[] fresh = HistoryStacking.episodes(j -> new Counting(), 2).apply(0).reset();
        assertEquals(0f, fresh[fresh.length - 1]);
        assertThrows(IllegalArgumentException.class, () -> new HistoryStacking(new Counting(), 0));
    }
}
