package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config-search recommend --engine}: auto answers one workload with the built-in
 * evaluator, and the three choices rank alike; a file the evaluator cannot read runs on ONNX
 * Runtime under auto and is refused, saying why, under builtin.
 */
class RecommendEngineTest {
    static final String MODEL = "models/configsearch-multicloud.onnx";

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
            ConfigSearchCommand.Recommend plain = ConfigSearchCommand.Recommend.plain(args);
            code = plain != null ? plain.callPlain() : FlashMain.commandLine(args).execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path samples() throws Exception {
        List<String> all = Files.readAllLines(ConfigSearchCommandTest.fixture("multicloud-fixture.csv"));
        Path f = dir.resolve("samples.csv");
        Files.write(f, List.of(all.get(0), all.get(1), all.get(2)), StandardCharsets.UTF_8);
        return f;
    }

    private static JsonObject json(Run r) {
        assertEquals(0, r.code(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    @Test
    void everyEngineRanksAlikeAndJsonNamesIt() throws Exception {
        String s = samples().toString();
        JsonObject auto = json(run("config-search", "recommend", "--model", MODEL, "--samples", s, "--json"));
        JsonObject ort = json(run("config-search", "recommend", "--model", MODEL, "--samples", s, "--json",
                "--engine", "ort"));
        JsonObject builtin = json(run("config-search", "recommend", "--model", MODEL, "--samples", s, "--json",
                "--engine", "builtin"));
        assertEquals("builtin", auto.get("engine").getAsString());
        assertEquals("onnxruntime", ort.get("engine").getAsString());
        assertEquals("builtin", builtin.get("engine").getAsString());
        assertEquals(ort.get("recommended"), auto.get("recommended"));
        assertEquals(ort.get("measure_next"), auto.get("measure_next"));
        JsonArray a = auto.getAsJsonArray("ranked");
        JsonArray o = ort.getAsJsonArray("ranked");
        assertEquals(o.size(), a.size());
        for (int i = 0; i < o.size(); i++) {
            JsonObject x = a.get(i).getAsJsonObject();
            JsonObject y = o.get(i).getAsJsonObject();
            assertEquals(y.get("config"), x.get("config"), "rank " + i);
            double v = y.get("value").getAsDouble();
            // a prediction is exp of the network's output: 1e-5 on the output is 1e-5 relative here
            assertEquals(v, x.get("value").getAsDouble(), 1e-5 * v, "rank " + i);
        }
    }

    @Test
    void verboseSaysWhichEngineRan() throws Exception {
        Run r = run("config-search", "recommend", "--model", MODEL, "--samples", samples().toString(), "--verbose");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("engine builtin (--engine auto)"), r.err());
        Run bad = run("config-search", "recommend", "--model", MODEL, "--samples", samples().toString(),
                "--engine", "gpu");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("--engine must be one of auto, ort, builtin, got 'gpu'"), bad.err());
    }

    /** The shipped model plus one node of an operator the evaluator does not implement. */
    private Path withSin() throws Exception {
        OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(Path.of(MODEL))).toBuilder();
        m.getGraphBuilder().addNode(OnnxMl.NodeProto.newBuilder().setOpType("Sin").setName("extra_sin")
                .addInput("state").addOutput("unused_sin"));
        Path f = dir.resolve("with-sin.onnx");
        Files.write(f, m.build().toByteArray());
        return f;
    }

    @Test
    void aFileTheEvaluatorCannotReadRunsOnOnnxRuntimeUnderAuto() throws Exception {
        Path model = withSin();
        Run auto = run("config-search", "recommend", "--model", model.toString(), "--samples", samples().toString(),
                "--json", "--verbose");
        assertEquals("onnxruntime", json(auto).get("engine").getAsString());
        assertTrue(auto.err().contains("operator Sin in node 'extra_sin' (not supported by the built-in evaluator)"),
                auto.err());
        Run builtin = run("config-search", "recommend", "--model", model.toString(), "--samples", samples().toString(),
                "--engine", "builtin");
        assertEquals(ExitCodes.FAILURE, builtin.code());
        assertTrue(builtin.err().contains("not supported by the built-in evaluator")
                && builtin.err().contains("--engine ort or auto"), builtin.err());
    }

    @Test
    void aRejectedModelIsRejectedAlikeByBothEngines() throws Exception {
        Path empty = dir.resolve("empty.onnx");
        Files.write(empty, new byte[0]);
        for (String engine : List.of("auto", "ort", "builtin")) {
            Run r = run("config-search", "recommend", "--model", empty.toString(), "--samples", samples().toString(),
                    "--engine", engine);
            assertEquals(ExitCodes.INVALID_MODEL, r.code(), engine + ": " + r.err());
            assertTrue(r.err().contains("file is empty"), engine + ": " + r.err());
        }
    }
}
