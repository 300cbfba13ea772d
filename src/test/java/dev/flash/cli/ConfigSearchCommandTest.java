package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flash train|evaluate config-search} and {@code flash config-search recommend} end to end on the fixture. */
class ConfigSearchCommandTest {

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

    static Path fixture(String name) {
        try {
            return Path.of(ConfigSearchCommandTest.class.getResource("/configsearch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixture's header and the given lines (1-based, header = 1) as a samples file. */
    private Path samples(int... lines) throws Exception {
        List<String> all = Files.readAllLines(fixture("multicloud-fixture.csv"));
        StringBuilder b = new StringBuilder(all.get(0)).append('\n');
        for (int l : lines) {
            b.append(all.get(l - 1)).append('\n');
        }
        Path f = dir.resolve("samples.csv");
        Files.writeString(f, b.toString());
        return f;
    }

    @Test
    void trainsAModelThatRecommendsFromTwoSamples() throws Exception {
        Path model = dir.resolve("cs.onnx");
        Run train = run("train", "config-search", "--dataset", fixture("multicloud-fixture.csv").toString(),
                "--steps", "20", "--seed", "3", "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(Files.isRegularFile(model));
        assertTrue(Files.readString(Path.of(model + ".report.md")).contains("--steps 20"));

        // lines 30 and 40 of the fixture: two configurations of alpha-join
        Run rec = run("config-search", "recommend", "--model", model.toString(), "--samples", samples(30, 40).toString(),
                "--json");
        assertEquals(0, rec.code(), rec.err());
        JsonObject o = JsonParser.parseString(rec.out()).getAsJsonObject();
        JsonArray ranked = o.getAsJsonArray("ranked");
        assertEquals(14, ranked.size(), "every configuration of the training data");
        int measured = 0;
        double previous = 0;
        for (JsonElement e : ranked) {
            JsonObject c = e.getAsJsonObject();
            measured += c.get("measured").getAsBoolean() ? 1 : 0;
            assertTrue(c.get("value").getAsDouble() >= previous, "ranked by value");
            previous = c.get("value").getAsDouble();
        }
        assertEquals(2, measured);
        assertEquals(ranked.get(0).getAsJsonObject().get("config").getAsString(), o.get("recommended").getAsString());
        assertTrue(!o.get("measure_next").isJsonNull());

        Run cost = run("config-search", "recommend", "--model", model.toString(), "--samples", samples(30).toString(),
                "--objective", "cost");
        assertEquals(2, cost.code());
        assertTrue(cost.err().contains("trained for runtime, not cost"), cost.err());

        Run wrongColumns = run("config-search", "recommend", "--model", model.toString(), "--samples",
                fixture("long-fixture.csv").toString());
        assertEquals(2, wrongColumns.code());
        assertTrue(wrongColumns.err().contains("long-fixture.csv:1 column 'provider': missing column"), wrongColumns.err());
    }

    @Test
    void evaluatesEveryMethodAtEveryKAsJson() throws Exception {
        Path plot = dir.resolve("mape.png");
        Run r = run("evaluate", "config-search", "--dataset", fixture("multicloud-fixture.csv").toString(),
                "--folds", "3", "--seeds", "2", "--steps", "20", "--json", "--plot", plot.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(plot) > 0, "a plot with every method");
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        // each fold names what was chosen on its training workloads only
        JsonArray folds = o.getAsJsonArray("fold_training");
        assertEquals(3, folds.size());
        for (JsonElement f : folds) {
            assertTrue(f.getAsString().contains("attention tau") && f.getAsString().contains("transfer "), f.toString());
        }
        for (String m : List.of("flash", "flash-attention", "flash-plain", "baseline", "transfer", "reference")) {
            for (int k = 1; k <= 3; k++) {
                double mape = o.get(m + ".mape." + k).getAsDouble();
                assertTrue(mape >= 0 && Double.isFinite(mape), m + " k=" + k + ": " + mape);
                assertTrue(o.get(m + ".regret." + k).getAsDouble() >= 0);
                // cost under the median-runtime deadline: a regret >= 0 and a share of missed picks
                double cost = o.get(m + ".regret_cost_deadline." + k).getAsDouble();
                double miss = o.get(m + ".deadline_miss." + k).getAsDouble();
                assertTrue(cost >= 0 && Double.isFinite(cost), m + " k=" + k + ": " + cost);
                assertTrue(miss >= 0 && miss <= 1, m + " k=" + k + ": " + miss);
            }
        }
        for (String searcher : List.of("flash", "flash-optimistic", "reference")) {
            for (int k = 1; k <= 3; k++) {
                assertTrue(o.get(searcher + ".regret_adaptive." + k).getAsDouble() >= 0, searcher + " k=" + k);
            }
        }
        assertTrue(o.has("price_log_spread"));
        assertEquals(6, o.get("workloads.1").getAsInt());
        // the fixture's runtimes are nearly a workload scale times a configuration speed: what the
        // ratio reference assumes, so it must be far better than predicting from the shots alone
        assertTrue(o.get("reference.mape.1").getAsDouble() < 0.5 * o.get("paper.baseline.mape.1").getAsDouble());
        assertTrue(o.get("paper.flash.mape.2").getAsDouble() > 0);
    }

    @Test
    void refusesBadInputWithExitTwo() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "workload,memory_mb,target_runtime\nf,128,1\nf,256,x\n");
        Run r = run("evaluate", "config-search", "--dataset", bad.toString(), "--format", "long");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.csv:3 column 'target_runtime': not a number: 'x'"), r.err());
        assertEquals(2, run("evaluate", "config-search", "--dataset", bad.toString(), "--format", "wide").code());
        assertEquals(2, run("evaluate", "config-search", "--dataset", fixture("multicloud-fixture.csv").toString(),
                "--folds", "one").code());
    }
}
