package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.policy.ModelContract;
import dev.flash.sim.AppPopulation;
import dev.flash.testing.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = FlashMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Six applications, two held out. */
    static Path apps(Path dir) throws Exception {
        Path f = dir.resolve("apps.json");
        AppPopulation.write(f, AppPopulation.sample(6, 5, 0.34));
        return f;
    }

    @Test
    void tableHasTheModelAndEveryReferencePoint(@TempDir Path dir) throws Exception {
        Path model = TestModels.spec().write(dir, "tiny.onnx");
        Run r = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps(dir).toString(), "--episodes", "1");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        for (String agent : new String[] {"flash", "performance", "powersave", "ondemand", "conservative",
            "schedutil", "fallback", "oracle"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(agent + " ")), agent + " row in\n" + r.out());
        }
        assertTrue(r.out().contains("energy saving") && r.out().contains("of oracle"));
        // performance is the reference: it saves nothing and loses nothing
        String perf = r.out().lines().filter(l -> l.startsWith("performance ")).findFirst().orElseThrow();
        assertTrue(perf.contains("0.0%"), perf);
    }

    @Test
    void jsonHasTheOperatorFieldsPerAgent(@TempDir Path dir) throws Exception {
        Path model = TestModels.spec().write(dir, "tiny.onnx");
        Run r = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps(dir).toString(), "--episodes", "1",
                "--json");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(2, o.getAsJsonArray("apps").size());
        JsonObject agents = o.getAsJsonObject("agents");
        for (String agent : new String[] {"flash", "performance", "oracle", "fallback", "schedutil"}) {
            JsonObject a = agents.getAsJsonObject(agent);
            for (String field : new String[] {"energy_saving_vs_performance", "slowdown_vs_performance",
                "intervals_within_budget", "budget_held", "share_of_oracle_saving"}) {
                assertTrue(a.has(field), agent + "." + field);
            }
        }
        assertEquals(1.0, agents.getAsJsonObject("oracle").get("share_of_oracle_saving").getAsDouble(), 1e-9);
        assertEquals(0.0, agents.getAsJsonObject("performance").get("energy_saving_vs_performance").getAsDouble(), 1e-9);
        assertTrue(agents.getAsJsonObject("oracle").get("energy_saving_vs_performance").getAsDouble() > 0,
                "the oracle saves energy on this population");
        assertEquals(2 * agents.size(), o.getAsJsonArray("per_app").size());
        // The operator figure: capped at 1 per app and 0 over budget, so running slow cannot raise it.
        for (String agent : agents.keySet()) {
            double share = agents.getAsJsonObject(agent).get("in_budget_share_of_oracle_saving").getAsDouble();
            assertTrue(share >= 0 && share <= 1, agent + " " + share);
        }
        JsonObject powersave = agents.getAsJsonObject("powersave");
        assertTrue(powersave.get("in_budget_share_of_oracle_saving").getAsDouble()
                <= Math.min(1, powersave.get("share_of_oracle_saving").getAsDouble()));
    }

    @Test
    void dropSignalsEvaluatesOnANodeWithoutThemAndTheReferencesDoNotNotice(@TempDir Path dir) throws Exception {
        Path model = TestModels.spec().write(dir, "tiny.onnx");
        Path apps = apps(dir);
        Run full = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes", "1",
                "--json");
        Run vm = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes", "1",
                "--json", "--drop-signals", "rapl,pmu");
        assertEquals(ExitCodes.OK, vm.code(), vm.err());
        JsonObject f = JsonParser.parseString(full.out()).getAsJsonObject();
        JsonObject v = JsonParser.parseString(vm.out()).getAsJsonObject();
        assertEquals(0, f.getAsJsonArray("dropped_signals").size());
        assertEquals("[\"pmu\",\"rapl\"]", v.getAsJsonArray("dropped_signals").toString());
        for (String ref : new String[] {"performance", "schedutil", "fallback", "oracle"}) {
            assertEquals(f.getAsJsonObject("agents").get(ref), v.getAsJsonObject("agents").get(ref),
                    ref + " reads none of the dropped signals");
        }
        assertTrue(!f.getAsJsonObject("agents").get("flash").equals(v.getAsJsonObject("agents").get("flash")),
                "the model reads ipc, mpki and power: without them it decides otherwise");

        Run table = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes", "1",
                "--drop-signals", "schedstat");
        assertEquals(ExitCodes.OK, table.code(), table.err());
        assertTrue(table.out().contains("without schedstat"), table.out());

        Run unknown = run("evaluate", "dvfs", "--model", model.toString(), "--drop-signals", "pmu,gpu");
        assertEquals(ExitCodes.USAGE, unknown.code());
        assertTrue(unknown.err().contains("--drop-signals") && unknown.err().contains("'gpu'"), unknown.err());
        Run cpufreq = run("evaluate", "dvfs", "--model", model.toString(), "--drop-signals", "cpufreq");
        assertEquals(ExitCodes.USAGE, cpufreq.code());
        assertTrue(cpufreq.err().contains("cpufreq"), cpufreq.err());
    }

    @Test
    void theModelRunsAloneAndBehindTheGuardUnlessNoGuard(@TempDir Path dir) throws Exception {
        Path model = TestModels.spec().write(dir, "tiny.onnx");
        Path apps = apps(dir);
        Run both = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes", "1",
                "--json");
        assertEquals(ExitCodes.OK, both.code(), both.err());
        JsonObject o = JsonParser.parseString(both.out()).getAsJsonObject();
        JsonObject guarded = o.getAsJsonObject("agents").getAsJsonObject("flash+guard");
        double share = guarded.get("in_budget_share_of_oracle_saving").getAsDouble();
        assertTrue(share >= 0 && share <= 1, guarded.toString());
        assertTrue(o.getAsJsonObject("guard_estimator").get("intervals").getAsInt() > 0, o.toString());
        Run alone = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes", "1",
                "--no-guard");
        assertEquals(ExitCodes.OK, alone.code(), alone.err());
        assertTrue(alone.out().lines().noneMatch(l -> l.startsWith("flash+guard ")), alone.out());
        assertTrue(alone.out().contains("in-budget of oracle") && !alone.out().contains("guard estimator"), alone.out());
    }

    @Test
    void traceFollowsTheModelSecondBySecondOnOneApplication(@TempDir Path dir) throws Exception {
        Path model = TestModels.spec().write(dir, "tiny.onnx");
        Path apps = apps(dir);
        String app = dev.flash.dvfs.eval.EvalApps.heldOut(dev.flash.dvfs.eval.EvalApps.load(apps), apps).get(1).name();
        Run r = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes", "1",
                "--trace", app, "--json");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(app, o.get("app").getAsString());
        var ticks = o.getAsJsonArray("ticks");
        assertEquals(32, ticks.size()); // one decision per simulated second of one episode
        long changes = 0;
        for (int i = 0; i < ticks.size(); i++) {
            JsonObject t = ticks.get(i).getAsJsonObject();
            assertEquals(i, t.get("second").getAsInt());
            assertTrue(dev.flash.dvfs.DvfsActions.DEFAULT.contains(t.get("action").getAsString()), t.toString());
            assertTrue(t.get("oracle_khz").getAsLong() > 0 && t.get("cur_khz").getAsLong() > 0, t.toString());
            double wait = t.get("run_wait").getAsDouble();
            assertTrue(wait >= 0 && wait < 1, t.toString());
            if (i > 0 && t.get("cur_khz").getAsLong() != ticks.get(i - 1).getAsJsonObject().get("cur_khz").getAsLong()) {
                changes++;
            }
        }
        // The trace's own frequencies account for the reported change rate, a mean over the node's
        // policies, which all run this application (the last decision's change is not seen by a
        // later tick). Each policy draws its own load noise and the guard keeps its own state per
        // policy (run-queue trust, jump rate, the life's account), so policy 0 may differ from the
        // mean by a few changes (1.2 with the guard of 2026-12-07 afternoon; 3.25 with its evening
        // cover, whose clock in a 32 s trace follows each policy's own first seconds of work).
        double perMinute = o.get("frequency_changes_per_minute").getAsDouble();
        assertTrue(Math.abs(perMinute * 32 / 60 - changes) <= 4.0 + 1e-9, perMinute + " vs " + changes);
        Run text = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes", "1",
                "--trace", app);
        assertTrue(text.out().contains("oracle MHz") && text.out().contains(" wait ")
                && text.out().contains("frequency changes per minute"), text.out());
        Run unknown = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--trace", "nope");
        assertEquals(ExitCodes.USAGE, unknown.code());
        assertTrue(unknown.err().contains("--trace nope"), unknown.err());
    }

    @Test
    void aModelThatDoesNotFitTheEnvironmentExitsSeven(@TempDir Path dir) throws Exception {
        Path model = TestModels.spec().metadata(ModelContract.META_FEATURES,
                        String.join(",", dev.flash.dvfs.DvfsFeatures.NAMES).replace("power_norm", "temp"))
                .write(dir, "wrong.onnx");
        Run r = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps(dir).toString(), "--episodes", "1");
        assertEquals(ExitCodes.INVALID_MODEL, r.code());
        assertTrue(r.err().contains("feature mismatch"), r.err());
        assertEquals("", r.out());
    }

    /** --node FILE: the model and every reference run on that node's frequency table. */
    @Test
    void nodeFileEvaluatesOnItsFrequencyTable(@TempDir Path dir) throws Exception {
        Path model = TestModels.spec().write(dir, "tiny.onnx");
        Path apps = apps(dir);
        Path node = dir.resolve("irregular.toml");
        Files.writeString(node, String.join("\n",
                "[node]", "cpus = 4", "cpus_per_policy = 2", "frequencies_mhz = [1200, 1500, 1900, 2200, 2600, 2900]",
                "initial_mhz = 2900", "[workload]", "seed = 1", "[[workload.apps]]", "name = \"a\"",
                "  [[workload.apps.phases]]", "  memory_boundness = 0.5", "  load = 1.0", "  duration_s = 60", ""));
        java.util.Set<Long> table = java.util.Set.of(1_200_000L, 1_500_000L, 1_900_000L, 2_200_000L, 2_600_000L,
                2_900_000L);
        String app = dev.flash.dvfs.eval.EvalApps.heldOut(dev.flash.dvfs.eval.EvalApps.load(apps), apps).get(0).name();
        Run trace = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes", "1",
                "--node", node.toString(), "--trace", app, "--json");
        assertEquals(ExitCodes.OK, trace.code(), trace.err());
        var ticks = JsonParser.parseString(trace.out()).getAsJsonObject().getAsJsonArray("ticks");
        for (int i = 0; i < ticks.size(); i++) {
            JsonObject t = ticks.get(i).getAsJsonObject();
            assertTrue(table.contains(t.get("cur_khz").getAsLong()), "a frequency of the node's table: " + t);
            assertTrue(table.contains(t.get("oracle_khz").getAsLong()), "the oracle picks from the table: " + t);
        }
        Run onNode = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes", "1",
                "--node", node.toString(), "--json");
        assertEquals(ExitCodes.OK, onNode.code(), onNode.err());
        JsonObject o = JsonParser.parseString(onNode.out()).getAsJsonObject();
        assertEquals(node.toString(), o.get("node").getAsString());
        Run onDefault = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes",
                "1", "--json");
        double floorHere = o.getAsJsonObject("agents").getAsJsonObject("powersave")
                .get("slowdown_vs_performance").getAsDouble();
        double floorThere = JsonParser.parseString(onDefault.out()).getAsJsonObject().getAsJsonObject("agents")
                .getAsJsonObject("powersave").get("slowdown_vs_performance").getAsDouble();
        assertTrue(floorHere != floorThere, "powersave runs at this node's floor, not the default's");

        Path bad = dir.resolve("bad.toml");
        Files.writeString(bad, "[node]\ncpus = 4\nturbo = true\n");
        Run badNode = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--node",
                bad.toString());
        assertEquals(ExitCodes.USAGE, badNode.code());
        assertTrue(badNode.err().contains("turbo") && badNode.err().contains("bad.toml"), badNode.err());
        Run noNode = run("evaluate", "dvfs", "--model", model.toString(), "--node", dir.resolve("no.toml").toString());
        assertEquals(ExitCodes.USAGE, noNode.code());
        assertTrue(noNode.err().contains("--node"), noNode.err());
    }

    @Test
    void badInputsExitTwoNamingTheProblem(@TempDir Path dir) throws Exception {
        Path model = TestModels.spec().write(dir, "tiny.onnx");
        Path apps = apps(dir);

        Run episodes = run("evaluate", "dvfs", "--model", model.toString(), "--episodes", "lots");
        assertEquals(ExitCodes.USAGE, episodes.code());
        assertTrue(episodes.err().contains("--episodes"), episodes.err());

        Run zero = run("evaluate", "dvfs", "--model", model.toString(), "--apps", apps.toString(), "--episodes", "0");
        assertEquals(ExitCodes.USAGE, zero.code());
        assertTrue(zero.err().contains("--episodes"), zero.err());

        Run seed = run("evaluate", "dvfs", "--model", model.toString(), "--seed", "x1");
        assertEquals(ExitCodes.USAGE, seed.code());
        assertTrue(seed.err().contains("--seed"), seed.err());

        Path outOfRange = dir.resolve("bad.json");
        Files.writeString(outOfRange, Files.readString(apps).replaceFirst("\"memory_boundness\": [0-9.]+",
                "\"memory_boundness\": 1.7"));
        Run range = run("evaluate", "dvfs", "--model", model.toString(), "--apps", outOfRange.toString());
        assertEquals(ExitCodes.USAGE, range.code());
        assertTrue(range.err().contains("memory_boundness"), range.err());

        Path missing = dir.resolve("missing.json");
        Files.writeString(missing, Files.readString(apps).replaceFirst("\"base_ipc\": [0-9.]+,", ""));
        Run miss = run("evaluate", "dvfs", "--model", model.toString(), "--apps", missing.toString());
        assertEquals(ExitCodes.USAGE, miss.code());
        assertTrue(miss.err().contains("base_ipc"), miss.err());

        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "{\"format\": \"flash-apps/1\", \"apps\": []}");
        Run none = run("evaluate", "dvfs", "--model", model.toString(), "--apps", empty.toString());
        assertEquals(ExitCodes.USAGE, none.code());
        assertTrue(none.err().contains("empty"), none.err());

        Run noModel = run("evaluate", "dvfs", "--model", dir.resolve("nope.onnx").toString());
        assertEquals(ExitCodes.USAGE, noModel.code());
        assertTrue(noModel.err().contains("--model"), noModel.err());
    }
}
