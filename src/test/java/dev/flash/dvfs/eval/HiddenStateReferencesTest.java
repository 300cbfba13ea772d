package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.dvfs.train.DvfsApplications;
import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.RlEnvironment;
import dev.flash.sim.AppSpec;
import dev.flash.sim.HiddenParams;
import dev.flash.sim.Phase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The hidden-state references on the simulator itself: the property they rest on, and their order. */
class HiddenStateReferencesTest {

    private static final DvfsEnvironment.Options OPTIONS = DvfsEnvironment.Options.defaults();
    private static final int LEVELS = OPTIONS.levels();
    private static final int STEPS = OPTIONS.episodeSteps();

    /** Two phases, one bursty with a sine, one saturated: every source of randomness the simulator has. */
    private static final AppSpec BURSTY = new AppSpec("bursty-two-phase", List.of(
            new Phase(0.3, 0.6, 0.75, 7, 0.35, 0.4, 9), new Phase(0.6, 1.2, 1.0, 5, 0.1, 0, 60)),
            new HiddenParams(2.5, 1.4, 1.1), AppSpec.TEST);

    private static IntFunction<RlEnvironment> episodes(AppSpec app, long seed) {
        return j -> new DvfsEnvironment(DvfsEnvironment.defaultNode(), app, seed + 1000L * j, OPTIONS);
    }

    /** Rewards and observations of one episode at one fixed ladder level. */
    private static double[][] atLevel(DvfsEnvironment env, int level, float[][] observations) {
        env.reset();
        double[][] r = new double[1][STEPS];
        for (int t = 0; t < STEPS; t++) {
            RlEnvironment.Step s = env.stepToKhz(
                    DvfsActions.levelKhz(env.lastRecord().policies().get(0), level, LEVELS));
            r[0][t] = s.reward();
            observations[t] = s.observation();
        }
        return r;
    }

