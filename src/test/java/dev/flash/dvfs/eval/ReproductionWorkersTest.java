package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.train.DvfsTrainer;
import dev.flash.meta.IterationMetrics;
import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reproduction spread over worker JVMs computes exactly what one process computes: real
 * worker processes, a smoke-sized plan.
 */
class ReproductionWorkersTest {

    static final List<AppSpec> POPULATION = AppPopulation.sample(12, 5, 0.34);

    /** Three training iterations, three held-out applications, four adaptation episodes. */
    static Reproduction.Plan tinyPlan() {
        return new Reproduction.Plan(true, DvfsTrainer.Settings.quick(7), 3, 4, 2, 1);
    }

    static final class Recorder implements Reproduction.Listener {
        final List<String> steps = new ArrayList<>();

        @Override
        public void phase(String name, int total) {
        }

        @Override
        public void step(String detail) {
            steps.add(detail);
        }
    }

    @Test
    void twoProcessesComputeWhatOneComputes(@TempDir Path dir) throws Exception {
        Reproduction.Plan plan = tinyPlan();
        Recorder alone = new Recorder();
        Recorder shared = new Recorder();
        Reproduction.Result one = Reproduction.run(POPULATION, plan, dir, alone, 1);
        Reproduction.Result two = Reproduction.run(POPULATION, plan, dir, shared, 2);

        assertEquals(rewards(one.transferCurve()), rewards(two.transferCurve()),
                "the baseline pre-trained in a worker follows the same curve");
        assertEquals(rewards(one.flashCurve()), rewards(two.flashCurve()));
        assertEquals(one.apps().size(), two.apps().size());
        for (int i = 0; i < one.apps().size(); i++) {
            Reproduction.AppResult a = one.apps().get(i);
            Reproduction.AppResult b = two.apps().get(i);
            assertEquals(a.app(), b.app(), "applications in held-out order whichever process adapted them");
            assertArrayEquals(a.flash().reward(), b.flash().reward(), a.app());
            assertArrayEquals(a.transfer().reward(), b.transfer().reward(), a.app());
            assertEquals(a.transferEpisodes(), b.transferEpisodes(), a.app());
            assertEquals(a.expertReward(), b.expertReward(), a.app());
            assertArrayEquals(one.references().get(i).clairvoyant(), two.references().get(i).clairvoyant(), a.app());
        }
        assertEquals(one.gapFlash(), two.gapFlash());
        assertEquals(one.gapTransfer(), two.gapTransfer());
        assertEquals(one.costRatioEpisodes(), two.costRatioEpisodes());
        assertEquals(Json.COMPACT.toJson(ModelEvaluation.toJson(one.operator())),
                Json.COMPACT.toJson(ModelEvaluation.toJson(two.operator())));
        // the worker's progress reached the listener: both trainings' iterations, every application
        assertEquals(alone.steps.size(), shared.steps.size(), shared.steps.toString());
    }

    @Test
    void aFailingWorkerIsAnErrorQuotingItsLog() throws Exception {
        Recorder progress = new Recorder();
        try (ReproductionWorkers workers = new ReproductionWorkers(progress)) {
            // an adaptation task without weights: the worker throws and exits 1
            ReproductionWorkers.Worker w = workers.start(new ReproductionWorkers.Task(ReproductionWorkers.Kind.ADAPT,
                    POPULATION, tinyPlan(), null, null, new int[] {0}));
            IOException e = assertThrows(IOException.class, () -> w.await(ReproductionWorkers.Adapted.class));
            assertTrue(e.getMessage().contains("exited with code 1"), e.getMessage());
            assertTrue(e.getMessage().contains("NullPointerException"), e.getMessage());
        }
    }

    @Test
    void sharesDealApplicationsRoundRobinWithoutEmptyShares() {
        assertArrayEquals(new int[][] {{0, 2, 4}, {1, 3}}, Reproduction.shares(5, 2));
        assertArrayEquals(new int[][] {{0}, {1}}, Reproduction.shares(2, 8));
        assertArrayEquals(new int[][] {{0, 1, 2}}, Reproduction.shares(3, 1));
    }

    private static List<Double> rewards(List<IterationMetrics> curve) {
        return curve.stream().map(IterationMetrics::stepRewardMean).toList();
    }
}
