package dev.flash.dvfs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.RlEnvironment;
import dev.flash.sim.AppSpec;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.sim.governors.Governor;
import dev.flash.telemetry.TelemetryRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class DvfsEnvironmentTest {

    private static final int MAX = DvfsActions.DEFAULT.indexOf("max");
    private static final int MIN = DvfsActions.DEFAULT.indexOf("min");

    private static DvfsEnvironment env(AppSpec app) {
        return new DvfsEnvironment(app, 11, DvfsEnvironment.Options.defaults());
    }

    private static double episode(RlEnvironment env, int action) {
        env.reset();
        double sum = 0;
        for (int t = 0; t < DvfsEnvironment.DEFAULT_EPISODE_STEPS; t++) {
            RlEnvironment.Step s = env.step(action);
            sum += s.reward();
            assertEquals(t == DvfsEnvironment.DEFAULT_EPISODE_STEPS - 1, s.done());
        }
        return sum;
    }

    @Test
    void performanceScoresZeroWithoutSlowdown() {
        DvfsEnvironment env = env(AppSpec.steady("mixed", 0.3, 0.7, 1.0));
        double reward = episode(env, MAX);
        EpisodeStats s = env.completedEpisodes().get(0);
        assertEquals(0, reward, 1e-6);
        assertEquals(0, s.slowdown(), 1e-9);
        assertEquals(0, s.energySaving(), 1e-9);
        assertTrue(s.budgetHeld(0.05));
    }

    @Test
    void switchPenaltyCostsOnlyStepsThatChangeTheFrequency() {
        AppSpec app = AppSpec.steady("mixed", 0.3, 0.7, 1.0);
        DvfsEnvironment.Options o = DvfsEnvironment.Options.defaults().withRandomStartProbability(0);
        DvfsEnvironment plain = new DvfsEnvironment(app, 11, o);
        DvfsEnvironment penalised = new DvfsEnvironment(app, 11, o.withSwitchPenalty(0.25));
        plain.reset();
        penalised.reset();
        int hold = DvfsActions.DEFAULT.indexOf("hold");
        int[] actions = {hold, MIN, hold, MAX, MAX};
        boolean[] switches = {false, true, false, true, false};
        for (int t = 0; t < actions.length; t++) {
            double a = plain.step(actions[t]).reward();
            double b = penalised.step(actions[t]).reward();
            assertEquals(switches[t] ? 0.25 : 0, a - b, 1e-6, "step " + t); // float rewards
        }
        assertTrue(DvfsEnvironment.rewardDefinition(o.withSwitchPenalty(0.25)).contains("0.25"));
        assertThrows(IllegalArgumentException.class, () -> o.withSwitchPenalty(-0.1));
    }

    @Test
    void minimumFrequencyOnSaturatedCpuBoundAppIsPenalised() {
        DvfsEnvironment env = env(AppSpec.steady("compute", 0.02, 1.3, 1.0));
        double reward = episode(env, MIN);
        EpisodeStats s = env.completedEpisodes().get(0);
        assertTrue(s.slowdown() > 0.5, "slowdown " + s.slowdown());
        assertTrue(s.energySaving() > 0, "fmin still uses less energy per interval");
        assertTrue(reward / s.steps() < -1, "reward per step " + reward / s.steps());
        assertTrue(!s.budgetHeld(0.05));
    }

    @Test
    void memoryBoundAppSavesEnergyAtLowFrequencyAndOracleBeatsPerformance() {
        DvfsEnvironment env = env(AppSpec.steady("stream", 0.85, 1.0, 1.0));
        List<EpisodeStats> oracle = DvfsEvaluator.run(env, DvfsEvaluator.oracle(), 2);
        List<EpisodeStats> perf = DvfsEvaluator.run(env, DvfsEvaluator.performance(), 2);
        for (EpisodeStats s : oracle) {
            assertTrue(s.energySaving() > 0.1, "oracle saving " + s.energySaving());
            assertTrue(s.slowdown() <= 0.05 + 1e-6, "oracle slowdown " + s.slowdown());
            assertTrue(s.reward() > perf.get(0).reward());
        }
    }

    @Test
    void observationMatchesTheModelContract() {
        DvfsEnvironment env = env(AppSpec.steady("web", 0.3, 0.4, 0.5));
        assertEquals(DvfsFeatures.COUNT, env.observationSize());
        assertEquals(DvfsActions.DEFAULT.size(), env.actionCount());
        float[] obs = env.reset();
        assertEquals(DvfsFeatures.NAMES.size(), obs.length);
        TelemetryRecord r = env.lastRecord();
        assertArrayEquals(DvfsFeatures.extract(r.policies().get(0), r), obs);
        RlEnvironment.Step s = env.step(DvfsActions.DEFAULT.indexOf("hold"));
        assertEquals(DvfsFeatures.COUNT, s.observation().length);
        for (float v : s.observation()) {
            assertTrue(Float.isFinite(v) && v >= 0 && v <= 1.5);
        }
        assertThrows(IllegalArgumentException.class, () -> env.step(99));
    }

    @Test
    void sliceHasTheDaemonNodesPolicyAndPowerScale() {
        NodeSpec daemon = SimSpec.embeddedDefault().node();
        NodeSpec slice = DvfsEnvironment.defaultNode();
        assertEquals(1, slice.policyCount());
        assertEquals(daemon.cpusPerPolicy(), slice.cpus());
        assertArrayEquals(daemon.frequencyTable(), slice.frequencyTable());
        assertEquals(daemon.referenceWatts() * slice.cpus() / daemon.cpus(), slice.referenceWatts(), 1e-9);
        // Same application on every policy of the daemon node at one frequency: same power_norm.
        AppSpec app = AppSpec.steady("x", 0.4, 1.1, 1.0);
        SimulatedNode whole = new SimulatedNode(daemon, List.of(app), 1);
        SimulatedNode part = new SimulatedNode(slice, List.of(app), 1);
        for (SimulatedNode n : List.of(whole, part)) {
            for (int p = 0; p < n.policyCount(); p++) {
                n.applyKhz(p, 2_000_000);
            }
            n.sample();
            n.advance(1);
        }
        TelemetryRecord a = whole.sample();
        TelemetryRecord b = part.sample();
        assertEquals(a.packageWatts() / a.powerReferenceWatts(), b.packageWatts() / b.powerReferenceWatts(), 0.05);
    }

    @Test
    void applicationSetSplitsAndSeedsEpisodesPerApplication() {
        DvfsApplications apps = DvfsApplications.sample(3, DvfsEnvironment.Options.defaults());
        assertTrue(apps.size(Split.TRAIN) > apps.size(Split.TEST) && apps.size(Split.TEST) > 0);
        long s0 = DvfsApplications.episodeSeed(3, Split.TEST, 0);
        assertEquals(s0, DvfsApplications.episodeSeed(3, Split.TEST, 0));
        assertTrue(s0 != DvfsApplications.episodeSeed(3, Split.TRAIN, 0));
        OperatorMetrics perf = DvfsEvaluator.evaluate(apps, Split.TEST, DvfsEvaluator.performance(), 1, 3);
        OperatorMetrics oracle = DvfsEvaluator.evaluate(apps, Split.TEST, DvfsEvaluator.oracle(), 1, 3);
        OperatorMetrics schedutil = DvfsEvaluator.evaluate(apps, Split.TEST,
                DvfsEvaluator.policy(Governor.byName("schedutil")), 1, 3);
        System.out.println("performance " + perf.summary() + "\noracle " + oracle.summary()
                + "\nschedutil " + schedutil.summary());
        assertEquals(0, perf.rewardPerStep(), 1e-6);
        assertTrue(oracle.energySaving() > 0.05 && oracle.rewardPerStep() > 0.05);
        assertEquals(apps.size(Split.TEST), oracle.episodes());
    }
}
