package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The supervised trainer on tasks only a context can tell apart: y = slope * x with a slope
 * hidden per task. A network that sees the shots must beat one that does not, and what early
 * stopping keeps must be the best validation loss it saw.
 */
class SupervisedTrainerTest {

    record SlopeTask(String name, double slope, float[] x) implements SupervisedTask {
        @Override
        public int size() {
            return x.length;
        }

        float y(int i) {
            return (float) (slope * x[i]);
        }
    }

    static final int SHOTS = 2;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    static List<SlopeTask> tasks(int n, long seed) {
        Random r = new Random(seed);
        List<SlopeTask> out = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            float[] x = new float[12];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() * 2 - 1);
            }
            out.add(new SlopeTask("t" + t, r.nextBoolean() ? 1.5 : -1.5, x));
        }
        return out;
    }

    /** state = x of the query; context row = (x, y) of a shot. */
    static Episode episode(SlopeTask t, ShotDraw d, boolean context) {
        float[] state = new float[d.queries().length];
        float[] target = new float[state.length];
        for (int i = 0; i < state.length; i++) {
            state[i] = t.x()[d.queries()[i]];
            target[i] = t.y(d.queries()[i]);
        }
        float[] ctx = new float[context ? SHOTS * 2 : 0];
        float[] mask = new float[context ? SHOTS : 0];
        for (int s = 0; context && s < d.k(); s++) {
            ctx[2 * s] = t.x()[d.shots()[s]];
            ctx[2 * s + 1] = t.y(d.shots()[s]);
            mask[s] = 1;
        }
        return new Episode(state.length, state, ctx, mask, target);
    }

    static final SupervisedTrainer.Config CONFIG =
            new SupervisedTrainer.Config(300, 8, new int[] {1, 2}, 8, 3e-3, 25, 4, 2, 5);

    double trained(boolean context, List<SlopeTask> validation, NDManager m) {
        NetworkConfig c = NetworkConfig.regression(1, context ? SHOTS : 0, 2, NetworkConfig.EncoderType.SET, 8)
                .withEncoder(NetworkConfig.EncoderType.SET, 16, 8);
        FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 5);
        SupervisedTrainer.Result r = SupervisedTrainer.train(net, CONFIG, tasks(40, 1), validation,
                (t, d) -> episode(t, d, context), step -> { });
        assertEquals(r.valLoss().stream().mapToDouble(Double::doubleValue).min().orElseThrow(), r.bestValLoss(), 1e-9);
        List<Episode> fresh = new ArrayList<>();
        Random rng = new Random(9);
        for (SlopeTask t : validation) {
            fresh.add(episode(t, ShotSampler.draw(t.size(), SHOTS, 0, rng), context));
        }
        return SupervisedTrainer.loss(net, fresh);
    }

    @Test
    void theShotContextBeatsNoContextWhenTasksDifferByAHiddenSlope() {
        List<SlopeTask> validation = tasks(8, 2);
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            double withContext = trained(true, validation, m);
            double without = trained(false, validation, m);
            // without a context the best guess of y is 0 (slopes +-1.5 equally likely): MSE ~ 0.75
            assertTrue(without > 0.4, "no-context MSE " + without);
            assertTrue(withContext < 0.5 * without, "context MSE " + withContext + " vs " + without);
        }
    }

    @Test
    void fineTuningOnATasksOwnShotsLowersItsError() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = NetworkConfig.regression(1, 0, 0, NetworkConfig.EncoderType.SET, 8);
            FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 3);
            SlopeTask t = tasks(1, 4).get(0);
            Episode all = episode(t, new ShotDraw(new int[] {0}, java.util.stream.IntStream.range(1, 12).toArray()),
                    false);
            double before = SupervisedTrainer.loss(net, List.of(all));
            SupervisedTrainer.fineTune(net, List.of(all), 100, 1e-2);
            assertTrue(SupervisedTrainer.loss(net, List.of(all)) < 0.2 * before);
        }
    }

    @Test
    void refusesAnRlNetwork() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork rl = FlashAgentNetwork.create(NetworkConfig.rl(2, 2, 0, NetworkConfig.EncoderType.SET, 4),
                    m, 1);
            assertThrows(IllegalArgumentException.class, () -> SupervisedTrainer.train(rl, CONFIG, tasks(2, 1),
                    List.of(), (t, d) -> episode(t, d, false), s -> { }));
        }
    }
}
