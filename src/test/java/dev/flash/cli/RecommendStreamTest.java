package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flash config-search recommend --stream} (one answer line per input line, in order, keyed
 * by the workload id; a bad line names the line and field and the stream goes on) and the plain
 * command line that answers without picocli (it must read every argument as picocli does, or
 * leave it to picocli).
 */
class RecommendStreamTest {
    static final String MODEL = "models/configsearch-multicloud.onnx";

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    /** Runs the command as main() does: the plain path when it takes the line, else picocli. */
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
            if (plain != null) {
                code = plain.callPlain();
            } else {
                CommandLine cl = FlashMain.commandLine(args);
                cl.setOut(new java.io.PrintWriter(System.out, true));
                cl.setErr(new java.io.PrintWriter(System.err, true));
                code = cl.execute(args);
            }
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The fixture's rows of each workload, as header -> value maps (the index column left out). */
    private static Map<String, List<Map<String, String>>> fixtureByWorkload() throws Exception {
        List<String> lines = Files.readAllLines(ConfigSearchCommandTest.fixture("multicloud-fixture.csv"));
        String[] header = lines.get(0).split(",", -1);
        Map<String, List<Map<String, String>>> by = new LinkedHashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i < header.length; i++) {
                row.put(header[i], f[i]);
            }
            by.computeIfAbsent(row.get("workload"), k -> new ArrayList<>()).add(row);
        }
        return by;
    }

    private static String streamLine(String id, List<Map<String, String>> rows) {
        JsonObject o = new JsonObject();
        o.addProperty("workload", id);
        JsonArray samples = new JsonArray();
        for (Map<String, String> r : rows) {
            JsonObject s = new JsonObject();
            r.forEach((k, v) -> {
                if (!k.equals("workload")) {
                    if (v.isEmpty()) {
                        s.add(k, null);
                    } else if (k.startsWith("target_") || k.equals("nodes")) {
                        s.addProperty(k, Double.parseDouble(v));
                    } else {
                        s.addProperty(k, v);
                    }
                }
            });
            samples.add(s);
        }
        o.add("samples", samples);
        return o.toString();
    }

    private Path csv(List<Map<String, String>> rows) throws Exception {
        StringBuilder b = new StringBuilder("," + String.join(",", rows.get(0).keySet())).append('\n');
        int i = 0;
        for (Map<String, String> r : rows) {
            b.append(i++).append(',').append(String.join(",", r.values())).append('\n');
        }
        Path f = dir.resolve("samples-" + System.nanoTime() + ".csv");
        Files.writeString(f, b.toString());
        return f;
    }

    @Test
    void answersEachLineInOrderUnderItsIdAsTheOneShotCommandDoes() throws Exception {
        List<String> in = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<List<Map<String, String>>> shots = new ArrayList<>();
        for (var e : fixtureByWorkload().entrySet()) {
            if (ids.size() == 4) {
                break;
            }
            List<Map<String, String>> rows = e.getValue().subList(0, 1 + ids.size() % 3);
            ids.add("job-" + ids.size() + "/" + e.getKey());
            shots.add(rows);
            in.add(streamLine(ids.get(ids.size() - 1), rows));
        }
        in.add(1, ""); // blank lines are skipped but counted
        Path stream = dir.resolve("in.jsonl");
        Files.write(stream, in);

        Run r = run("config-search", "recommend", "--model", MODEL, "--samples-stream", stream.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        String[] out = r.out().split("\n");
        assertEquals(4, out.length, r.out());
        int[] lineNumbers = {1, 3, 4, 5};
        for (int i = 0; i < 4; i++) {
            JsonObject o = JsonParser.parseString(out[i]).getAsJsonObject();
            assertEquals(ids.get(i), o.get("workload").getAsString());
            assertEquals(lineNumbers[i], o.get("line").getAsInt());
            assertEquals(shots.get(i).size(), o.get("samples_used").getAsInt());
            // the same answer as the one-shot command on the same samples as a file, with the same
            // engine (--stream runs on ONNX Runtime; RecommendEngineTest compares the engines)
            Run one = run("config-search", "recommend", "--model", MODEL, "--samples", csv(shots.get(i)).toString(),
                    "--json", "--engine", "ort");
            assertEquals(ExitCodes.OK, one.code(), one.err());
            JsonObject single = JsonParser.parseString(one.out()).getAsJsonObject();
            assertEquals(single.get("recommended"), o.get("recommended"), ids.get(i));
            assertEquals(single.get("measure_next"), o.get("measure_next"), ids.get(i));
            assertEquals(single.get("ranked"), o.get("ranked"), ids.get(i));
        }
    }

    @Test
    void aWorkloadWithNothingMeasuredGetsTheFirstPickAsFirstGivesIt() throws Exception {
        Files.write(dir.resolve("in.jsonl"), List.of("{\"workload\":\"new-job\",\"samples\":[]}"));
        Run r = run("config-search", "recommend", "--model", MODEL, "--deadline", "600", "--samples-stream",
                dir.resolve("in.jsonl").toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
        assertEquals("new-job", o.get("workload").getAsString());
        assertEquals(1, o.get("line").getAsInt());
        assertEquals(0, o.get("samples_used").getAsInt());

        Run one = run("config-search", "recommend", "--model", MODEL, "--first", "--deadline", "600", "--json");
        assertEquals(ExitCodes.OK, one.code(), one.err());
        JsonObject single = JsonParser.parseString(one.out()).getAsJsonObject();
        for (String key : List.of("first_to_measure", "measure_next", "prior_over_best", "recommended", "deadline_note")) {
            assertEquals(single.get(key), o.get(key), key);
        }
    }

    @Test
    void aBadLineNamesLineAndFieldAndTheStreamGoesOn() throws Exception {
        var by = fixtureByWorkload();
        var first = by.entrySet().iterator().next();
        String good = streamLine("good", first.getValue().subList(0, 2));
        String badNumber = good.replace("\"good\"", "\"bad-number\"")
                .replaceFirst("\"target_runtime\":[0-9.eE-]+", "\"target_runtime\":\"fast\"");
        List<String> in = List.of(
                good,
                "{not json",
                "{\"samples\":[]}",
                "{\"workload\":\"no-samples\"}",
                "{\"workload\":\"nested\",\"samples\":[{\"provider\":{\"a\":1}}]}",
                badNumber,
                good.replace("\"good\"", "\"good-again\""));
        Files.write(dir.resolve("in.jsonl"), in);
        Run r = run("config-search", "recommend", "--model", MODEL, "--stream", "--samples-stream",
                dir.resolve("in.jsonl").toString());
        assertEquals(ExitCodes.USAGE, r.code(), "a bad line makes the exit 2 at the end");
        String[] out = r.out().split("\n");
        assertEquals(in.size(), out.length, r.out());
        List<JsonObject> o = Arrays.stream(out).map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals("good", o.get(0).get("workload").getAsString());
        assertNotNull(o.get(0).get("recommended"));
        for (int i = 1; i <= 5; i++) {
            assertEquals(i + 1, o.get(i).get("line").getAsInt(), out[i]);
            assertTrue(o.get(i).has("error"), out[i]);
            assertFalse(o.get(i).has("recommended"), out[i]);
        }
        assertTrue(o.get(1).get("error").getAsString().startsWith("not JSON"), out[1]);
        assertTrue(o.get(2).get("error").getAsString().contains("'workload'"), out[2]);
        assertEquals("no-samples", o.get(3).get("workload").getAsString());
        assertTrue(o.get(3).get("error").getAsString().contains("'samples'"), out[3]);
        assertTrue(o.get(4).get("error").getAsString().contains("'samples[1].provider'"), out[4]);
        assertEquals("bad-number", o.get(5).get("workload").getAsString());
        assertTrue(o.get(5).get("error").getAsString().contains("'samples[1].target_runtime'"), out[5]);
        assertTrue(o.get(5).get("error").getAsString().contains("fast"), out[5]);
        assertEquals("good-again", o.get(6).get("workload").getAsString());
        assertEquals(o.get(0).get("ranked"), o.get(6).get("ranked"));
        assertTrue(r.err().contains("line 6 (bad-number): field 'samples[1].target_runtime'"), r.err());
    }

    @Test
    void streamAndSamplesExcludeEachOtherAndOneOfThemIsNeeded() throws Exception {
        Run both = run("config-search", "recommend", "--model", MODEL, "--stream", "--samples", "x.csv");
        assertEquals(ExitCodes.USAGE, both.code());
        assertTrue(both.err().contains("--samples and --stream"), both.err());
        Run wrongObjective = run("config-search", "recommend", "--model", MODEL, "--stream", "--objective", "cost");
        assertEquals(ExitCodes.USAGE, wrongObjective.code());
        assertTrue(wrongObjective.err().contains("trained for runtime"), wrongObjective.err());
        assertEquals("", wrongObjective.out());
        Run neither = run("config-search", "recommend", "--model", MODEL);
        assertEquals(ExitCodes.USAGE, neither.code());
        assertTrue(neither.err().contains("--samples"), neither.err());
    }

    /** The fields a parse filled. */
    private static List<Object> fields(ConfigSearchCommand.Recommend r) {
        return Arrays.asList(r.model, r.samples, r.objective, r.deadline, r.top, r.json, r.stream, r.samplesStream,
                r.engine, r.verbose);
    }

    @Test
    void thePlainCommandLineReadsEveryArgumentAsPicocliDoesOrLeavesItToPicocli() {
        List<String[]> plain = List.of(
                new String[] {"--model", "m.onnx", "--samples", "s.csv"},
                new String[] {"--samples", "s.csv", "--json", "--model", "dir/m.onnx", "--top", "3"},
                new String[] {"--model", "m.onnx", "--samples", "s.csv", "--objective", "cost", "--deadline", "600.5"},
                new String[] {"--model", "m.onnx", "--stream"},
                new String[] {"--model", "m.onnx", "--samples-stream", "in.jsonl", "--objective", "COST"},
                new String[] {"--model", "m.onnx", "--samples", "s.csv", "--deadline", "1e3", "--top", "0"},
                new String[] {"--model", "m.onnx", "--samples", "s.csv", "--engine", "ort", "--verbose"},
                new String[] {"--engine", "bogus", "--model", "m.onnx", "--samples", "s.csv"});
        for (String[] a : plain) {
            String[] args = concat(a);
            ConfigSearchCommand.Recommend fast = ConfigSearchCommand.Recommend.plain(args);
            assertNotNull(fast, String.join(" ", args));
            ConfigSearchCommand.Recommend viaPicocli = new ConfigSearchCommand.Recommend();
            new CommandLine(viaPicocli).parseArgs(a);
            assertEquals(fields(viaPicocli), fields(fast), String.join(" ", args));
        }
        List<String[]> toPicocli = List.of(
                new String[] {"--help"},
                new String[] {"--model", "m.onnx", "-h"},
                new String[] {"--model=m.onnx", "--samples", "s.csv"},
                new String[] {"--model", "m.onnx", "--samples", "s.csv", "--json", "--json"},
                new String[] {"--model", "m.onnx", "--model", "n.onnx", "--samples", "s.csv"},
                new String[] {"--model", "m.onnx", "--samples", "s.csv", "--top", "x"},
                new String[] {"--model", "m.onnx", "--samples", "s.csv", "--top", "-1"},
                new String[] {"--model", "m.onnx", "--samples", "s.csv", "--deadline", "soon"},
                new String[] {"--model", "m.onnx", "--samples"},
                new String[] {"--model", "m.onnx", "--samples", "@args.txt"},
                new String[] {"@args.txt"},
                new String[] {"--samples", "s.csv"},
                new String[] {"--model", "m.onnx", "--samples", "s.csv", "extra"});
        for (String[] a : toPicocli) {
            assertNull(ConfigSearchCommand.Recommend.plain(concat(a)), String.join(" ", a));
        }
        assertNull(ConfigSearchCommand.Recommend.plain(new String[] {"autoscale", "recommend", "--model", "m.onnx"}));
    }

    private static String[] concat(String[] rest) {
        String[] args = new String[rest.length + 2];
        args[0] = "config-search";
        args[1] = "recommend";
        System.arraycopy(rest, 0, args, 2, rest.length);
        return args;
    }
}
