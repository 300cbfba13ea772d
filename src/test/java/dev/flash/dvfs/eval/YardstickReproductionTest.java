package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.flash.meta.yardstick.ConvergedExpert;
import dev.flash.meta.yardstick.ExpertCache;
import dev.flash.meta.yardstick.Yardstick;
import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One tiny case III reproduction end to end through the yardsticks, and a second one reusing its experts. */
class YardstickReproductionTest {

    private static final Reproduction.Listener QUIET = new Reproduction.Listener() {
        @Override
        public void phase(String name, int total) {
        }

        @Override
        public void step(String detail) {
        }
    };

    @Test
    void tinyReproductionGivesEveryFigureAndReusesItsExperts(@TempDir Path dir) throws Exception {
        List<AppSpec> population = AppPopulation.sample(12, 3, 0.25);
        YardstickReproduction.Plan plan = YardstickReproduction.Plan.tiny(3);
        Path experts = dir.resolve("experts");
        YardstickReproduction.Result r = YardstickReproduction.run(population, plan, dir,
                new ExpertCache(experts, false), QUIET);
        assertEquals(2, r.expertsBuilt());
        assertEquals(0, r.expertsCached());
        assertTrue(Files.exists(dir.resolve("flash-dvfs.onnx")));
        JsonObject j = YardstickReproduction.toJson(r);
        for (String k : List.of("reward_gap_flash", "reward_gap_transfer", "reward_gap_history",
                "adaptation_cost_flash_steps", "adaptation_cost_transfer_steps", "censored_flash",
                "censored_transfer", "adaptation_cost_ratio", "apps_within_budget", "energy_saving_vs_performance",
                "slowdown_vs_performance", "in_budget_share_of_oracle_saving", "apps_within_budget_guard",
                "in_budget_share_of_oracle_saving_guard")) {
            assertTrue(j.has(k), k + " missing from " + j.keySet());
        }
        double share = j.get("in_budget_share_of_oracle_saving").getAsDouble();
        assertTrue(share >= 0 && share <= 1, "share " + share);
        double within = j.get("apps_within_budget").getAsDouble();
        assertTrue(within >= 0 && within <= 1);
        assertTrue(j.get("slowdown_vs_performance_guard").getAsDouble()
                <= j.get("slowdown_vs_performance").getAsDouble() + 1e-9, "the guard only ever raises the clock");
        long budget = plan.onlineEpisodes() * (long) plan.settings().env().episodeSteps();
        for (String c : List.of("flash", "transfer", "history")) {
            double cost = j.get("adaptation_cost_" + c + "_steps").getAsDouble();
            assertTrue(cost >= 0 && cost <= budget, c + " cost " + cost);
        }
        assertTrue(j.get("adaptation_cost_flash_steps").getAsDouble() >= plan.settings().contextLength(),
                "FLASH's context-filling steps count");
        assertEquals(2, j.getAsJsonArray("per_app").size());
        assertTrue(j.has("reward_gap_flash_vs_budget_oracle"));
        // experts that never beat the performance governor are counted apart; every row names its references
        assertEquals(j.get("apps").getAsInt(), j.get("apps_measured_against_expert").getAsInt()
                + j.get("experts_failed").getAsInt());
        assertEquals(ConvergedExpert.RULE_VERSION, j.getAsJsonObject("experts").get("rule_version").getAsString());
        for (var row : j.getAsJsonArray("per_app")) {
            JsonObject o = row.getAsJsonObject();
            assertEquals(0, o.get("do_nothing_reward_per_step").getAsDouble(), 1e-9, "fmax scores 0 by construction");
            assertTrue(o.get("budget_oracle_reward_per_step").isJsonPrimitive());
            assertTrue(o.get("expert_attempts").getAsInt() >= 1);
        }
        // No policy on the ladder passes the clairvoyant bound of the same episodes: nor can the expert.
        for (int i = 0; i < 2; i++) {
            double bound = r.references().get(i).perStep().get(HiddenStateReferences.CLAIRVOYANT);
            assertTrue(r.yardstick().apps().get(i).expert().rewardPerStep() <= bound + 1e-9,
                    "expert above the clairvoyant bound on app " + i);
        }

        YardstickReproduction.Result again = YardstickReproduction.run(population, plan, dir,
                new ExpertCache(experts, false), QUIET);
        assertEquals(0, again.expertsBuilt());
        assertEquals(2, again.expertsCached());
        for (int i = 0; i < 2; i++) {
            assertEquals(r.yardstick().apps().get(i).expert().rewardPerStep(),
                    again.yardstick().apps().get(i).expert().rewardPerStep());
        }
    }

