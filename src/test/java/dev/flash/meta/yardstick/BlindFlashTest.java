package dev.flash.meta.yardstick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import dev.flash.meta.ApplicationSet;
import dev.flash.meta.ContextBuffer;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.HiddenTargetEnvironment;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.PpoTrainer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FLASH without its context ({@link Contestant#blindFlash}): the same weights, every row masked at
 * every step, nothing learning online. Its curve cannot move (nothing it plays is remembered) and
 * its start is the network evaluated with an empty context; it has no context to fill.
 */
class BlindFlashTest {

    static final int EPISODE = HiddenTargetEnvironment.EPISODE_STEPS;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    @Test
    void blindFlashPlaysTheSameWeightsWithAnEmptyContextAndNeverMoves() {
        ApplicationSet apps = HiddenTargetEnvironment.applications(6, 2);
        Budget budget = new Budget(6 * EPISODE, EPISODE, EPISODE, 2);
        PpoConfig online = PpoConfig.defaults().withIterations(1).withRollout(1, EPISODE, 1)
                .withLearningRate(1e-2, false).withSeed(5);
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig cfg = NetworkConfig.rl(2, HiddenTargetEnvironment.ACTIONS, 4, NetworkConfig.EncoderType.SET, 8);
            FlashAgentNetwork flash = FlashAgentNetwork.create(cfg, m, 5);
            new PpoTrainer(flash, PpoConfig.defaults().withIterations(8).withRollout(6, 16, 2)
                    .withLearningRate(3e-3, true).withSeed(5)).train(apps, null);
            Contestant blind = Contestant.blindFlash(flash, online);
            assertEquals(0, blind.fillSteps(), "nothing to fill");
            assertEquals(0, blind.startSteps());

            Contestant.Run run = Yardstick.run(blind, apps, ApplicationSet.Split.TEST, 0, budget, 5, m);
            double[] r = run.curve().reward();
            for (double v : r) {
                assertEquals(r[0], v, 1e-9, "a blind, frozen policy cannot move");
            }
            double empty = EvaluatedCurve.point(PpoTrainer.evaluateGreedy(flash,
                    Yardstick.evaluationEpisodes(apps, ApplicationSet.Split.TEST, 0, 5), budget.evalEpisodes(),
                    List.of(new ContextBuffer(0, cfg.stateSize(), cfg.actionCount(), ContextBuffer.Mode.LATEST, 1)))[0],
                    budget.episodeSteps())[0];
            assertEquals(empty, run.startReward(), 1e-9);

            FlashAgentNetwork base = FlashAgentNetwork.create(cfg.withContextLength(0), m, 5);
            assertThrows(IllegalArgumentException.class, () -> Contestant.blindFlash(base, online));
        }
    }
}
