package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prioritized application sampling inside a real PPO run: the application whose rollouts carry
 * the largest positive advantages (here: the one paying ten times the reward, so everything the
 * agent learns there is worth ten times more) is drawn more often than a uniform draw would.
 */
class PrioritizedTrainingTest {

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    private static final int APPS = 20;
    private static final int RARE = APPS - 1;
    private static final int ITERATIONS = 24;

    /** Steps played on each training application; the last one pays 10 per right action, the others 1. */
    private static long[] stepsPerApplication(ApplicationSampling sampling) {
        long[] steps = new long[APPS];
        List<String> train = new ArrayList<>();
        for (int i = 0; i < APPS; i++) {
            train.add("train-" + i);
        }
        ApplicationSet apps = ApplicationSet.of(train, List.of(), (split, index, seed) -> {
            RlEnvironment env = new HiddenTargetEnvironment(index % HiddenTargetEnvironment.ACTIONS);
            return new Counting(env, steps, index, index == RARE ? 10f : 1f);
        });
        PpoConfig cfg = PpoConfig.defaults().withIterations(ITERATIONS).withRollout(4, 32, 4)
                .withLearningRate(3e-3, true).withSeed(5).withSampling(sampling);
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig net = NetworkConfig.rl(2, HiddenTargetEnvironment.ACTIONS, 8, NetworkConfig.EncoderType.SET, 16);
            new PpoTrainer(FlashAgentNetwork.create(net, m, 5), cfg).train(apps, null);
        }
        return steps;
    }

    @Test
    void theApplicationWithTheLargestAdvantagesIsReplayedMoreThanUniformly() {
        long[] uniform = stepsPerApplication(ApplicationSampling.UNIFORM);
        long[] prioritized = stepsPerApplication(ApplicationSampling.prioritized(0.3, 0.3));
        long total = ITERATIONS * 4L * 32;
        assertEquals(total, java.util.Arrays.stream(uniform).sum());
        assertEquals(total, java.util.Arrays.stream(prioritized).sum());
        System.out.printf("high-stakes application's steps: uniform %d, prioritized %d of %d%n", uniform[RARE],
                prioritized[RARE], total);
        assertTrue(prioritized[RARE] > 2 * uniform[RARE],
                "prioritized " + prioritized[RARE] + " vs uniform " + uniform[RARE] + " steps on the high-stakes application");
    }

    /** Counts the steps played on each application and scales its reward. */
    private record Counting(RlEnvironment env, long[] steps, int index, float scale) implements RlEnvironment {
        @Override
        public int observationSize() {
            return env.observationSize();
        }

        @Override
        public int actionCount() {
            return env.actionCount();
        }

        @Override
        public float[] reset() {
            return env.reset();
        }

        @Override
        public Step step(int action) {
            steps[index]++;
            Step s = env.step(action);
            return new Step(s.observation(), s.reward() * scale, s.contextReward() * scale, s.done());
        }
    }
}
