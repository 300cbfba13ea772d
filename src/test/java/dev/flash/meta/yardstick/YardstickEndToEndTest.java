package dev.flash.meta.yardstick;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.flash.meta.ApplicationSet;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.HiddenTargetEnvironment;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.PpoTrainer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole yardstick on a toy population ({@link HiddenTargetEnvironment}): each application
 * rewards one hidden action, which only the trajectory reveals. Small enough for the suite; checks what must hold whatever the
 * networks learn, and that experts come from the cache the second time.
 */
class YardstickEndToEndTest {

    static final int ACTIONS = HiddenTargetEnvironment.ACTIONS;
    static final int EPISODE = HiddenTargetEnvironment.EPISODE_STEPS;

    /** Action 0 every step: never a held-out application's target, so it scores 0. */
    static final DoNothing DO_NOTHING = new DoNothing(0, 0.05, "action 0");

    static ApplicationSet population() {
        return HiddenTargetEnvironment.applications(6, 2);
    }

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    private static PpoConfig training(int iterations) {
        return PpoConfig.defaults().withIterations(iterations).withRollout(6, 16, 2).withLearningRate(3e-3, true)
                .withSeed(5);
    }

    private static byte[] weights(FlashAgentNetwork net) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            net.writeWeights(out);
        }
        return b.toByteArray();
    }

    @Test
    void measuresEveryContestantAgainstCachedExperts(@TempDir Path dir) throws IOException {
        ApplicationSet apps = population();
        int rows = 4;
        Budget budget = new Budget(8 * EPISODE, EPISODE, EPISODE, 2);
        PpoConfig online = training(1).withRollout(1, EPISODE, 1).withLearningRate(1e-3, false);
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig flashCfg = NetworkConfig.rl(2, ACTIONS, rows, NetworkConfig.EncoderType.SET, 8);
            FlashAgentNetwork flash = FlashAgentNetwork.create(flashCfg, m, 5);
            new PpoTrainer(flash, training(12)).train(apps, null);
            NetworkConfig baseCfg = flashCfg.withContextLength(0);
            FlashAgentNetwork base = FlashAgentNetwork.create(baseCfg, m, 5);
            new PpoTrainer(base, training(6)).train(apps, null);
            NetworkConfig historyCfg = NetworkConfig.rl(HistoryStacking.observationSize(2, ACTIONS, rows), ACTIONS, 0,
                    NetworkConfig.EncoderType.SET, 8);
            FlashAgentNetwork history = FlashAgentNetwork.create(historyCfg, m, 5);
            ApplicationSet stacked = ApplicationSet.of(List.of("train-0", "train-1", "train-2"), List.of(),
                    (split, index, seed) -> new HistoryStacking(apps.environment(split, index, seed), rows));
            new PpoTrainer(history, training(6)).train(stacked, null);
            byte[] flashBefore = weights(flash);

            FineTuneSweep.Result sweep = FineTuneSweep.choose(apps, 2, base, online,
                    List.of(new FineTuneSweep.Setting(1e-3, false), new FineTuneSweep.Setting(3e-3, true)), budget, 5,
                    m, null);
            assertEquals(2, sweep.scores().length);
            PpoConfig rule = online.withLearningRate(sweep.chosen().learningRate(), sweep.chosen().anneal());
            List<Contestant> contestants = List.of(Contestant.flash(flash, rule, EPISODE),
                    Contestant.transfer(base, rule), Contestant.history(history, rows, rule),
                    Contestant.frozenFlash(flash, rule, EPISODE));
            PlateauRule plateau = new PlateauRule(0.01, 10 * budget.onlineSteps(), 20 * budget.onlineSteps(),
                    2 * budget.onlineSteps());
            PpoConfig expertPpo = training(1).withLearningRate(3e-3, false);
            ExpertCache cache = new ExpertCache(dir, false);
            Yardstick.Experts experts = Yardstick.cachedExperts(apps, cache, i -> ExpertCache.key("toy", "" + i),
                    baseCfg, expertPpo, plateau, DO_NOTHING, budget, 5, m, null);
            Yardstick.Report r = Yardstick.measure(apps, 5, contestants, experts, budget, 5, m, null);

            assertEquals(2, r.apps().size(), "no more applications than the held-out split has");
            assertArrayEquals(flashBefore, weights(flash), "contestants work on copies");
            for (Yardstick.AppResult a : r.apps()) {
                ConvergedExpert.Expert e = a.expert();
                assertTrue(e.steps() >= plateau.minSteps() || !e.converged());
                assertTrue(e.steps() <= plateau.maxSteps());
                assertFalse(e.failed(), "the hidden action is learnable: the expert beats doing nothing");
                assertEquals(0, e.doNothingReward(), 1e-12);
                for (Contestant c : contestants) {
                    AdaptationCost cost = a.costs().get(c.name());
                    EvaluatedCurve curve = a.curves().get(c.name());
                    assertArrayEquals(budget.points(), curve.steps());
                    assertEquals(cost.censored(), curve.reward()[curve.reward().length - 1]
                            < e.rewardPerStep() - 0.05 * Math.abs(e.rewardPerStep()));
                    assertTrue(cost.steps() <= budget.onlineSteps());
                    assertTrue(cost.steps() >= c.fillSteps());
                }
            }
            for (Yardstick.AppResult a : r.apps()) {
                // FLASH's start is its deployed weights with one episode of context: the online
                // learner has not updated yet, so it is the frozen deployment's start exactly.
                assertEquals(a.starts().get("flash-frozen"), a.starts().get("flash"), 1e-9);
                assertEquals(a.curves().get("transfer").at(0), a.starts().get("transfer"), 1e-12);
            }
            assertEquals(2, cache.builds());
            JsonObject json = r.toJson();
            for (String k : List.of("reward_gap_flash", "reward_gap_transfer", "reward_gap_history",
                    "adaptation_cost_flash_steps", "adaptation_cost_transfer_steps", "censored_flash",
                    "censored_transfer")) {
                assertTrue(json.has(k), k);
            }
            assertEquals(2, json.getAsJsonArray("per_app").size());

            ExpertCache again = new ExpertCache(dir, false);
            Yardstick.Experts cached = Yardstick.cachedExperts(apps, again, i -> ExpertCache.key("toy", "" + i),
                    baseCfg, expertPpo, plateau, DO_NOTHING, budget, 5, m, null);
            assertEquals(r.apps().get(1).expert().rewardPerStep(), cached.of(1).rewardPerStep());
            assertEquals(0, again.builds());
            assertEquals(1, again.hits());
        }
    }

    @Test
    void onlineLearningWithAFrozenEncoderMovesOnlyTheBaseLearner() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig cfg = NetworkConfig.rl(2, ACTIONS, 4, NetworkConfig.EncoderType.SET, 8);
            FlashAgentNetwork net = FlashAgentNetwork.create(cfg, m, 9);
            List<float[]> before = params(net, true);
            List<float[]> actorBefore = params(net, false);
            PpoTrainer learner = new PpoTrainer(net, training(1).withRollout(1, EPISODE, 1).withLearningRate(1e-2,
                    false)).freezeParameters(n -> n.contains("encoder"));
            long[] seen = new long[3];
            int[] calls = {0};
            assertNull(learner.lastOnlineUpdate(), "no update yet");
            long played = learner.learnOnline(population().environment(ApplicationSet.Split.TEST, 0, 1), 3 * EPISODE,
                    learner.newContext(), true, s -> seen[Math.min(2, calls[0]++)] = s, null);
            assertEquals(3 * EPISODE, played);
            // the last update's own statistics, for diagnosis: {pg, v, entropy, KL, clip fraction, imitation}
            double[] stats = learner.lastOnlineUpdate();
            assertEquals(6, stats.length);
            assertTrue(stats[3] >= -1e-6 && Double.isFinite(stats[3]), "approximate KL " + stats[3]);
            assertTrue(stats[4] >= 0 && stats[4] <= 1, "clip fraction " + stats[4]);
            assertEquals(4, calls[0], "before each of the 3 rollouts and once at the end");
            List<float[]> after = params(net, true);
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(before.get(i), after.get(i), "encoder parameter " + i + " moved");
            }
            List<float[]> actorAfter = params(net, false);
            boolean moved = false;
            for (int i = 0; i < actorBefore.size(); i++) {
                moved |= !java.util.Arrays.equals(actorBefore.get(i), actorAfter.get(i));
            }
            assertTrue(moved, "the base learner learned nothing");
            assertFalse(before.isEmpty());
        }
    }

    private static List<float[]> params(FlashAgentNetwork net, boolean encoder) {
        List<float[]> out = new ArrayList<>();
        for (var p : net.getParameters()) {
            if (p.getKey().contains("encoder") == encoder) {
                out.add(p.getValue().getArray().toFloatArray());
            }
        }
        return out;
    }
}
