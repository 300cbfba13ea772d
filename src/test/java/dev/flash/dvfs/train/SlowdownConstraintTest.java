package dev.flash.dvfs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.flash.dvfs.DvfsActions;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.Djl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slowdown budget as a constraint: the multiplier follows the measured episodes, and the reward follows it. */
class SlowdownConstraintTest {
    private static final double BUDGET = 0.05;

    /** An episode of 10 steps with the given slowdown. */
    private static EpisodeStats episode(double slowdown) {
        return new EpisodeStats(10, 80, 100, 10 * (1 - slowdown), 10, 0, 0);
    }

    private static SlowdownConstraint constraint(int warmUp) {
        return new SlowdownConstraint(new SlowdownConstraint.Config(6, 2, 0.02, 50, warmUp), BUDGET);
    }

    @Test
    void episodesOverBudgetRaiseTheMultiplierAndEpisodesWithinLowerIt() {
        SlowdownConstraint c = constraint(0);
        for (int i = 0; i < 10; i++) {
            c.record(episode(0.10));
            c.record(episode(0.01));
        }
        double up = c.dualStep();
        assertTrue(up > 6, "half the episodes over budget: lambda rises from 6, got " + up);
        for (int i = 0; i < 20; i++) {
            c.record(episode(0.01));
        }
        double down = c.dualStep();
        assertTrue(down < up, "no episode over budget: lambda falls, " + up + " -> " + down);
        assertEquals(2, c.history().size());
        assertEquals(0.5, c.history().get(0)[0], 1e-12, "share over budget of the first step");
    }

    @Test
    void theMultiplierStaysWithinItsBoundsAndWaitsOutTheWarmUp() {
        SlowdownConstraint c = constraint(3);
        for (int k = 0; k < 3; k++) {
            c.record(episode(0.5));
            assertEquals(6, c.dualStep(), 0, "warm-up: lambda stays at its start");
        }
        for (int k = 0; k < 200; k++) {
            c.record(episode(0.5));
            c.dualStep();
        }
        assertEquals(50, c.lambda(), 1e-12, "capped at max");
        for (int k = 0; k < 5000; k++) {
            c.record(episode(0.0));
            c.dualStep();
        }
        assertEquals(0, c.lambda(), 1e-12, "never negative");
        double before = c.lambda();
        assertEquals(before, c.dualStep(), 0, "no episode since the last step: lambda stays");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SlowdownConstraint.Config(-1, 2, 0.02, 50, 0));
        assertThrows(IllegalArgumentException.class, () -> new SlowdownConstraint.Config(6, 0, 0.02, 50, 0));
        assertThrows(IllegalArgumentException.class, () -> new SlowdownConstraint.Config(6, 2, 1.0, 50, 0));
        assertThrows(IllegalArgumentException.class, () -> new SlowdownConstraint.Config(6, 2, 0.02, 50, -1));
    }

    @Test
    void theEnvironmentWeighsTheOverrunByTheMultiplierAndReportsItsEpisodes() {
        DvfsApplications apps = DvfsApplications.sample(3, DvfsEnvironment.Options.defaults());
        DvfsEnvironment.Options o = DvfsEnvironment.Options.defaults().withEpisodeSteps(4)
                .withRandomStartProbability(0);
        // The same application, seed and moves (to the floor: over budget on a busy application) with two multipliers.
        int busy = -1;
        for (int i = 0; i < apps.size(Split.TRAIN) && busy < 0; i++) {
            DvfsEnvironment probe = new DvfsEnvironment(apps.app(Split.TRAIN, i), 5, o);
            probe.reset();
            probe.step(DvfsActions.DEFAULT.indexOf("min"));
            if (probe.lastTruth().slowdown() > 0.2) {
                busy = i;
            }
        }
        assertTrue(busy >= 0, "a training application slowed by more than 20% at the floor");
        double[] sums = new double[2];
        double[] lambdas = {0, 40};
        for (int k = 0; k < 2; k++) {
            SlowdownConstraint c = new SlowdownConstraint(new SlowdownConstraint.Config(lambdas[k], 2, 0.02, 50, 0),
                    BUDGET);
            DvfsEnvironment e = new DvfsEnvironment(apps.app(Split.TRAIN, busy), 5, o);
            e.constrainWith(c);
            e.reset();
            for (int t = 0; t < 4; t++) {
                sums[k] += e.step(DvfsActions.DEFAULT.indexOf("min")).reward();
            }
            double lambdaBefore = c.lambda();
            c.dualStep();
            assertEquals(1, c.history().size(), "the finished episode was reported");
            assertEquals(1.0, c.history().get(0)[0], 0, "it broke the budget");
            assertTrue(c.lambda() > lambdaBefore, "so lambda rose");
        }
        assertTrue(sums[1] < sums[0] - 1, "a larger multiplier costs more for the same overrun: " + sums[0] + " vs "
                + sums[1]);
    }

    @Test
    void trainingWithTheConstraintMovesTheMultiplierAndRecordsIt() {
        Djl.init();
        DvfsApplications apps = DvfsApplications.sample(3, DvfsEnvironment.Options.defaults());
        DvfsTrainer.Settings s = DvfsTrainer.Settings.quick(3).withIterations(3)
                .withConstraint(new SlowdownConstraint.Config(6, 2, 0.02, 50, 0));
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            DvfsTrainer.Result r = DvfsTrainer.train(apps.withOptions(s.env()), s, m, null);
            List<double[]> h = r.constraintHistory();
            assertEquals(3, h.size(), "one dual step per iteration");
            for (double[] row : h) {
                assertTrue(row[2] >= 0 && row[2] <= 50, "lambda within bounds: " + row[2]);
            }
            assertTrue(DvfsTrainer.metadata(s, r.contextReward(), "{}").reward().contains("Lagrangian"),
                    "the model says how it was trained");
        }
    }
}