    /** The observation without the utilization history's features. */
    private static float[] oneIntervalFeatures(float[] observation) {
        float[] out = observation.clone();
        out[DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL_AVG)] = 0;
        out[DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL_DEV)] = 0;
        return out;
    }

    @Test
    void aStepsRewardAndNextObservationDependOnThatStepsFrequencyOnly() {
        long seed = 42;
        double[][] levelRewards = new double[LEVELS][];
        float[][][] levelObs = new float[LEVELS][STEPS][];
        for (int l = 0; l < LEVELS; l++) {
            levelRewards[l] = atLevel((DvfsEnvironment) episodes(BURSTY, seed).apply(0), l, levelObs[l])[0];
        }
        // An agent wandering the ladder through its own actions gets, at every step, exactly what
        // the fixed-level run of the level it stands on got at that step.
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 5; trial++) {
            DvfsEnvironment env = (DvfsEnvironment) episodes(BURSTY, seed).apply(0);
            env.reset();
            for (int t = 0; t < STEPS; t++) {
                RlEnvironment.Step s = env.step(rng.nextInt(env.actionCount()));
                int level = DvfsActions.currentLevel(env.lastRecord().policies().get(0), LEVELS);
                assertEquals(levelRewards[level][t], s.reward(), 0.0, "trial " + trial + " step " + t);
                // power_norm comes from a cumulative energy counter in whole microjoules, whose
                // rounding depends on the history: equal to the counter's resolution, not bit for bit.
                // util_avg and util_dev are history by design (utilization depends on the clock
                // of earlier seconds too), so they are left out.
                assertArrayEquals(oneIntervalFeatures(levelObs[level][t]), oneIntervalFeatures(s.observation()),
                        1e-6f, "trial " + trial + " step " + t);
            }
        }
    }

    @Test
    void noPolicyOnTheLadderBeatsTheClairvoyantBound() {
        int m = 6;
        HiddenStateReferences.App refs = HiddenStateReferences.of(BURSTY.name(), episodes(BURSTY, 9), m);
        SplittableRandom rng = new SplittableRandom(5);
        for (int j = 0; j < m; j++) {
            double[] fixed = new double[LEVELS];
            for (int l = 0; l < LEVELS; l++) {
                double[] r = atLevel((DvfsEnvironment) episodes(BURSTY, 9).apply(j), l, new float[STEPS][])[0];
                fixed[l] = java.util.Arrays.stream(r).sum();
                assertTrue(fixed[l] <= refs.clairvoyant()[j] + 1e-9, "level " + l + " episode " + j);
            }
            for (int trial = 0; trial < 10; trial++) {
                RlEnvironment env = episodes(BURSTY, 9).apply(j);
                env.reset();
                double total = 0;
                for (int t = 0; t < STEPS; t++) {
                    total += env.step(rng.nextInt(env.actionCount())).reward();
                }
                assertTrue(total <= refs.clairvoyant()[j] + 1e-9, "random policy, episode " + j);
            }
            // Knowing the phase beats standing still: the in-sample phase expert is at least the
            // best fixed level over all episodes (a constant table is one of the tables it chose from).
            assertTrue(refs.phaseExpertInSample()[j] <= refs.clairvoyant()[j] + 1e-9, "episode " + j);
        }
        double bestFixedTotal = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < LEVELS; l++) {
            double sum = 0;
            for (int j = 0; j < m; j++) {
                sum += java.util.Arrays.stream(atLevel((DvfsEnvironment) episodes(BURSTY, 9).apply(j), l,
                        new float[STEPS][])[0]).sum();
            }
            bestFixedTotal = Math.max(bestFixedTotal, sum);
        }
        assertTrue(java.util.Arrays.stream(refs.phaseExpertInSample()).sum() >= bestFixedTotal - 1e-9);
        // Reading the hidden state is worth something on a bursty two-phase application, and the
        // bound stays above what any phase-knowing policy scores.
        Map<String, Double> perStep = refs.perStep();
        assertTrue(perStep.get(HiddenStateReferences.CLAIRVOYANT) > perStep.get(HiddenStateReferences.PHASE_EXPERT),
                perStep.toString());
        assertTrue(perStep.get(HiddenStateReferences.PHASE_EXPERT) >= bestFixedTotal / (m * STEPS) - 1e-12);
    }

    @Test
    void aSteadyNoiselessApplicationLeavesNothingToKnow() {
        AppSpec steady = AppSpec.steady("steady", 0.4, 0.5, 1.0);
        HiddenStateReferences.App refs = HiddenStateReferences.of(steady.name(), episodes(steady, 1), 4);
        for (int j = 0; j < 4; j++) {
            assertEquals(refs.clairvoyant()[j], refs.phaseExpertInSample()[j], 1e-9);
            assertEquals(refs.clairvoyant()[j], refs.phaseExpertCrossValidated()[j], 1e-9);
            assertEquals(refs.clairvoyant()[j], refs.phaseExpertLate()[j], 1e-9);
            // Acting as the agents do, it first has to walk down from where the episode started.
            assertTrue(refs.phaseExpertActing()[j] <= refs.clairvoyant()[j] + 1e-9);
        }
    }

    @Test
    void pooledGapsAreTheHeadlineFormulaPerReference() {
        HiddenStateReferences.App a = HiddenStateReferences.of("a", episodes(BURSTY, 2), 2);
        HiddenStateReferences.App b = HiddenStateReferences.of("b", episodes(AppSpec.steady("s", 0.4, 0.5, 1.0), 2), 2);
        double[] start = {0.05, 0.1};
        Map<String, Double> gaps = HiddenStateReferences.pooledGaps(List.of(a, b), start);
        for (String k : a.perStep().keySet()) {
            double ref = a.perStep().get(k) + b.perStep().get(k);
            assertEquals((ref - 0.15) / Math.abs(ref), gaps.get(k), 1e-12, k);
        }
        assertThrows(IllegalArgumentException.class, () -> HiddenStateReferences.pooledGaps(List.of(a), start));
    }

    @Test
    void aFinishedRunsReferencesAreRebuiltOnItsOwnEvaluationEpisodes() throws Exception {
        Reproduction.Plan plan = Reproduction.Plan.quick(7); // only its seed places the evaluation episodes
        DvfsApplications apps = DvfsApplications.sample(7, OPTIONS);
        List<ExpertPool.AppCurves> curves = new java.util.ArrayList<>();
        Map<String, AppSpec> specs = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            curves.add(new ExpertPool.AppCurves(apps.name(Split.TEST, i), new int[] {0}, new double[1][3],
                    new double[1][3]));
            specs.put(apps.name(Split.TEST, i), apps.app(Split.TEST, i));
        }
        ExpertPool.Run run = new ExpertPool.Run(Path.of("run.json"), 7, 3, STEPS, Double.NaN, Double.NaN, curves);
        List<HiddenStateReferences.App> rebuilt = HiddenStateReferences.forRun(run, specs, "test");
        for (int i = 0; i < 2; i++) {
            HiddenStateReferences.App own = HiddenStateReferences.of(apps.name(Split.TEST, i),
                    Reproduction.evaluationEpisodes(apps, i, plan), 3);
            assertArrayEquals(own.clairvoyant(), rebuilt.get(i).clairvoyant(), 0.0);
            assertArrayEquals(own.phaseExpertCrossValidated(), rebuilt.get(i).phaseExpertCrossValidated(), 0.0);
            assertArrayEquals(own.budgetOracle(), rebuilt.get(i).budgetOracle(), 0.0);
        }
        specs.remove(apps.name(Split.TEST, 1));
        ExpertPool.InvalidRunException e = assertThrows(ExpertPool.InvalidRunException.class,
                () -> HiddenStateReferences.forRun(run, specs, "--apps x.json"));
        assertTrue(e.getMessage().contains(apps.name(Split.TEST, 1)) && e.getMessage().contains("per_app[1]")
                && e.getMessage().contains("--apps"), e.getMessage());
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> HiddenStateReferences.of("x", episodes(BURSTY, 1), 1));
        assertTrue(one.getMessage().contains("at least 2"), one.getMessage());
        DvfsEnvironment.Options penalised = OPTIONS.withSwitchPenalty(0.01);
        IllegalArgumentException switching = assertThrows(IllegalArgumentException.class,
                () -> HiddenStateReferences.of("x", j -> new DvfsEnvironment(DvfsEnvironment.defaultNode(), BURSTY, j,
                        penalised), 2));
        assertTrue(switching.getMessage().contains("switch penalty"), switching.getMessage());
    }
}
