package dev.flash.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.ConfigDataset;
import dev.flash.configsearch.DataFormatException;
import dev.flash.configsearch.ModelParams;
import dev.flash.configsearch.Recommender;
import dev.flash.configsearch.Target;
import dev.flash.policy.onnx.OnnxModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code flash config-search recommend --stream}: one model, loaded once, answers many workloads.
 * Each input line is one JSON object:
 *
 * <pre>{"workload": "etl-7", "samples": [{"provider": "A", "A_family": 0, ..., "target_runtime": 812.3}, ...]}</pre>
 *
 * {@code samples} holds the workload's measured configurations as objects keyed by the columns of
 * the model's data format (those of a {@code --samples} file; a number or a string per field, null
 * or absent for an empty field; an integral number is written without a fraction, 2.0 as 2, since
 * labels and node counts name the configuration; the workload column may be left out: it is the line's
 * {@code workload}; an empty array asks for the first configuration to measure, answered as
 * {@code --first} answers). Each answer is one line, in input order: the object {@code --json} prints
 * (compact) plus {@code "line"} and {@code "milliseconds"} (from reading the line to the answer).
 * A bad line gets {@code {"line", "workload" (when readable), "error"}} on standard output and the
 * same on standard error; the stream goes on. Blank lines are skipped.
 */
final class RecommendStream {
    private static final Path SAMPLES = Path.of("samples");

    private final OnnxModel model;
    private final ModelParams params;
    private final Target objective;
    private final double deadline;
    private final ConfigDataReader.Format format;

    RecommendStream(OnnxModel model, ModelParams params, Target objective, double deadline) {
        this.model = model;
        this.params = params;
        this.objective = objective;
        this.deadline = deadline;
        this.format = ConfigDataReader.Format.parse(params.format());
    }

    /** A line that cannot be answered; the message names the field. */
    static final class BadLine extends Exception {
        BadLine(String message) {
            super(message);
        }
    }

    /** Answers every line of {@code in}, flushing after each; returns the number of bad lines. */
    int serve(BufferedReader in, PrintStream out, PrintStream err) throws IOException {
        String line;
        int lineNo = 0;
        int bad = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            long start = System.nanoTime();
            String workload = null;
            try {
                JsonObject o = object(line);
                JsonElement id = o.get("workload");
                if (id == null || id.isJsonNull()) {
                    throw new BadLine("field 'workload': missing");
                }
                if (!id.isJsonPrimitive() || id.getAsString().isBlank()) {
                    throw new BadLine("field 'workload': a non-empty string expected, got " + id);
                }
                workload = id.getAsString();
                JsonObject answer = answer(workload, o);
                answer.addProperty("line", lineNo);
                answer.addProperty("milliseconds", (System.nanoTime() - start) / 1e6);
                out.println(answer);
            } catch (BadLine | DataFormatException | IllegalArgumentException | ai.onnxruntime.OrtException e) {
                bad++;
                BadLineReport.report("flash config-search recommend", lineNo, workload, e.getMessage(), out, err);
            }
            out.flush();
        }
        return bad;
    }

    private static JsonObject object(String line) throws BadLine {
        JsonElement e;
        try {
            e = JsonParser.parseString(line);
        } catch (JsonParseException ex) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("line 1 column (\\d+)")
                    .matcher(String.valueOf(ex.getMessage()));
            throw new BadLine("not JSON" + (m.find() ? " (near character " + m.group(1) + ")" : ""));
        }
        if (!e.isJsonObject()) {
            throw new BadLine("a JSON object expected");
        }
        return e.getAsJsonObject();
    }

    /** The answer's JSON: the first pick when nothing is measured yet (as --first), else the ranking. */
    private JsonObject answer(String workload, JsonObject o)
            throws BadLine, DataFormatException, ai.onnxruntime.OrtException {
        JsonElement s = o.get("samples");
        if (s == null || !s.isJsonArray()) {
            throw new BadLine("field 'samples': an array of measured configurations expected"
                    + (s == null ? ", missing" : ", got " + abbreviate(s.toString())));
        }
        JsonArray array = s.getAsJsonArray();
        if (array.isEmpty()) {
            JsonObject first = new JsonObject();
            first.addProperty("workload", workload);
            for (Map.Entry<String, JsonElement> e
                    : ConfigSearchCommand.Recommend.firstJson(Recommender.first(params, objective, deadline), deadline).entrySet()) {
                first.add(e.getKey(), e.getValue());
            }
            return first;
        }
        // columns in first-seen order; the workload column from the line when the samples leave it out
        Map<String, Integer> columns = new LinkedHashMap<>();
        List<JsonObject> rows = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonElement row = array.get(i);
            if (!row.isJsonObject()) {
                throw new BadLine("field 'samples[" + (i + 1) + "]': an object of column values expected, got "
                        + abbreviate(row.toString()));
            }
            rows.add(row.getAsJsonObject());
            for (String k : row.getAsJsonObject().keySet()) {
                columns.putIfAbsent(k, columns.size());
            }
        }
        boolean addWorkload = !columns.containsKey("workload");
        List<String> header = new ArrayList<>(columns.keySet());
        if (addWorkload) {
            header.add("workload");
        }
        List<List<String>> fields = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            List<String> f = new ArrayList<>();
            for (String c : columns.keySet()) {
                JsonElement v = rows.get(i).get(c);
                if (v == null || v.isJsonNull()) {
                    f.add("");
                } else if (v.isJsonPrimitive()) {
                    f.add(field(v.getAsJsonPrimitive()));
                } else {
                    throw new BadLine("field 'samples[" + (i + 1) + "]." + c + "': a number or a string expected, got "
                            + abbreviate(v.toString()));
                }
            }
            if (addWorkload) {
                f.add(workload);
            }
            fields.add(f);
        }
        ConfigDataset d;
        try {
            d = ConfigDataReader.readSamples(SAMPLES, header, fields, format);
        } catch (DataFormatException e) {
            // "samples:2 column 'x': ..." -> "field 'samples[2].x': ..."; a missing column is every sample's
            String m = e.getMessage();
            m = m.matches("(?s)^samples:1 column '[^']*': missing column.*")
                    ? m.replaceFirst("^samples:1 column '([^']*)'", "field 'samples[].$1'")
                    : m.replaceFirst("^samples:(\\d+) column '([^']*)'", "field 'samples[$1].$2'")
                            .replaceFirst("^samples:(\\d+)", "field 'samples[$1]'")
                            .replaceFirst("^samples column '([^']*)'", "field 'samples[].$1'");
            throw new BadLine(m);
        }
        if (!d.configColumns().equals(params.encoding().configColumns())) {
            throw new BadLine("field 'samples': configuration columns " + d.configColumns()
                    + " do not match the model's " + params.encoding().configColumns());
        }
        return ConfigSearchCommand.Recommend.json(
                Recommender.recommend(model, params, d.workloads().get(0).measurements(), objective, deadline),
                workload, deadline);
    }

    /**
     * A field's text: strings as they are, an integral number without a fraction (2.0 -> "2", as
     * the data files write node counts and labels, which name the configuration), other numbers
     * as written.
     */
    static String field(com.google.gson.JsonPrimitive v) {
        if (v.isNumber()) {
            String text = v.getAsString();
            try {
                java.math.BigDecimal d = new java.math.BigDecimal(text).stripTrailingZeros();
                return d.scale() <= 0 && d.precision() - d.scale() <= 18 ? d.toBigInteger().toString() : text;
            } catch (NumberFormatException e) {
                return text;
            }
        }
        return v.getAsString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
