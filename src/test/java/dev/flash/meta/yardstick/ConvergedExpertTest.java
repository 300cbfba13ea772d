package dev.flash.meta.yardstick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.flash.meta.ApplicationSet;
import dev.flash.meta.Djl;
import dev.flash.meta.HiddenTargetEnvironment;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.RlEnvironment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An expert has to beat doing nothing: a curve flat at the do-nothing level never passes the
 * plateau rule, a trainer stuck there retries with the remedies and is marked failed when none
 * helps, and the yardstick counts failed experts apart instead of measuring against them.
 */
class ConvergedExpertTest {

    private static final long[] STEPS = {0, 32, 64, 96, 128, 160, 192, 224};
    private static final DoNothing.Level ZERO = new DoNothing.Level(0, 0.005);

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    @Test
    void aCurveFlatAtTheDoNothingLevelIsRefusedAndCountsAsStuck() {
        PlateauRule rule = new PlateauRule(0.01, 200, 800, 32);
        EvaluatedCurve flatZero = EvaluatedCurve.of(STEPS, new double[8]);
        assertEquals(0, PlateauRule.lastQuarterGain(flatZero), "flat: it would pass the 1% rule alone");
        assertFalse(rule.plateaued(flatZero, ZERO), "doing nothing is not an expert");
        assertTrue(rule.stuck(flatZero, ZERO));

        EvaluatedCurve learned = EvaluatedCurve.of(STEPS, new double[] {0, 0.05, 0.1, 0.12, 0.12, 0.12, 0.12, 0.12});
        assertTrue(rule.plateaued(learned, ZERO));
        assertFalse(rule.stuck(learned, ZERO));

        // a level of its own per case (autoscale: the no-op allocation's reward, not 0)
        DoNothing.Level noOp = new DoNothing.Level(0.12, 0.005);
        assertFalse(rule.plateaued(learned, noOp), "level with the do-nothing policy: refused");
        assertTrue(rule.stuck(learned, noOp));

        // above the margin but inside twice the noise of its points: refused too
        double[] noisy = {0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01};
        double[] se = {0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01};
        EvaluatedCurve withinNoise = new EvaluatedCurve(STEPS, noisy, se);
        assertFalse(ZERO.beatenBy(withinNoise));
        assertEquals(0.02, ZERO.required(withinNoise), 1e-12);

        EvaluatedCurve climbing = EvaluatedCurve.of(STEPS, new double[] {0, 0, 0, 0, 0, 0.001, 0.003, 0.012});
        assertFalse(rule.stuck(climbing, ZERO), "climbing past the margin: let it run");
        assertFalse(rule.stuck(EvaluatedCurve.of(new long[] {0, 32, 64}, new double[3]), ZERO),
                "not before the minimum");
    }

