package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.dvfs.eval.ReproduceJsonFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RescoreCommandTest {

    @TempDir
    Path dir;


    private static final int[] KS = {0, 1};

    private static double[][] points(double k0, double k1) {
        return new double[][] {{k0, k0}, {k1, k1}};
    }

    private Path first() throws Exception {
        return new ReproduceJsonFixture(7, 2)
                .app("calm", KS, points(0.5, 0.9), points(0.2, 1.0))
                .app("bursty", KS, points(0.5, 0.5), points(0.2, 1.0))
                .write(dir.resolve("first.json"));
    }

    @Test
    void jsonGivesOwnAndPooledGapsPerLoadNoiseGroup() throws Exception {
        Path other = new ReproduceJsonFixture(7, 2)
                .app("calm", KS, points(0, 0), points(0, 1.2))
                .app("bursty", KS, points(0, 0), points(0, 2.0))
                .write(dir.resolve("other.json"));
        Path apps = dir.resolve("apps.json");
        Files.writeString(apps, """
                {"format": "flash-apps/1", "apps": [
                 {"name": "calm", "split": "test", "mlp": 2, "base_ipc": 1, "power_intensity": 1,
                  "phases": [{"memory_boundness": 0.2, "load": 0.5, "parallelism": 1, "duration_s": 60, "load_noise": 0.05}]},
                 {"name": "bursty", "split": "test", "mlp": 2, "base_ipc": 1, "power_intensity": 1,
                  "phases": [{"memory_boundness": 0.2, "load": 0.5, "parallelism": 1, "duration_s": 60, "load_noise": 0.4}]}
                ]}""");
        EvaluateCommandTest.Run r = EvaluateCommandTest.run("reproduce", "rescore", first().toString(),
                other.toString(), "--apps", apps.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonArray gaps = o.getAsJsonArray("gaps");
        assertEquals(6, gaps.size()); // own and pooled x all, calm, bursty
        JsonObject own = gaps.get(0).getAsJsonObject();
        assertEquals("own", own.get("expert").getAsString());
        assertEquals((2.0 - 1.4) / 2.0, own.get("reward_gap_flash").getAsDouble(), 1e-12);
        JsonObject pooledBursty = gaps.get(5).getAsJsonObject();
        assertEquals("pooled over 2 runs", pooledBursty.get("expert").getAsString());
        assertTrue(pooledBursty.get("group").getAsString().startsWith("load noise >"), pooledBursty.toString());
        assertEquals(1, pooledBursty.get("apps").getAsInt());
        assertEquals((2.0 - 0.5) / 2.0, pooledBursty.get("reward_gap_flash").getAsDouble(), 1e-12);
    }

    @Test
    void theTableNamesThePaperBeside() throws Exception {
        EvaluateCommandTest.Run r = EvaluateCommandTest.run("reproduce", "rescore", first().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("FLASH gap") && r.out().contains("paper: FLASH 7.1%"), r.out());
    }

    @Test
    void badInputExitsTwoNamingTheFileOrApplication() throws Exception {
        EvaluateCommandTest.Run missing = EvaluateCommandTest.run("reproduce", "rescore",
                dir.resolve("nope.json").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.json"), missing.err());
        Path apps = dir.resolve("apps.json");
        Files.writeString(apps, """
                {"format": "flash-apps/1", "apps": [
                 {"name": "calm", "split": "test", "mlp": 2, "base_ipc": 1, "power_intensity": 1,
                  "phases": [{"memory_boundness": 0.2, "load": 0.5, "parallelism": 1, "duration_s": 60}]}
                ]}""");
        EvaluateCommandTest.Run noApp = EvaluateCommandTest.run("reproduce", "rescore", first().toString(),
                "--apps", apps.toString());
        assertEquals(2, noApp.code());
        assertTrue(noApp.err().contains("no application bursty"), noApp.err());
        EvaluateCommandTest.Run split = EvaluateCommandTest.run("reproduce", "rescore", first().toString(),
                "--noise-split", "2");
        assertEquals(2, split.code());
        assertTrue(split.err().contains("--noise-split"), split.err());
        assertEquals(2, EvaluateCommandTest.run("reproduce", "rescore").code());
    }

    @Test
    void referencesScoreTheStartPointsAgainstTheHiddenStateOnTheSameEpisodes() throws Exception {
        Path apps = dir.resolve("apps.json");
        Files.writeString(apps, """
                {"format": "flash-apps/1", "apps": [
                 {"name": "calm", "split": "test", "mlp": 2, "base_ipc": 1, "power_intensity": 1,
                  "phases": [{"memory_boundness": 0.2, "load": 0.5, "parallelism": 1, "duration_s": 60}]},
                 {"name": "bursty", "split": "test", "mlp": 2, "base_ipc": 1, "power_intensity": 1,
                  "phases": [{"memory_boundness": 0.2, "load": 0.5, "parallelism": 1, "duration_s": 6, "load_noise": 0.4},
                             {"memory_boundness": 0.7, "load": 1.5, "parallelism": 1, "duration_s": 4}]}
                ]}""");
        EvaluateCommandTest.Run r = EvaluateCommandTest.run("reproduce", "rescore", first().toString(),
                "--references", "--apps", apps.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonArray gaps = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("gaps");
        java.util.Map<String, JsonObject> all = new java.util.HashMap<>();
        for (var g : gaps) {
            JsonObject o = g.getAsJsonObject();
            if (o.get("hidden_state_reference").getAsBoolean() && o.get("group").getAsString().equals("all")) {
                all.put(o.get("expert").getAsString(), o);
            }
        }
        assertEquals(java.util.Set.of("clairvoyant_bound", "phase_expert", "phase_expert_cross_validated",
                "phase_expert_one_tick_late", "phase_expert_acting_as_agents", "budget_oracle"), all.keySet());
        JsonObject bound = all.get("clairvoyant_bound");
        double ref = bound.get("expert_reward_per_step").getAsDouble();
        double start = bound.get("flash_start_reward_per_step").getAsDouble();
        assertEquals((ref - start) / Math.abs(ref), bound.get("reward_gap_flash").getAsDouble(), 1e-12);
        assertTrue(ref >= all.get("phase_expert").get("expert_reward_per_step").getAsDouble(), bound.toString());
        JsonArray perApp = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("references_per_app");
        assertEquals(2, perApp.size());
        JsonObject calm = perApp.get(0).getAsJsonObject();
        assertEquals("calm", calm.get("app").getAsString());
        assertEquals(0.9, calm.get("flash_start").getAsDouble(), 1e-12); // the fixture's k = 1 point
        assertTrue(calm.get("clairvoyant_bound").getAsDouble() >= calm.get("phase_expert").getAsDouble());

        EvaluateCommandTest.Run table = EvaluateCommandTest.run("reproduce", "rescore", first().toString(),
                "--references", "--apps", apps.toString());
        assertTrue(table.out().contains("clairvoyant bound") && table.out().contains("upper bound"), table.out());
        // Without --apps the run's held-out applications come from its seed's default population,
        // which has no "calm": the error says so and what to give.
        EvaluateCommandTest.Run noApps = EvaluateCommandTest.run("reproduce", "rescore", first().toString(),
                "--references");
        assertEquals(2, noApps.code());
        assertTrue(noApps.err().contains("no application calm") && noApps.err().contains("--apps FILE"),
                noApps.err());
    }
}
