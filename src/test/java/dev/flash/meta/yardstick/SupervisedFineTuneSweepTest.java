package dev.flash.meta.yardstick;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.flash.meta.Djl;
import dev.flash.meta.Episode;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.ShotDraw;
import dev.flash.meta.SupervisedTask;
import dev.flash.meta.SupervisedTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transfer learning's sweep on tasks y = slope * x whose slope only the task's own examples
 * reveal: a network without context cannot know it, so fine-tuning on the shots must win the
 * sweep over no fine-tuning, and the winner must be the candidate of the lowest error.
 */
class SupervisedFineTuneSweepTest {

    record Line(String name, double slope, float[] x) implements SupervisedTask {
        @Override
        public int size() {
            return x.length;
        }
    }

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    static List<Line> lines(int n, long seed) {
        Random r = new Random(seed);
        List<Line> out = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            float[] x = new float[10];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() * 2 - 1);
            }
            out.add(new Line("line" + t, r.nextBoolean() ? 1.5 : -1.5, x));
        }
        return out;
    }

    static Episode episode(Line t, int[] rows) {
        float[] state = new float[rows.length];
        float[] target = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            state[i] = t.x()[rows[i]];
            target[i] = (float) (t.slope() * state[i]);
        }
        return new Episode(rows.length, state, new float[0], new float[0], target);
    }

    static double error(FlashAgentNetwork net, Line t, ShotDraw d) {
        return SupervisedTrainer.loss(net, List.of(episode(t, d.queries())));
    }

    SupervisedFineTuneSweep.Result sweep(NDManager m) {
        FlashAgentNetwork net = FlashAgentNetwork.create(
                NetworkConfig.regression(1, 0, 0, NetworkConfig.EncoderType.SET, 8), m, 3);
        SupervisedTrainer.train(net, new SupervisedTrainer.Config(100, 8, new int[] {2}, 8, 3e-3, 25, 4, 1, 5),
                lines(20, 1), List.of(), (t, d) -> episode(t, d.queries()), s -> { });
        return SupervisedFineTuneSweep.choose(net, lines(4, 2), new int[] {2, 3}, 2,
                SupervisedFineTuneSweep.defaultGrid(), (t, d) -> List.of(episode(t, d.shots())),
                SupervisedFineTuneSweepTest::error, 11);
    }

    @Test
    void fineTuningWinsWhenOnlyTheTasksOwnExamplesRevealIt() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            SupervisedFineTuneSweep.Result r = sweep(m);
            int chosen = r.candidates().indexOf(r.chosen());
            for (double e : r.errors()) {
                assertTrue(r.errors()[chosen] <= e);
            }
            assertEquals(0, r.candidates().get(0).steps(), "no fine-tuning is a candidate");
            assertTrue(r.chosen().steps() > 0, r.chosen().label());
            assertTrue(r.errors()[chosen] < 0.5 * r.errors()[0], r.errors()[chosen] + " vs " + r.errors()[0]);
            // the same draws for every candidate, and for a second sweep of the same seed
            assertArrayEquals(r.errors(), sweep(m).errors(), 1e-6);
        }
    }

    @Test
    void theShrinkageIsTheLeastSquaresScaleClippedToZeroAndOne() {
        Episode e = new Episode(3, new float[3], new float[0], new float[0], new float[] {1, 2, 3});
        assertEquals(0.5, SupervisedTrainer.outputShrinkage(List.of(e), List.of(new float[] {2, 4, 6})), 1e-9);
        assertEquals(0, SupervisedTrainer.outputShrinkage(List.of(e), List.of(new float[] {-1, -2, -3})), 1e-9);
        assertEquals(1, SupervisedTrainer.outputShrinkage(List.of(e), List.of(new float[] {0.1f, 0.2f, 0.3f})), 1e-9);
        assertEquals(0, SupervisedTrainer.outputShrinkage(List.of(e), List.of(new float[3])), 1e-9);
    }
}
