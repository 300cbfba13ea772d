package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.policy.onnx.ModelDescription;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.policy.onnx.OnnxModel;
import dev.flash.sim.AppPopulation;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.telemetry.TelemetryRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flash train dvfs} end to end with tiny settings, and its refusals. */
class TrainDvfsCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cl = FlashMain.commandLine();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            code = cl.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path smallPopulation() throws Exception {
        Path apps = dir.resolve("apps.json");
        AppPopulation.write(apps, AppPopulation.sample(10, 5, 0.3));
        return apps;
    }

    @Test
    void quickRunWritesAModelTheDaemonLoadsAndRuns() throws Exception {
        Path model = dir.resolve("models/dvfs.onnx");
        Run r = run("train", "dvfs", "--quick", "--iterations", "2", "--seed", "3", "--apps",
                smallPopulation().toString(), "--out", model.toString(), "--json");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(Files.isRegularFile(model));

        JsonObject report = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(3, report.get("seed").getAsLong());
        assertEquals(2, report.getAsJsonArray("curve").size());
        assertTrue(report.getAsJsonObject("held_out").getAsJsonObject("methods").has("oracle"));
        // the idle-host check ran on the written model, whatever it found
        JsonObject idle = report.getAsJsonObject("checks").getAsJsonObject("idle_host");
        assertTrue(idle.get("changes_per_minute").getAsDouble() >= 0, idle.toString());
        assertEquals(idle.get("passes").getAsBoolean(), r.out().contains("\"passes\": true"), idle.toString());
        // provenance: the build's commit (whatever the working directory) and MKL's mode
        assertEquals(dev.flash.BuildInfo.commit().orElse(null),
                report.has("git_commit") ? report.get("git_commit").getAsString() : null);
        assertTrue(report.get("machine").getAsString().endsWith("MKL_CBWR=" + dev.flash.meta.Djl.mklCbwr()),
                report.get("machine").getAsString());
        assertTrue(Files.isRegularFile(dir.resolve("models/dvfs.onnx.report.json")));
        String md = Files.readString(dir.resolve("models/dvfs.onnx.report.md"));
        assertTrue(md.contains("| oracle |"));
        assertTrue(md.contains("- idle_host: **"), md);
        try (Stream<Path> files = Files.list(model.getParent())) {
            assertEquals(3, files.count(), "model + 2 reports, no temporary file left");
        }

        try (OnnxModel loaded = OnnxModel.load(model)) {
            ModelDescription d = loaded.description();
            assertEquals("dvfs", d.agent());
            assertEquals(DvfsFeatures.NAMES, d.features());
            assertEquals(DvfsActions.DEFAULT, d.actions());
            assertTrue(d.contextLength() > 0);
            JsonObject prov = d.provenanceJson();
            assertEquals(3, prov.get("seed").getAsLong());
            assertTrue(prov.get("command").getAsString().contains("train dvfs"));
            assertEquals(64, prov.get("apps_sha256").getAsString().length());
        }
        SimulatedNode node = SimSpec.embeddedDefault().build();
        node.sample();
        node.advance(1);
        TelemetryRecord record = node.sample();
        try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(model)) {
            assertEquals(DvfsActions.DEFAULT_LEVELS, policy.levels());
            List<PolicyDecision> decisions = policy.decide(record, TrajectoryContexts.EMPTY);
            assertEquals(record.policies().size(), decisions.size());
            for (PolicyDecision d : decisions) {
                assertTrue(d.targetKhz() >= 1_000_000 && d.targetKhz() <= 3_000_000, "target " + d.targetKhz());
            }
        }
    }

    @Test
    void appsFileWithMissingFieldIsRejectedAndNothingIsWritten() throws Exception {
        String text = Files.readString(smallPopulation()).replaceFirst("\"mlp\": [0-9.]+,", "");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, text);
        Path model = dir.resolve("out/never.onnx");
        Run r = run("train", "dvfs", "--quick", "--apps", bad.toString(), "--out", model.toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("mlp"), r.err());
        assertFalse(Files.exists(model));
        assertFalse(Files.exists(model.getParent()) && Files.list(model.getParent()).findAny().isPresent());
    }

    @Test
    void appsFileWithOutOfRangeValueNamesTheField() throws Exception {
        String text = Files.readString(smallPopulation()).replaceFirst("\"memory_boundness\": [0-9.]+",
                "\"memory_boundness\": 1.7");
        Path bad = dir.resolve("range.json");
        Files.writeString(bad, text);
        Run r = run("train", "dvfs", "--quick", "--apps", bad.toString(), "--out", dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("memory_boundness"), r.err());
        assertFalse(Files.exists(dir.resolve("m.onnx")));
    }

    @Test
    void emptyPopulationIsRejected() throws Exception {
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "{\"format\": \"flash-apps/1\", \"apps\": []}");
        Run r = run("train", "dvfs", "--quick", "--apps", empty.toString(), "--out", dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("empty"), r.err());
    }

    @Test
    void nonNumericSeedIterationsAndUnknownEncoderAreUsageErrors() {
        Run seed = run("train", "dvfs", "--seed", "seven", "--out", dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, seed.code());
        assertTrue(seed.err().contains("--seed"), seed.err());
        Run iters = run("train", "dvfs", "--iterations", "many", "--out", dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, iters.code());
        assertTrue(iters.err().contains("--iterations"), iters.err());
        Run enc = run("train", "dvfs", "--encoder", "lstm", "--out", dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, enc.code());
        assertTrue(enc.err().contains("--encoder"), enc.err());
        assertFalse(Files.exists(dir.resolve("m.onnx")));
    }

    @Test
    void badContextWindowsAreAUsageErrorNamingTheOption() {
        Run bad = run("train", "dvfs", "--context-windows", "1,x,4", "--out", dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("--context-windows") && bad.err().contains("'x'"), bad.err());
        Run zero = run("train", "dvfs", "--context-windows", "1,0", "--out", dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, zero.code());
        assertTrue(zero.err().contains("--context-windows"), zero.err());
        Run clash = run("train", "dvfs", "--context-length", "3", "--context-windows", "1,1,2,4", "--out",
                dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, clash.code());
        assertTrue(clash.err().contains("disagree"), clash.err());
        Run gru = run("train", "dvfs", "--encoder", "gru", "--context-positions", "--out",
                dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, gru.code());
        assertTrue(gru.err().contains("--context-positions") && gru.err().contains("GRU"), gru.err());
        assertFalse(Files.exists(dir.resolve("m.onnx")));
    }

    @Test
    void badSignalDropoutOrConstraintIsAUsageErrorNamingTheOption() {
        Run drop = run("train", "dvfs", "--signal-dropout", "1.5", "--out", dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, drop.code());
        assertTrue(drop.err().contains("--signal-dropout"), drop.err());
        Run c = run("train", "dvfs", "--constraint", "hard", "--out", dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, c.code());
        assertTrue(c.err().contains("--constraint"), c.err());
        Run t = run("train", "dvfs", "--constraint", "lagrangian", "--over-budget-target", "1.2", "--out",
                dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, t.code());
        assertTrue(t.err().contains("--over-budget-target"), t.err());
        Run alone = run("train", "dvfs", "--over-budget-target", "0.05", "--out", dir.resolve("m.onnx").toString());
        assertEquals(ExitCodes.USAGE, alone.code());
        assertTrue(alone.err().contains("--constraint lagrangian"), alone.err());
        assertFalse(Files.exists(dir.resolve("m.onnx")));
    }

    @Test
    void aModelTrainedWithDropoutTheMaskAndTheConstraintSaysSo() throws Exception {
        Path model = dir.resolve("c/dvfs.onnx");
        Run r = run("train", "dvfs", "--quick", "--iterations", "2", "--seed", "3", "--apps",
                smallPopulation().toString(), "--out", model.toString(), "--json", "--signal-dropout", "0.5",
                "--signal-mask", "--constraint", "lagrangian", "--over-budget-target", "0.07");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonObject env = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("environment");
        assertEquals(0.5, env.get("signal_dropout").getAsDouble(), 0);
        assertTrue(env.get("signal_mask").getAsBoolean(), env.toString());
        String method = env.getAsJsonObject("constraint").get("method").getAsString();
        assertTrue(method.contains("Lagrangian") && method.contains("0.07"), env.toString());
        try (OnnxModel loaded = OnnxModel.load(model)) {
            ModelDescription d = loaded.description();
            assertTrue(d.reward().contains("Lagrangian"), d.reward());
            assertTrue(d.signals().tolerated().containsAll(dev.flash.telemetry.SignalGroups.DROPPABLE),
                    "tolerates every dropped group: " + d.signals());
            assertEquals(dev.flash.dvfs.DvfsFeatureSet.WITH_MASK.names(), d.features());
        }
    }

    @Test
    void trainWithoutSubcommandIsAUsageError() {
        Run r = run("train");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("dvfs"), r.err());
    }
}
