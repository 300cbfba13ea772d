package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.autoscale.ServicePopulation;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The case II commands end to end: sim services, train autoscale --quick, evaluate autoscale. */
class AutoscaleCommandsTest {

    private static int run(java.io.ByteArrayOutputStream out, String... args) {
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(out, true));
            return FlashMain.commandLine().execute(args);
        } finally {
            System.setOut(old);
        }
    }

    /** Six services (five for training), seed 5: small enough for --quick runs in a test. */
    private static Path smallServices(Path dir) throws java.io.IOException {
        Path services = dir.resolve("services.json");
        StringWriter w = new StringWriter();
        ServicePopulation.write(ServicePopulation.sample(6, 5, 0.34), w);
        Files.writeString(services, w.toString());
        return services;
    }

    /** {@code train autoscale --quick} on {@link #smallServices} with {@code options}; its JSON report. */
    private static JsonObject trainQuick(Path dir, String name, String... options) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "autoscale", "--quick",
                "--services", smallServices(dir).toString()));
        args.addAll(java.util.List.of(options));
        args.addAll(java.util.List.of("--out", dir.resolve(name + ".onnx").toString()));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertEquals(ExitCodes.OK, run(out, args.toArray(new String[0])), out.toString());
        return JsonParser.parseString(Files.readString(dir.resolve(name + ".onnx.report.json"))).getAsJsonObject();
    }

    @Test
    void trainExportsAModelThatEvaluateRunsAgainstHpa(@TempDir Path dir) throws Exception {
        Path services = smallServices(dir);
        Path model = dir.resolve("m.onnx");
        java.io.ByteArrayOutputStream trainOut = new java.io.ByteArrayOutputStream();
        assertEquals(ExitCodes.OK, run(trainOut, "train", "autoscale", "--quick", "--services", services.toString(),
                "--out", model.toString()), trainOut.toString());
        assertTrue(Files.size(model) > 0);
        JsonObject report = JsonParser.parseString(Files.readString(dir.resolve("m.onnx.report.json"))).getAsJsonObject();
        assertEquals(3, report.getAsJsonArray("curve").size());
        assertEquals(2, report.getAsJsonObject("held_out").getAsJsonArray("services").size());

        java.io.ByteArrayOutputStream evalOut = new java.io.ByteArrayOutputStream();
        assertEquals(ExitCodes.OK, run(evalOut, "evaluate", "autoscale", "--model", model.toString(), "--services",
                services.toString(), "--steps", "30", "--json"), evalOut.toString());
        JsonObject e = JsonParser.parseString(evalOut.toString()).getAsJsonObject();
        assertTrue(e.get("slo_violations_vs_hpa").getAsDouble() >= 0);
        assertTrue(e.get("core_seconds_vs_hpa").getAsDouble() > 0);
        JsonObject hpa = e.getAsJsonObject("totals").getAsJsonObject("hpa");
        assertTrue(hpa.get("requests").getAsLong() > 0);
        assertEquals("hpa-floor", e.get("guard").getAsString(), "served behind the guard it was trained behind");
        java.io.ByteArrayOutputStream ablation = new java.io.ByteArrayOutputStream();
        assertEquals(ExitCodes.OK, run(ablation, "evaluate", "autoscale", "--model", model.toString(), "--services",
                services.toString(), "--steps", "30", "--guard", "utilization", "--json"), ablation.toString());
        assertTrue(JsonParser.parseString(ablation.toString()).getAsJsonObject().get("guard").getAsString()
                .startsWith("utilization (--guard"), ablation.toString());
    }

    @Test
    void aTwoSidedBudgetReportsBothPricesPerIteration(@TempDir Path dir) throws Exception {
        JsonObject report = trainQuick(dir, "b", "--two-sided-budget", "0.95", "--budget-on", "greedy");
        String settings = report.getAsJsonObject("settings").get("core_budget").getAsString();
        assertTrue(settings.contains("core-seconds <= 0.95") && settings.contains("missed requests <= 0.95"), settings);
        var budget = report.getAsJsonArray("core_budget");
        assertEquals(3, budget.size(), "one greedy probe per iteration");
        for (var b : budget) {
            assertTrue(b.getAsJsonObject().has("core_price") && b.getAsJsonObject().has("miss_price"), b.toString());
        }
        String md = Files.readString(dir.resolve("b.onnx.report.md"));
        assertTrue(md.contains(" of cores and ") && md.contains(" of misses"), md);
    }

    @Test
    void aMissBudgetMeasuredOnTheGreedyPolicyProbesTrainingServicesEveryIteration(@TempDir Path dir) throws Exception {
        JsonObject report = trainQuick(dir, "g", "--miss-budget-ratio", "0.9", "--budget-on", "greedy");
        assertTrue(report.getAsJsonObject("settings").get("core_budget").getAsString().contains("greedy policy"));
        var budget = report.getAsJsonArray("core_budget");
        assertEquals(3, budget.size(), "one greedy probe per iteration");
        int train = ServicePopulation.split(ServicePopulation.sample(6, 5, 0.34), "train").size();
        for (var b : budget) {
            assertEquals(Math.min(8, train), b.getAsJsonObject().get("episodes").getAsInt(),
                    "one probe run per training service (at most 8), not PPO's sampled episodes");
        }
    }

    @Test
    void initFromHpaWithNoIterationsExportsTheCloneAlone(@TempDir Path dir) throws Exception {
        Path services = smallServices(dir);
        Path model = dir.resolve("clone.onnx");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertEquals(ExitCodes.OK, run(out, "train", "autoscale", "--quick", "--services", services.toString(),
                "--init-from", "hpa", "--iterations", "0", "--out", model.toString()), out.toString());
        JsonObject report = JsonParser.parseString(Files.readString(dir.resolve("clone.onnx.report.json"))).getAsJsonObject();
        assertEquals(0, report.getAsJsonArray("curve").size(), "no PPO iteration");
        assertEquals(3, report.getAsJsonArray("imitation").size(), "--quick: 3 cloning rounds");
        assertTrue(report.getAsJsonObject("settings").get("init").getAsString().startsWith("behaviour cloning"));
        // and PPO from that clone's weights, held to HPA's move
        Path next = dir.resolve("next.onnx");
        assertEquals(ExitCodes.OK, run(out, "train", "autoscale", "--quick", "--services", services.toString(),
                "--init-from", model.toString(), "--iterations", "1", "--clone-weight", "2", "--out", next.toString()),
                out.toString());
        JsonObject second = JsonParser.parseString(Files.readString(dir.resolve("next.onnx.report.json"))).getAsJsonObject();
        assertEquals(1, second.getAsJsonArray("imitation").size(), "one PPO iteration with HPA's labels");
        assertEquals(2.0, second.getAsJsonArray("imitation").get(0).getAsJsonObject().get("weight").getAsDouble(), 1e-9);
        assertTrue(second.getAsJsonObject("provenance").has("start_weights_sha256"));
    }

    @Test
    void evaluateStartsATraceAtFrom(@TempDir Path dir) throws Exception {
        Path services = smallServices(dir);
        StringBuilder counts = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            counts.append(600 + 6 * i).append('\n');
        }
        Path trace = dir.resolve("day.txt");
        Files.writeString(trace, counts);
        Path model = dev.flash.autoscale.TestModels.write(dir, 4, -1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertEquals(ExitCodes.OK, run(out, "evaluate", "autoscale", "--model", model.toString(), "--services",
                services.toString(), "--trace", trace.toString(), "--interval", "60", "--from", "100", "--steps", "50",
                "--json"), out.toString());
        JsonObject e = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertTrue(e.get("load").getAsString().endsWith("[100, 150)"), e.get("load").getAsString());
        PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "evaluate", "autoscale", "--model",
                    model.toString(), "--services", services.toString(), "--trace", trace.toString(), "--interval", "60",
                    "--from", "200"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "evaluate", "autoscale", "--model",
                    model.toString(), "--from", "5"));
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(err.toString().contains("--from 200 is past the trace's end (200 steps)"), err.toString());
        assertTrue(err.toString().contains("--from needs --trace"), err.toString());
    }

    @Test
    void badInputExitsTwoNamingTheProblem(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("t.txt");
        Files.writeString(trace, "1 2 3\n4 -5\n");
        Path model = dev.flash.autoscale.TestModels.write(dir, 4, -1);
        PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true));
            code = run(new java.io.ByteArrayOutputStream(), "evaluate", "autoscale", "--model", model.toString(),
                    "--trace", trace.toString());
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains("t.txt:2:3: negative count -5"), err.toString());
        // a DVFS model is refused by the autoscale commands (exit 7)
        Path dvfs = Path.of("models/dvfs-flash.onnx");
        if (Files.exists(dvfs)) {
            assertEquals(ExitCodes.INVALID_MODEL, run(new java.io.ByteArrayOutputStream(), "evaluate", "autoscale",
                    "--model", dvfs.toString()));
            assertEquals(ExitCodes.INVALID_MODEL, run(new java.io.ByteArrayOutputStream(), "reproduce", "autoscale",
                    "--quick", "--model", dvfs.toString(), "--out", dir.resolve("r").toString()));
        }
        // reproduce autoscale refuses the same bad inputs before training anything
        java.io.ByteArrayOutputStream reproErr = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(reproErr, true));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "reproduce", "autoscale", "--quick",
                    "--trace", trace.toString(), "--out", dir.resolve("r").toString()));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "reproduce", "autoscale", "--quick",
                    "--model", dir.resolve("missing.onnx").toString(), "--out", dir.resolve("r").toString()));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "reproduce", "autoscale", "--quick",
                    "--expert-steps", "0", "--out", dir.resolve("r").toString()));
            // context windows: not a number, with --context-length, and training's twin
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "reproduce", "autoscale", "--quick",
                    "--context-windows", "1,x,4", "--out", dir.resolve("r").toString()));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "reproduce", "autoscale", "--quick",
                    "--context-windows", "1,1,4", "--context-length", "3", "--out", dir.resolve("r").toString()));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--context-windows", "1,0,4"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--context-windows", "1,1,4", "--context", "3"));
            // an unknown guard, or a budget ratio without the budget, before anything is trained
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale", "--guard", "hope"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--core-budget-ratio", "1"));
            // the two budgets are mutually exclusive; the miss budget's ratio is bounded
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--core-budget", "--miss-budget-ratio", "0.9"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--miss-budget-ratio", "0"));
            // the two-sided budget is bounded and replaces both one-sided ones
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--two-sided-budget", "3"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--two-sided-budget", "1", "--core-budget"));
            // the greedy measurement of a budget needs a budget, and names one of two policies
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--budget-on", "greedy"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--miss-budget-ratio", "0.9", "--budget-on", "best"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "evaluate", "autoscale", "--model",
                    model.toString(), "--guard", "hope"));
            // the start from HPA: its options alone, a missing model, 0 iterations without it, bounds
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--clone-iterations", "5"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--clone-weight", "1"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--init-from", dir.resolve("no-clone.onnx").toString()));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--iterations", "0"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--init-from", "hpa", "--clone-weight", "-1"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--init-from", "hpa", "--clone-iterations", "0"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--init-from", model.toString(), "--clone-iterations", "3"));
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--episode-steps", "5"));
            // train autoscale names a missing services file, before the training stack loads
            assertEquals(ExitCodes.USAGE, run(new java.io.ByteArrayOutputStream(), "train", "autoscale",
                    "--services", dir.resolve("missing-services.json").toString()));
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(reproErr.toString().contains("t.txt:2:3: negative count -5"), reproErr.toString());
        assertTrue(reproErr.toString().contains("missing.onnx: no such file"), reproErr.toString());
        assertTrue(reproErr.toString().contains("--services: no such file"), reproErr.toString());
        assertTrue(reproErr.toString().contains("--miss-budget-ratio and --core-budget are mutually exclusive"),
                reproErr.toString());
        assertTrue(reproErr.toString().contains("need --init-from"), reproErr.toString());
        assertTrue(reproErr.toString().contains("--two-sided-budget already bounds cores and misses"), reproErr.toString());
        assertTrue(reproErr.toString().contains("no-clone.onnx' (no such file)"), reproErr.toString());
        assertFalse(reproErr.toString().contains("Exception"), reproErr.toString());
    }
}