    @Test
    void theDoNothingLevelIsPlayedOnTheEvaluationEpisodes() {
        ApplicationSet apps = HiddenTargetEnvironment.applications(1, 1); // held-out target: action 3
        DoNothing.Level miss = new DoNothing(0, 0.01, "action 0").level(
                j -> apps.environment(ApplicationSet.Split.TEST, 0, j), 3, HiddenTargetEnvironment.EPISODE_STEPS);
        assertEquals(0, miss.rewardPerStep(), 1e-12);
        DoNothing.Level hit = new DoNothing(3, 0.01, "action 3").level(
                j -> apps.environment(ApplicationSet.Split.TEST, 0, j), 3, HiddenTargetEnvironment.EPISODE_STEPS);
        assertEquals(1, hit.rewardPerStep(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new DoNothing(9, 0.01, "x").level(
                j -> apps.environment(ApplicationSet.Split.TEST, 0, j), 1, 4), "outside the action set");
        assertThrows(IllegalArgumentException.class, () -> new DoNothing(0, 0, "x"), "a margin is needed");
    }

    /** Nothing any action does changes the reward: every attempt is stuck at the do-nothing level. */
    private static final class Barren implements RlEnvironment {
        private int t;

        @Override
        public int observationSize() {
            return 2;
        }

        @Override
        public int actionCount() {
            return 4;
        }

        @Override
        public float[] reset() {
            t = 0;
            return new float[] {0, 1};
        }

        @Override
        public Step step(int action) {
            t++;
            return new Step(new float[] {t / 8f, 1}, 0f, 0f, t >= 8);
        }
    }

    private static PpoConfig ppo() {
        return PpoConfig.defaults().withRollout(2, 16, 2).withLearningRate(3e-3, false).withSeed(3);
    }

    @Test
    void aStuckTrainerRetriesWithEveryRemedyAndIsMarkedFailed() {
        List<String> retries = new ArrayList<>();
        PlateauRule rule = new PlateauRule(0.01, 128, 256, 32);
        List<ConvergedExpert.Remedy> remedies = List.of(ConvergedExpert.REMEDIES.get(0),
                ConvergedExpert.REMEDIES.get(1));
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            ConvergedExpert.Expert e = ConvergedExpert.train(s -> new Barren(), j -> new Barren(), 2, 8,
                    NetworkConfig.rl(2, 4, 0, NetworkConfig.EncoderType.SET, 8), ppo(), rule,
                    new DoNothing(0, 0.01, "action 0"), remedies, m, new ConvergedExpert.Progress() {
                        @Override
                        public void evaluated(long steps, double rewardPerStep) {
                        }

                        @Override
                        public void retrying(int attempt, ConvergedExpert.Remedy remedy, String why) {
                            retries.add(attempt + ": " + why);
                        }
                    });
            assertEquals(1, retries.size(), "one retry after the first attempt: " + retries);
            assertTrue(retries.get(0).startsWith("2: attempt 1 stuck"), retries.get(0));
            assertTrue(e.failed());
            assertFalse(e.converged());
            assertEquals(2, e.attempts());
            assertEquals(128, e.steps(), "stopped at the minimum, not run on to the maximum");
        }
    }

