package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** FLASH's context lets an agent find a held-out application's hidden rewarded action; PPO alone cannot. */
class FlashSmokeTest {

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    static final int CONTEXT = 8;

    private static PpoConfig config(int iterations) {
        return PpoConfig.defaults().withIterations(iterations).withRollout(8, 32, 4)
                .withLearningRate(3e-3, true).withSeed(3);
    }

    private static double heldOut(FlashAgentNetwork net, ApplicationSet apps, int episodes) {
        double sum = 0;
        int n = apps.size(ApplicationSet.Split.TEST);
        for (int i = 0; i < n; i++) {
            ContextBuffer ctx = new ContextBuffer(net.config().contextLength(), 2, HiddenTargetEnvironment.ACTIONS,
                    ContextBuffer.Mode.LATEST, 1);
            AdaptationResult r = PpoTrainer.adaptFrozen(net, apps.environment(ApplicationSet.Split.TEST, i, i),
                    episodes, false, ctx, 100 + i);
            assertEquals(episodes, r.episodeRewards().size());
            assertEquals(0, r.updates());
            sum += r.meanEpisodeReward();
        }
        return sum / n;
    }

    @Test
    void flashBeatsPlainPpoOnHeldOutApplications() {
        ApplicationSet apps = HiddenTargetEnvironment.applications(8, 4);
        int iterations = 40;
        long t0 = System.nanoTime();
        double flash;
        double plain;
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig withContext = NetworkConfig.rl(2, HiddenTargetEnvironment.ACTIONS, CONTEXT,
                    NetworkConfig.EncoderType.SET, 32);
            FlashAgentNetwork net = FlashAgentNetwork.create(withContext, m, 3);
            List<IterationMetrics> hist = new PpoTrainer(net, config(iterations)).train(apps, null);
            assertEquals(iterations, hist.size());
            System.out.printf("flash train: first %.2f last %.2f (%.1fs)%n", hist.get(0).stepRewardMean(),
                    hist.get(iterations - 1).stepRewardMean(), (System.nanoTime() - t0) / 1e9);
            flash = heldOut(net, apps, 3);

            FlashAgentNetwork base = FlashAgentNetwork.create(withContext.withContextLength(0), m, 3);
            // Without context no policy can beat the most common target (2 of 8 per episode): train it briefly.
            new PpoTrainer(base, config(iterations / 2)).train(apps, null);
            plain = heldOut(base, apps, 3);
        }
        System.out.printf("held-out mean episode reward: FLASH %.2f, plain PPO %.2f (%.1fs)%n", flash, plain,
                (System.nanoTime() - t0) / 1e9);
        assertTrue(flash > plain + 2.0, "FLASH " + flash + " should beat plain PPO " + plain);
    }
}