    /**
     * With a context of windows, FLASH and the history baseline both read its rows, the exported
     * FLASH states the layout and runs in the operator view as flashd runs it, and the experts
     * are the flat run's (no contestant's layout is part of an expert's key).
     */
    @Test
    void windowedContextRunsEndToEndWithTheSameExperts(@TempDir Path dir) throws Exception {
        List<AppSpec> population = AppPopulation.sample(12, 3, 0.25);
        dev.flash.policy.ContextLayout layout = dev.flash.policy.ContextLayout.parse("1,1,2");
        YardstickReproduction.Plan flat = YardstickReproduction.Plan.tiny(3);
        YardstickReproduction.Plan plan = flat.withContextLayout(layout);
        assertEquals(layout, plan.settings().contextLayout());
        Path experts = dir.resolve("experts");
        YardstickReproduction.Result r = YardstickReproduction.run(population, plan, dir,
                new ExpertCache(experts, false), QUIET);
        assertEquals(2, r.expertsBuilt());
        try (dev.flash.policy.onnx.OnnxDvfsPolicy p =
                     dev.flash.policy.onnx.OnnxDvfsPolicy.load(dir.resolve("flash-dvfs.onnx"))) {
            assertEquals(layout, p.description().contextLayout());
        }
        JsonObject j = YardstickReproduction.toJson(r);
        assertEquals("1,1,2", j.getAsJsonObject("plan").get("context_windows").getAsString());
        assertTrue(j.has("reward_gap_history"));
        YardstickReproduction.Result f = YardstickReproduction.run(population, flat,
                Files.createDirectories(dir.resolve("flat")),
                new ExpertCache(experts, false), QUIET);
        assertEquals(0, f.expertsBuilt(), "the flat run reads the experts the windowed run built");
        YardstickReproduction.Plan positional = plan.withContextPositions();
        assertTrue(positional.settings().network().positional());
        YardstickReproduction.Result p = YardstickReproduction.run(population, positional,
                Files.createDirectories(dir.resolve("positions")), new ExpertCache(experts, false), QUIET);
        assertEquals(0, p.expertsBuilt(), "row positions are not part of an expert's key");
        assertTrue(YardstickReproduction.toJson(p).getAsJsonObject("plan").get("context_positions").getAsBoolean());
        try (dev.flash.policy.onnx.OnnxDvfsPolicy m =
                     dev.flash.policy.onnx.OnnxDvfsPolicy.load(dir.resolve("positions").resolve("flash-dvfs.onnx"))) {
            assertEquals(layout, m.description().contextLayout());
        }
    }

    /**
     * Two JVMs (a real worker process: the transfer base and the sweep, then half the held-out
     * apps with their experts) compute exactly what one computes.
     */
    @Test
    void twoProcessesComputeWhatOneComputes(@TempDir Path dir) throws Exception {
        List<AppSpec> population = AppPopulation.sample(12, 3, 0.25);
        YardstickReproduction.Plan plan = YardstickReproduction.Plan.tiny(3);
        YardstickReproduction.Result one = YardstickReproduction.run(population, plan, dir.resolve("one"),
                new ExpertCache(dir.resolve("experts-one"), false), QUIET, 1);
        YardstickReproduction.Result two = YardstickReproduction.run(population, plan, dir.resolve("two"),
                new ExpertCache(dir.resolve("experts-two"), false), QUIET, 2);
        assertEquals(1, one.processes());
        assertEquals(2, two.processes());
        assertEquals(2, two.expertsBuilt(), "experts built in both processes are counted");
        assertEquals(one.sweep().chosen(), two.sweep().chosen());
        assertArrayEquals(one.sweep().scores(), two.sweep().scores(), "the sweep ran on the same base weights");
        for (int i = 0; i < one.yardstick().apps().size(); i++) {
            Yardstick.AppResult a = one.yardstick().apps().get(i);
            Yardstick.AppResult b = two.yardstick().apps().get(i);
            assertEquals(a.app(), b.app(), "held-out order whichever process measured it");
            assertEquals(a.expert().rewardPerStep(), b.expert().rewardPerStep(), a.app());
            for (String c : one.yardstick().contestants()) {
                assertArrayEquals(a.curves().get(c).reward(), b.curves().get(c).reward(), a.app() + " " + c);
            }
            assertArrayEquals(one.references().get(i).clairvoyant(), two.references().get(i).clairvoyant());
        }
        assertTrue(two.cpuSeconds() > 0);
        JsonObject j1 = YardstickReproduction.toJson(one);
        JsonObject j2 = YardstickReproduction.toJson(two);
        for (String k : List.of("reward_gap_flash", "reward_gap_transfer", "reward_gap_history", "adaptation_cost_ratio",
                "in_budget_share_of_oracle_saving", "apps_within_budget")) {
            assertEquals(j1.get(k), j2.get(k), k);
        }
    }
}
