package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Behaviour cloning ({@link PpoTrainer#imitate}) and the imitation term PPO keeps after it
 * ({@link PpoTrainer#imitationWeight}), on a toy environment whose expert is a fixed rule of the
 * observation: action = the third of [0, 1) the observation's first value falls in. The reward
 * pays only action 3, which the expert never takes, so what the policy learns of the rule it
 * learns from the labels.
 */
class ImitationTest {

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    static final int ACTIONS = 4;

    static int rule(float x) {
        return Math.min(2, (int) (x * 3));
    }

    /** Observation [x, 1] with x uniform in [0, 1) each step; 16-step episodes. */
    static final class BandEnvironment implements RlEnvironment, Demonstrated {
        private final Random random;
        private float x;
        private int t;

        BandEnvironment(long seed) {
            this.random = new Random(seed);
        }

        @Override
        public int observationSize() {
            return 2;
        }

        @Override
        public int actionCount() {
            return ACTIONS;
        }

        @Override
        public float[] reset() {
            t = 0;
            return next();
        }

        @Override
        public Step step(int action) {
            float reward = action == 3 ? 1f : 0f;
            t++;
            return new Step(next(), reward, reward, t >= 16);
        }

        private float[] next() {
            x = random.nextFloat();
            return new float[] {x, 1f};
        }

        @Override
        public int expertAction() {
            return rule(x);
        }
    }

    static ApplicationSet apps() {
        return ApplicationSet.of(List.of("a", "b", "c", "d"), List.of(), (split, index, seed) -> new BandEnvironment(seed));
    }

    static PpoConfig config(int iterations) {
        return PpoConfig.defaults().withIterations(iterations).withRollout(4, 32, 2).withLearningRate(1e-2, false)
                .withSeed(5);
    }

    /** Share of 400 fixed observations on which the greedy action is the rule's. */
    static double agreement(FlashAgentNetwork net) {
        NetworkConfig c = net.config();
        int n = 400;
        float[] obs = new float[n * 2];
        for (int i = 0; i < n; i++) {
            obs[2 * i] = (i + 0.5f) / n;
            obs[2 * i + 1] = 1f;
        }
        NDManager pm = net.getParameters().get(0).getValue().getArray().getManager();
        float[] probs;
        try (NDManager sub = pm.newSubManager()) {
            FlashAgentNetwork.Heads h = net.heads(new ParameterStore(pm, false), sub.create(obs, new Shape(n, 2)),
                    c.hasContext() ? sub.zeros(new Shape(n, c.contextLength(), c.contextWidth())) : null,
                    c.hasContext() ? sub.zeros(new Shape(n, c.contextLength())) : null, false);
            probs = h.actionProbs().toFloatArray();
        }
        int agree = 0;
        for (int i = 0; i < n; i++) {
            agree += PpoTrainer.argmax(probs, i * ACTIONS, ACTIONS) == rule(obs[2 * i]) ? 1 : 0;
        }
        return (double) agree / n;
    }

    @Test
    void cloningReproducesADeterministicTeachersActions() {
        int rounds = 20;
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = FlashAgentNetwork.create(
                    NetworkConfig.rl(2, ACTIONS, 4, NetworkConfig.EncoderType.SET, 16), m, 5);
            double before = agreement(net);
            List<double[]> history = new PpoTrainer(net, config(1)).imitate(apps(), rounds, null);
            double after = agreement(net);
            assertEquals(rounds, history.size());
            // DAgger: the expert acts on every step first, on a share falling by 1/n each round
            assertEquals(1.0, history.get(0)[2], 1e-9);
            assertEquals(1.0 - (rounds - 1.0) / rounds, history.get(rounds - 1)[2], 1e-9);
            assertTrue(history.get(rounds - 1)[0] < history.get(0)[0], "cross-entropy falls");
            System.out.printf("agreement with the teacher: before %.3f, after cloning %.3f%n", before, after);
            assertTrue(after >= 0.9, "the clone takes the rule's action on " + after + " of the states (before " + before + ")");
        }
    }

    @Test
    void theImitationTermHoldsPpoToTheTeacherWhileTheRewardPullsAway() {
        double held;
        double free;
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = NetworkConfig.rl(2, ACTIONS, 0, NetworkConfig.EncoderType.SET, 16);
            FlashAgentNetwork a = FlashAgentNetwork.create(c, m, 5);
            PpoTrainer ta = new PpoTrainer(a, config(15));
            ta.imitate(apps(), 15, null);
            FlashAgentNetwork b = a.copy(m);
            ta.imitationWeight(5, 5).train(apps(), null);
            held = agreement(a);
            new PpoTrainer(b, config(15)).train(apps(), null);
            free = agreement(b);
            assertEquals(15 + 15, ta.imitationHistory().size(), "cloning rounds and PPO iterations with labels");
            assertEquals(5.0, ta.imitationHistory().get(29)[3], 1e-9);
        }
        System.out.printf("agreement with the teacher after PPO: held %.3f, let go %.3f%n", held, free);
        assertTrue(held > free + 0.1, "held to the teacher " + held + ", let go " + free);
        assertTrue(held >= 0.9, "held " + held);
    }
}