    @Test
    void aLearnableApplicationNeedsNoRetry() {
        ApplicationSet apps = HiddenTargetEnvironment.applications(1, 1);
        PlateauRule rule = new PlateauRule(0.01, 256, 2048, 64);
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            ConvergedExpert.Expert e = ConvergedExpert.train(s -> apps.environment(ApplicationSet.Split.TEST, 0, s),
                    j -> apps.environment(ApplicationSet.Split.TEST, 0, j), 2, HiddenTargetEnvironment.EPISODE_STEPS,
                    NetworkConfig.rl(2, HiddenTargetEnvironment.ACTIONS, 0, NetworkConfig.EncoderType.SET, 8), ppo(),
                    rule, new DoNothing(0, 0.05, "action 0"), m, null);
            assertFalse(e.failed(), "reward " + e.rewardPerStep());
            assertEquals(1, e.attempts());
            assertTrue(e.rewardPerStep() > 0.05);
        }
    }

    @Test
    void failedExpertsAreCountedApartInTheReportAndItsJson() {
        Budget budget = new Budget(64, 32, 32, 2);
        long[] points = budget.points();
        EvaluatedCurve curve = EvaluatedCurve.of(points, new double[] {0.1, 0.2, 0.2});
        // beats its do-nothing level of 0.195 (a margin of 0.005 would pass) but that level is inside the 5% band
        ConvergedExpert.Expert good = new ConvergedExpert.Expert(0.2, true, 640, 0, curve, 0.195, 1, false);
        ConvergedExpert.Expert failed = new ConvergedExpert.Expert(0, false, 640, 0,
                EvaluatedCurve.of(new long[] {0, 640}, new double[2]), 0, 3, true);
        Map<String, EvaluatedCurve> curves = Map.of("flash", curve);
        Map<String, Double> starts = Map.of("flash", 0.1);
        Map<String, AdaptationCost> costs = new LinkedHashMap<>();
        costs.put("flash", AdaptationCost.of(curve, 0.2, 0));
        Yardstick.AppResult a = new Yardstick.AppResult("a", good, curves, starts, Map.of("flash", 0.5), costs);
        Map<String, Double> nan = new LinkedHashMap<>();
        nan.put("flash", Double.NaN);
        Yardstick.AppResult b = new Yardstick.AppResult("b", failed, curves, starts, nan, Map.of());
        Yardstick.Report r = new Yardstick.Report(budget, List.of("flash"), Map.of("flash", 32L), List.of(a, b));

        assertEquals(List.of("b"), r.expertsFailed());
        assertEquals(0.5, r.gap("flash").mean(), 1e-12);
        assertEquals(1, r.gap("flash").n());
        assertEquals(0, r.gap("flash").leftOut(), "failed apps are apart, not 'undefined'");
        assertEquals(1, r.cost("flash").apps());
        JsonObject json = r.toJson();
        assertEquals(1, json.get("experts_failed").getAsInt());
        assertEquals("b", json.getAsJsonArray("experts_failed_apps").get(0).getAsString());
        assertEquals(1, json.get("apps_measured_against_expert").getAsInt());
        assertEquals(2, json.get("apps").getAsInt());
        assertEquals(1, json.get("experts_retried").getAsInt());
        assertEquals(1, json.get("apps_where_do_nothing_is_within_cost_band").getAsInt(),
                "doing nothing would cost 0 there: flagged");
        assertTrue(json.getAsJsonArray("per_app").get(0).getAsJsonObject().get("do_nothing_within_cost_band")
                .getAsBoolean());
        assertFalse(AdaptationCost.withinBand(0, 0.2));
        assertFalse(AdaptationCost.withinBand(Double.NaN, 0.2));
        JsonObject rowB = json.getAsJsonArray("per_app").get(1).getAsJsonObject();
        assertTrue(rowB.get("expert_failed").getAsBoolean());
        assertTrue(rowB.get("adaptation_cost_flash_steps").isJsonNull());
    }

    @Test
    void contestantsStartingAboveTheirExpertAreCountedPerContestant() {
        Budget budget = new Budget(64, 32, 32, 2);
        EvaluatedCurve curve = EvaluatedCurve.of(budget.points(), new double[] {0.3, 0.3, 0.3});
        ConvergedExpert.Expert expert = new ConvergedExpert.Expert(0.2, true, 640, 0, curve, 0.0, 1, false);
        ConvergedExpert.Expert failed = new ConvergedExpert.Expert(0, false, 640, 0,
                EvaluatedCurve.of(new long[] {0, 640}, new double[2]), 0, 3, true);
        Map<String, EvaluatedCurve> curves = Map.of("flash", curve, "transfer", curve);
        Map<String, Double> starts = Map.of("flash", 0.3, "transfer", 0.1);
        Map<String, AdaptationCost> costs = Map.of("flash", AdaptationCost.of(curve, 0.2, 0),
                "transfer", AdaptationCost.of(curve, 0.2, 0));
        // flash starts above the expert (gap -0.5), transfer below (+0.5)
        Yardstick.AppResult a = new Yardstick.AppResult("a", expert, curves, starts,
                Map.of("flash", -0.5, "transfer", 0.5), costs);
        // a failed expert's app is no reference: not counted, whatever its gaps say
        Yardstick.AppResult b = new Yardstick.AppResult("b", failed, curves, starts,
                Map.of("flash", -1.0, "transfer", -1.0), Map.of());
        Yardstick.Report r = new Yardstick.Report(budget, List.of("flash", "transfer"),
                Map.of("flash", 32L, "transfer", 0L), List.of(a, b));
        assertEquals(1, r.aboveExpertAtStart("flash"));
        assertEquals(0, r.aboveExpertAtStart("transfer"));
        JsonObject json = r.toJson();
        assertEquals(1, json.get("above_expert_at_start_flash").getAsInt());
        assertEquals(0, json.get("above_expert_at_start_transfer").getAsInt());
    }
}
