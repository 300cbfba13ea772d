package dev.flash.dvfs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.flash.dvfs.DvfsFeatureSet;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.meta.Djl;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.policy.onnx.OnnxModel;
import dev.flash.telemetry.SignalGroups;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training with signal groups dropped at random, as nodes without a PMU, RAPL or schedstat give them. */
class SignalDropoutTest {
    private static final List<Integer> DROPPED_FEATURES = List.of(DvfsFeatures.NAMES.indexOf(DvfsFeatures.IPC),
            DvfsFeatures.NAMES.indexOf(DvfsFeatures.MPKI), DvfsFeatures.NAMES.indexOf(DvfsFeatures.POWER),
            DvfsFeatures.NAMES.indexOf(DvfsFeatures.RUN_WAIT));

    private static DvfsEnvironment env(double dropout, long seed) {
        DvfsApplications apps = DvfsApplications.sample(3, DvfsEnvironment.Options.defaults());
        return new DvfsEnvironment(apps.app(Split.TRAIN, 0), seed,
                DvfsEnvironment.Options.defaults().withEpisodeSteps(5).withSignalDropout(dropout));
    }

    @Test
    void everyGroupDroppedReadsAsOnANodeWithoutThem() {
        DvfsEnvironment e = env(1.0, 11);
        float[] obs = e.reset();
        assertEquals(Set.copyOf(SignalGroups.DROPPABLE), e.missingGroups());
        for (int i : DROPPED_FEATURES) {
            assertEquals(0f, obs[i], DvfsFeatures.NAMES.get(i));
        }
        DvfsEnvironment.Step step = e.step(0);
        for (int i : DROPPED_FEATURES) {
            assertEquals(0f, step.observation()[i], DvfsFeatures.NAMES.get(i) + " after a step");
        }
        assertEquals(0f, step.contextReward(), "no instructions and no power: the context reward is 0");
        assertTrue(step.observation()[DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL)] > 0, "utilization stays");
    }

    @Test
    void halfTheEpisodesLackAGroupAndTheOthersHaveIt() {
        DvfsEnvironment e = env(0.5, 12);
        int withPmu = 0;
        int withoutPmu = 0;
        for (int k = 0; k < 40; k++) {
            e.reset();
            if (e.missingGroups().contains(SignalGroups.PMU)) {
                withoutPmu++;
            } else {
                withPmu++;
            }
        }
        assertTrue(withPmu > 5 && withoutPmu > 5, withPmu + " with, " + withoutPmu + " without");
    }

    @Test
    void aTinyTrainingWithDropoutTellsTheContractWhatItTolerates(@TempDir Path dir) throws Exception {
        DvfsTrainer.Settings s = DvfsTrainer.Settings.quick(7).withSignalDropout(0.5);
        // six applications, two held out: seconds, not the default population's minutes
        DvfsApplications apps = new DvfsApplications(dev.flash.sim.AppPopulation.sample(6, 7, 0.34),
                DvfsEnvironment.defaultNode(), s.env());
        for (int k = 0; k < 5; k++) {
            DvfsEnvironment heldOut = apps.environment(Split.TEST, 0, 100 + k);
            heldOut.reset();
            assertTrue(heldOut.missingGroups().isEmpty(), "held-out applications run with every signal");
        }
        Path file = dir.resolve("dropout.onnx");
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            DvfsTrainer.Result r = DvfsTrainer.train(apps, s, m, (it, total) -> { });
            DvfsTrainer.export(r, "{}", file);
        }
        try (OnnxModel model = OnnxModel.load(file)) {
            assertEquals(Set.copyOf(SignalGroups.DROPPABLE), model.description().signals().tolerated());
            assertEquals(Set.of(SignalGroups.CPUFREQ), model.description().signals().required());
        }
    }

    /**
     * With the mask the exported model names the masked layout, loads as one, and runs on a node
     * without pmu and rapl as {@code flash evaluate dvfs --drop-signals} runs it.
     */
    @Test
    void aTinyTrainingWithTheMaskExportsAModelThatReadsIt(@TempDir Path dir) throws Exception {
        DvfsTrainer.Settings s = DvfsTrainer.Settings.quick(7).withIterations(1).withSignalDropout(0.5)
                .withSignalMask(true);
        DvfsApplications apps = new DvfsApplications(dev.flash.sim.AppPopulation.sample(6, 7, 0.34),
                DvfsEnvironment.defaultNode(), s.env());
        Path file = dir.resolve("mask.onnx");
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            DvfsTrainer.Result r = DvfsTrainer.train(apps, s, m, (it, total) -> { });
            assertEquals(DvfsFeatureSet.MAX_COUNT, r.settings().network().stateSize());
            DvfsTrainer.export(r, "{}", file);
        }
        try (dev.flash.policy.onnx.OnnxDvfsPolicy policy = dev.flash.policy.onnx.OnnxDvfsPolicy.load(file)) {
            assertEquals(DvfsFeatureSet.WITH_MASK.names(), policy.description().features());
            assertEquals(DvfsFeatureSet.WITH_MASK, policy.featureSet());
            assertTrue(policy.description().reward().contains("missing_pmu"), policy.description().reward());
            var d = policy.description();
            dev.flash.dvfs.eval.OperatorEvaluation.RunStats run = dev.flash.dvfs.eval.OperatorEvaluation.run("flash",
                    n -> {
                        n.dropSignals(Set.of(SignalGroups.PMU, SignalGroups.RAPL), "test");
                        return policy;
                    }, dev.flash.sim.SimSpec.embeddedDefault().node(), apps.app(Split.TEST, 0), 10, 3,
                    d.contextLayout(), policy.featureSet(), d.actions().size(), null);
            assertEquals(0, run.fallbackTicks(), "the model decides every tick");
        }
    }
}
