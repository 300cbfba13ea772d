package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The evaluation hooks of snapshot evaluation: fixed-episode greedy evaluation, fine-tuning snapshots, context copies. */
class PolicyEvaluationTest {

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    private static NetworkConfig config(int context) {
        return NetworkConfig.rl(2, HiddenTargetEnvironment.ACTIONS, context, NetworkConfig.EncoderType.SET, 8);
    }

    @Test
    void greedyEvaluationPlaysTheGivenEpisodesAndLeavesTheContextAlone() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = FlashAgentNetwork.create(config(4), m, 5);
            ContextBuffer ctx = new ContextBuffer(4, 2, HiddenTargetEnvironment.ACTIONS, ContextBuffer.Mode.LATEST, 1);
            ctx.add(new float[] {0.5f, 1f}, 2, 1f);
            List<Integer> asked = new ArrayList<>();
            List<Double> first = PpoTrainer.evaluateGreedy(net, j -> {
                asked.add(j);
                return new HiddenTargetEnvironment(j % HiddenTargetEnvironment.ACTIONS);
            }, 3, ctx);
            assertEquals(List.of(0, 1, 2), asked, "one fresh environment per evaluation episode, by index");
            assertEquals(3, first.size());
            assertEquals(1, ctx.filled(), "the caller's context is not changed by the evaluation");
            List<Double> again = PpoTrainer.evaluateGreedy(net,
                    j -> new HiddenTargetEnvironment(j % HiddenTargetEnvironment.ACTIONS), 3, ctx);
            assertEquals(first, again, "argmax on the same episodes from the same context: the same rewards");
        }
    }

    @Test
    void batchedLanesScoreEachStartingContextAsIfItRanAlone() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = FlashAgentNetwork.create(config(4), m, 11);
            java.util.function.IntFunction<RlEnvironment> envs = j -> new HiddenTargetEnvironment(j % HiddenTargetEnvironment.ACTIONS);
            List<ContextBuffer> starts = new ArrayList<>();
            for (int b = 0; b < 5; b++) {
                ContextBuffer ctx = new ContextBuffer(4, 2, HiddenTargetEnvironment.ACTIONS, ContextBuffer.Mode.LATEST, 1);
                for (int r = 0; r < b; r++) { // 0 to 4 rows, each start different
                    ctx.add(new float[] {0.1f * r, 1f}, (b + r) % HiddenTargetEnvironment.ACTIONS, r % 2);
                }
                starts.add(ctx);
            }
            double[][] together = PpoTrainer.evaluateGreedy(net, envs, 6, starts);
            assertEquals(5, together.length);
            for (int b = 0; b < starts.size(); b++) {
                List<Double> alone = PpoTrainer.evaluateGreedy(net, envs, 6, starts.get(b));
                assertEquals(alone, java.util.Arrays.stream(together[b]).boxed().toList(),
                        "start " + b + ": its own episodes, its own rolling context");
                assertEquals(b, starts.get(b).filled(), "the caller's context is left as it was");
            }
        }
    }

    @Test
    void withoutContextEveryEpisodeIsItsOwnLane() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = FlashAgentNetwork.create(config(0), m, 3);
            java.util.function.IntFunction<RlEnvironment> envs = j -> new HiddenTargetEnvironment(j % HiddenTargetEnvironment.ACTIONS);
            double[] all = PpoTrainer.evaluateGreedy(net, envs, 4, java.util.Collections.singletonList(null))[0];
            for (int j = 0; j < 4; j++) {
                int episode = j;
                double alone = PpoTrainer.evaluateGreedy(net, i -> envs.apply(episode), 1,
                        java.util.Collections.singletonList(null))[0][0];
                assertEquals(alone, all[j], "episode " + j + " played on its own environment");
            }
        }
    }

    @Test
    void contextCopyIsIndependent() {
        ContextBuffer ctx = new ContextBuffer(3, 2, 4, ContextBuffer.Mode.TOP_EPISODES, 1);
        ctx.add(new float[] {1f, 1f}, 0, 1f);
        ctx.endEpisode(1.0);
        ContextBuffer copy = ctx.copy();
        copy.add(new float[] {2f, 2f}, 1, 0f);
        copy.add(new float[] {3f, 3f}, 1, 0f);
        copy.endEpisode(5.0);
        assertEquals(1, ctx.filled());
        assertEquals(2, copy.filled(), "the copy kept its own better episode");
        float[] rows = new float[3 * ctx.width()];
        float[] mask = new float[3];
        ctx.copyInto(rows, mask, 0);
        assertEquals(1f, rows[2 * ctx.width()], "the original still holds its own row");
    }

    @Test
    void fineTuneCallsTheHookBeforeEveryRolloutWithTheStepsPlayed() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = FlashAgentNetwork.create(config(0), m, 5);
            PpoConfig cfg = PpoConfig.defaults().withRollout(1, 16, 2).withSeed(9);
            List<Long> calls = new ArrayList<>();
            AdaptationResult r = new PpoTrainer(net, cfg).fineTune(new HiddenTargetEnvironment(1), 6, calls::add);
            // 6 episodes of 8 steps = 48 steps = 3 rollouts of 16; updates after the first two
            assertEquals(List.of(0L, 16L, 32L), calls);
            assertEquals(6, r.episodeRewards().size());
            assertEquals(2, r.updates());
        }
    }
}
