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
        assertTheRecommendationIsTheBestMeasured(o);
        assertTrue(!o.get("measure_next").isJsonNull());
        assertFirstComesFromTheTrainingWorkloadsPrior(model);

        // more samples than the context holds: the answer does not depend on their order (the
        // network sees the 3 lowest, the attention every one, as the evaluation's searcher does)
        JsonObject four = JsonParser.parseString(run("config-search", "recommend", "--model", model.toString(),
                "--samples", samples(30, 32, 34, 36).toString(), "--json").out()).getAsJsonObject();
        JsonObject reordered = JsonParser.parseString(run("config-search", "recommend", "--model", model.toString(),
                "--samples", samples(36, 34, 32, 30).toString(), "--json").out()).getAsJsonObject();
        assertEquals(3, four.get("samples_used").getAsInt());
        for (String key : List.of("recommended", "measure_next", "predicted_beats_measured")) {
            assertEquals(four.get(key), reordered.get(key), key);
        }
        JsonArray a = four.getAsJsonArray("ranked");
        JsonArray b = reordered.getAsJsonArray("ranked");
        for (int i = 0; i < a.size(); i++) { // the same to rounding (sums in another order)
            double va = a.get(i).getAsJsonObject().get("value").getAsDouble();
            assertEquals(va, b.get(i).getAsJsonObject().get("value").getAsDouble(), 1e-9 * va, "rank " + (i + 1));
        }
        assertTheRecommendationIsTheBestMeasured(four);

        Run cost = run("config-search", "recommend", "--model", model.toString(), "--samples", samples(30).toString(),
                "--objective", "cost");
        assertEquals(2, cost.code());
        assertTrue(cost.err().contains("trained for runtime, not cost"), cost.err());

        Run wrongColumns = run("config-search", "recommend", "--model", model.toString(), "--samples",
                fixture("long-fixture.csv").toString());
        assertEquals(2, wrongColumns.code());
        assertTrue(wrongColumns.err().contains("long-fixture.csv:1 column 'provider': missing column"), wrongColumns.err());
    }

    /**
     * Under a deadline recommend runs what the evaluation's cost under a deadline scores
     * (DeadlineRule.pick): the cheapest measured configuration that met it; if none did, the
     * cheapest predicted to meet it, unmeasured, and the answer says so; if none is, the fastest
     * measured. A cost model on the fixture, the two slowest configurations of alpha-sort measured,
     * deadlines placed from the answer's own runtimes.
     */
    @Test
    void recommendsUnderADeadlineWhatTheEvaluationScores() throws Exception {
        Path model = dir.resolve("cost.onnx");
        Run train = run("train", "config-search", "--dataset", fixture("multicloud-fixture.csv").toString(),
                "--target", "cost", "--steps", "20", "--seed", "3", "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        List<String> lines = Files.readAllLines(fixture("multicloud-fixture.csv"));
        List<Integer> sort = new java.util.ArrayList<>();
        for (int l = 2; l <= lines.size(); l++) {
            if (lines.get(l - 1).contains(",alpha-sort,")) {
                sort.add(l);
            }
        }
        sort.sort(java.util.Comparator.comparingDouble(l -> -Double.parseDouble(lines.get(l - 1).split(",")[12])));
        Path slowest = samples(sort.get(0), sort.get(1));

        JsonObject any = recommendCost(model, slowest, "1e9");
        assertEquals(any.get("best_measured"), any.get("recommended"), "everything on time: the best measured");
        assertTrue(any.get("recommended_measured").getAsBoolean());
        assertEquals("best_measured", any.get("recommended_basis").getAsString());
        double fastestMeasured = Double.POSITIVE_INFINITY;
        String fastest = null;
        double fastestPredicted = Double.POSITIVE_INFINITY;
        for (JsonElement e : any.getAsJsonArray("ranked")) {
            JsonObject c = e.getAsJsonObject();
            double rt = c.get("runtime").getAsDouble();
            if (c.get("measured").getAsBoolean() && rt < fastestMeasured) {
                fastestMeasured = rt;
                fastest = c.get("config").getAsString();
            } else if (!c.get("measured").getAsBoolean()) {
                fastestPredicted = Math.min(fastestPredicted, rt);
            }
        }
        assertTrue(fastestPredicted < fastestMeasured, "the fixture's case: something predicted faster than measured");

        // nothing measured meets the deadline, something is predicted to: the cheapest of those, unmeasured
        double deadline = Math.sqrt(fastestPredicted * fastestMeasured);
        JsonObject predicted = recommendCost(model, slowest, Double.toString(deadline));
        String cheapestPredictedOnTime = null;
        double cheapest = Double.POSITIVE_INFINITY;
        for (JsonElement e : any.getAsJsonArray("ranked")) {
            JsonObject c = e.getAsJsonObject();
            if (!c.get("measured").getAsBoolean() && c.get("runtime").getAsDouble() <= deadline
                    && c.get("value").getAsDouble() < cheapest) {
                cheapest = c.get("value").getAsDouble();
                cheapestPredictedOnTime = c.get("config").getAsString();
            }
        }
        assertEquals(cheapestPredictedOnTime, predicted.get("recommended").getAsString());
        assertEquals(predicted.get("predicted_best"), predicted.get("recommended"));
        assertTrue(!predicted.get("recommended_measured").getAsBoolean());
        assertEquals("predicted_on_time", predicted.get("recommended_basis").getAsString());
        Run text = run("config-search", "recommend", "--model", model.toString(), "--samples", slowest.toString(),
                "--objective", "cost", "--deadline", Double.toString(deadline));
        assertTrue(text.out().contains("recommended: " + cheapestPredictedOnTime + " (not measured: nothing measured"
                + " met the deadline"), text.out());

        // nothing measured or predicted meets it: the fastest measured, late
        JsonObject late = recommendCost(model, slowest, Double.toString(fastestPredicted / 2));
        assertEquals(fastest, late.get("recommended").getAsString());
        assertTrue(late.get("recommended_measured").getAsBoolean());
        assertEquals("fastest_measured", late.get("recommended_basis").getAsString());

        // measure next by the expected saving under the deadline (log 8), for each deadline above
        // and one between the two measured runtimes (one measured on time)
        double slowMeasured = Double.parseDouble(lines.get(sort.get(0) - 1).split(",")[12]);
        for (double d : new double[] {1e9, deadline, fastestPredicted / 2, Math.sqrt(fastestMeasured * slowMeasured)}) {
            assertMeasuresNextBySaving(model, slowest, d, recommendCost(model, slowest, Double.toString(d)));
        }
    }

    /**
     * recommend's next measurement for cost under a deadline is DeadlineRule.measureNextBySaving's
     * (the evaluation's flash-saving) over the unmeasured configurations: runtime the mean of
     * FLASH's log runtime (the cost model's log prediction less the log price, the cost ratio
     * reference's log prediction less the runtime one's) and the runtime reference's, as the
     * answer's runtimes say; sigma the model's log RMSE; against the cheapest measured cost on time.
     */
    private static void assertMeasuresNextBySaving(Path model, Path samples, double deadline, JsonObject answer)
            throws Exception {
        try (dev.flash.policy.onnx.OnnxModel m = dev.flash.policy.onnx.OnnxModel.loadBuiltin(model)) {
            var params = dev.flash.configsearch.ModelParams.of(m.description());
            var measured = dev.flash.configsearch.ConfigDataReader.readSamples(samples,
                    dev.flash.configsearch.ConfigDataReader.Format.MULTICLOUD).workloads().get(0).measurements();
            var costRef = params.references().get(dev.flash.configsearch.Target.COST);
            var runtimeRef = params.references().get(dev.flash.configsearch.Target.RUNTIME);
            List<String> keys = new java.util.ArrayList<>();
            List<Double> runtimeLog = new java.util.ArrayList<>();
            List<Double> logPrice = new java.util.ArrayList<>();
            double best = Double.POSITIVE_INFINITY;
            for (JsonElement e : answer.getAsJsonArray("ranked")) {
                JsonObject c = e.getAsJsonObject();
                if (c.get("measured").getAsBoolean()) {
                    if (c.get("meets_deadline").getAsBoolean()) {
                        best = Math.min(best, c.get("value").getAsDouble());
                    }
                    continue;
                }
                String key = c.get("config").getAsString();
                double refRt = runtimeRef.predictLog(measured, key);
                double price = costRef.predictLog(measured, key) - refRt;
                double rt = 0.5 * (Math.log(c.get("value").getAsDouble()) - price + refRt);
                assertEquals(rt, Math.log(c.get("runtime").getAsDouble()), 1e-9, key);
                assertEquals(rt <= Math.log(deadline), c.get("meets_deadline").getAsBoolean(), key);
                keys.add(key);
                runtimeLog.add(rt);
                logPrice.add(price);
            }
            int at = dev.flash.configsearch.DeadlineRule.measureNextBySaving(
                    runtimeLog.stream().mapToDouble(Double::doubleValue).toArray(),
                    logPrice.stream().mapToDouble(Double::doubleValue).toArray(),
                    Double.isNaN(params.logRmse()) ? 0 : params.logRmse(), deadline, best);
            assertEquals(at < 0 ? null : keys.get(at),
                    answer.get("measure_next").isJsonNull() ? null : answer.get("measure_next").getAsString(),
                    "deadline " + deadline);
        }
    }

    private JsonObject recommendCost(Path model, Path samples, String deadline) {
        Run r = run("config-search", "recommend", "--model", model.toString(), "--samples", samples.toString(),
                "--objective", "cost", "--deadline", deadline, "--json");
        assertEquals(0, r.code(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    /**
     * The rule the chosen-shot regret measures (RecommendationRule): the recommendation is the
     * lowest measured configuration, never one the model only predicts, and never a measured one
     * slower than another measured one; the predicted best is the lowest unmeasured prediction,
     * flagged as beating the measured best exactly when its value one standard deviation up is
     * still lower; the next to measure is unmeasured.
     */
    private static void assertTheRecommendationIsTheBestMeasured(JsonObject o) {
        String recommended = o.get("recommended").getAsString();
        assertEquals(recommended, o.get("best_measured").getAsString());
        double bestMeasured = o.get("best_measured_value").getAsDouble();
        JsonObject predicted = null;
        for (JsonElement e : o.getAsJsonArray("ranked")) {
            JsonObject c = e.getAsJsonObject();
            if (c.get("measured").getAsBoolean()) {
                assertTrue(c.get("value").getAsDouble() >= bestMeasured, c + " is measured lower than " + recommended);
                if (c.get("config").getAsString().equals(recommended)) {
                    assertEquals(bestMeasured, c.get("value").getAsDouble(), 0);
                }
            } else if (predicted == null) {
                predicted = c;
            }
        }
        assertEquals(predicted.get("config").getAsString(), o.get("predicted_best").getAsString());
        // measure next: the consensus of the model's and the ratio reference's predictions, an unmeasured one
        String next = o.get("measure_next").getAsString();
        boolean nextIsOpen = false;
        for (JsonElement e : o.getAsJsonArray("ranked")) {
            JsonObject c = e.getAsJsonObject();
            nextIsOpen |= c.get("config").getAsString().equals(next) && !c.get("measured").getAsBoolean();
        }
        assertTrue(nextIsOpen, next + " is not an unmeasured configuration");
        assertEquals(predicted.get("high").getAsDouble() < bestMeasured, o.get("predicted_beats_measured").getAsBoolean());
    }

    /**
     * --first (and a samples file with a header only) names the configuration the training
     * workloads put closest to their best: {@code ConfigurationPrior.first} fitted on the workloads
     * the model trained on, rebuilt from the model's flash.params; a model without the training
     * tables ('attention') is refused with exit 2 naming the key.
     */
    private void assertFirstComesFromTheTrainingWorkloadsPrior(Path model) throws Exception {
        var data = dev.flash.configsearch.ConfigDataReader.read(fixture("multicloud-fixture.csv"),
                dev.flash.configsearch.ConfigDataReader.Format.MULTICLOUD, false);
        // train config-search fits on the workloads with more than --shots (1,2,3) measurements
        var prior = dev.flash.configsearch.ConfigurationPrior.fit(data.usable(4), dev.flash.configsearch.Target.RUNTIME);
        String expected = prior.first(new java.util.ArrayList<>(
                dev.flash.configsearch.ModelParams.configurationsOf(data).keySet()));

        Run first = run("config-search", "recommend", "--model", model.toString(), "--first", "--json");
        assertEquals(0, first.code(), first.err());
        JsonObject f = JsonParser.parseString(first.out()).getAsJsonObject();
        assertEquals(expected, f.get("first_to_measure").getAsString());
        assertEquals(expected, f.get("measure_next").getAsString());
        assertTrue(f.get("recommended").isJsonNull(), "nothing measured, nothing to recommend");
        assertEquals(Math.exp(prior.meanRelativeLog(expected)), f.get("prior_over_best").getAsDouble(), 1e-9);

        // A deadline cannot shape the first pick (no runtime measured yet): the same pick, and the
        // answer says so instead of pretending to have applied it.
        Run withDeadline = run("config-search", "recommend", "--model", model.toString(), "--first",
                "--deadline", "600", "--json");
        assertEquals(0, withDeadline.code(), withDeadline.err());
        JsonObject d = JsonParser.parseString(withDeadline.out()).getAsJsonObject();
        assertEquals(expected, d.get("first_to_measure").getAsString());
        assertEquals(600.0, d.get("deadline").getAsDouble());
        assertTrue(d.get("deadline_note").getAsString().contains("first measurement"), withDeadline.out());

        Run headerOnly = run("config-search", "recommend", "--model", model.toString(), "--samples",
                samples().toString());
        assertEquals(0, headerOnly.code(), headerOnly.err());
        assertTrue(headerOnly.out().contains("measure first " + expected), headerOnly.out());

        Path old = withoutParamsKey(model, "attention");
        Run refused = run("config-search", "recommend", "--model", old.toString(), "--first");
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("no 'attention' key"), refused.err());
        // the same old model still ranks from samples (its residual is over the ratio reference)
        assertEquals(0, run("config-search", "recommend", "--model", old.toString(), "--samples",
                samples(30, 40).toString()).code());
    }

    /** {@code model} with one key of its flash.params removed, as a model written before that key. */
    private Path withoutParamsKey(Path model, String key) throws Exception {
        ai.onnx.proto.OnnxMl.ModelProto.Builder b = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                Files.readAllBytes(model)).toBuilder();
        for (int i = 0; i < b.getMetadataPropsCount(); i++) {
            if (b.getMetadataProps(i).getKey().equals(dev.flash.policy.ModelContract.META_PARAMS)) {
                JsonObject params = JsonParser.parseString(b.getMetadataProps(i).getValue()).getAsJsonObject();
                assertTrue(params.remove(key) != null, key);
                b.setMetadataProps(i, b.getMetadataProps(i).toBuilder().setValue(params.toString()));
            }
        }
        Path file = dir.resolve("without-" + key + ".onnx");
        Files.write(file, b.build().toByteArray());
        return file;
    }

    /** {@code flash evaluate config-search --json} on the multi-cloud fixture with {@code args}; it must succeed. */
    private static JsonObject evaluateFixture(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("evaluate", "config-search", "--dataset",
                fixture("multicloud-fixture.csv").toString(), "--json"));
        all.addAll(List.of(args));
        Run r = run(all.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    @Test
    void evaluatesEveryMethodAtEveryKAsJson() throws Exception {
        Path plot = dir.resolve("mape.png");
        JsonObject o = evaluateFixture("--folds", "3", "--seeds", "2", "--steps", "20", "--plot", plot.toString());
        assertTrue(Files.size(plot) > 0, "a plot with every method");
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
        // cost under the deadline from chosen shots: every cost searcher, a regret >= 0 and a share of missed picks
        for (String searcher : dev.flash.configsearch.FewShotEvaluation.COST_SEARCHERS) {
            for (int k = 1; k <= 3; k++) {
                double cost = o.get(searcher + ".cost_regret_chosen." + k).getAsDouble();
                double miss = o.get(searcher + ".deadline_missed_chosen." + k).getAsDouble();
                assertTrue(cost >= 0 && Double.isFinite(cost), searcher + " k=" + k + ": " + cost);
                assertTrue(miss >= 0 && miss <= 1, searcher + " k=" + k + ": " + miss);
                double near = o.get(searcher + ".cost_near_chosen." + k).getAsDouble();
                assertTrue(near >= 0 && near <= 1 - miss + 1e-9, searcher + " k=" + k + ": " + near);
            }
        }
        assertTrue(o.has("price_log_spread"));
        assertEquals(6, o.get("workloads.1").getAsInt());
        // the fixture's runtimes are nearly a workload scale times a configuration speed: what the
        // ratio reference assumes, so it must be far better than predicting from the shots alone
        assertTrue(o.get("reference.mape.1").getAsDouble() < 0.5 * o.get("paper.baseline.mape.1").getAsDouble());
        assertTrue(o.get("paper.flash.mape.2").getAsDouble() > 0);
    }

    /**
     * {@code --cost-trace}: one row per test workload, cost searcher (but random) and k; the
     * figures are the rows' means, and each row's basis agrees with its measurements.
     */
    @Test
    void tracesCostUnderADeadlinePerWorkloadAsTheFiguresAverage() throws Exception {
        Path trace = dir.resolve("trace.tsv");
        JsonObject o = evaluateFixture("--folds", "2", "--seeds", "1", "--steps", "5", "--cost-trace", trace.toString());
        List<String> lines = Files.readAllLines(trace);
        assertEquals(dev.flash.configsearch.CostTrace.HEADER, lines.get(0));
        List<String> header = List.of(lines.get(0).split("\t"));
        java.util.Map<String, double[]> sums = new java.util.HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            assertEquals(header.size(), f.length, line);
            String key = f[header.indexOf("searcher")] + "." + f[header.indexOf("k")];
            double regret = Double.parseDouble(f[header.indexOf("regret")]);
            double missed = Double.parseDouble(f[header.indexOf("missed")]);
            sums.computeIfAbsent(key, x -> new double[3]);
            sums.get(key)[0] += regret;
            sums.get(key)[1] += missed;
            sums.get(key)[2]++;
            int k = Integer.parseInt(f[header.indexOf("k")]);
            String[] shots = f[header.indexOf("shots")].split(";");
            assertTrue(shots.length >= 1 && shots.length <= k, line);
            String basis = f[header.indexOf("basis")];
            double runRuntime = Double.parseDouble(f[header.indexOf("run_runtime")]);
            boolean anyOnTime = false;
            for (String shot : shots) {
                anyOnTime |= Double.parseDouble(shot.substring(shot.lastIndexOf(':') + 1).split("/")[0]) <= 1;
            }
            // what is run: the cheapest measured on time if any met the deadline, else not measured or the fastest
            assertEquals(anyOnTime, basis.equals("measured_on_time"), line);
            assertEquals(basis.equals("predicted_on_time"),
                    !Double.isNaN(Double.parseDouble(f[header.indexOf("run_predicted_runtime")])), line);
            assertEquals(runRuntime > 1 ? 1.0 : 0.0, missed, line);
            assertEquals(Math.max(0, Double.parseDouble(f[header.indexOf("run_cost")]) - 1), regret, 1e-4, line);
        }
        for (String searcher : dev.flash.configsearch.FewShotEvaluation.COST_SEARCHERS) {
            for (int k = 1; k <= 3; k++) {
                String key = searcher + "." + k;
                if (searcher.equals("random")) {
                    assertTrue(!sums.containsKey(key), key);
                    continue;
                }
                double[] s = sums.get(key);
                assertEquals(o.get("workloads." + k).getAsInt(), (int) s[2], key);
                assertEquals(o.get(searcher + ".cost_regret_chosen." + k).getAsDouble(), s[0] / s[2], 1e-4, key);
                assertEquals(o.get(searcher + ".deadline_missed_chosen." + k).getAsDouble(), s[1] / s[2], 1e-9, key);
            }
        }
        Run cost = run("evaluate", "config-search", "--dataset", fixture("multicloud-fixture.csv").toString(),
                "--target", "cost", "--cost-trace", trace.toString());
        assertEquals(2, cost.code());
        assertTrue(cost.err().contains("--cost-trace needs --target runtime"), cost.err());
    }

    /** One fold per job (alpha-X and beta-X held out together), the blend scored across data sets. */
    @Test
    void evaluatesLeaveOneAlgorithmOutWithTheBlendScoredAcrossDataSets() throws Exception {
        Run r = run("evaluate", "config-search", "--dataset", fixture("multicloud-fixture.csv").toString(),
                "--folds", "algorithm", "--shots", "2", "--seeds", "1", "--steps", "5", "--json",
                "--blend", "attention+factors+ratio", "--blend-weights", "stacked", "--blend-holdout", "dataset");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(3, o.get("folds").getAsInt(), "join, scan, sort");
        assertEquals(6, o.get("workloads.2").getAsInt());
        for (JsonElement f : o.getAsJsonArray("fold_training")) {
            assertTrue(f.getAsString().contains("factors"), f.toString());
        }
        assertTrue(o.get("flash-consensus.regret_chosen.2").getAsDouble() >= 0);
        assertTrue(o.get("flash-consensus.regret_adaptive.2").getAsDouble() >= 0);
        assertTrue(o.get("search_chosen.flash-consensus.measurements").getAsDouble() >= 1);
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
        Run holdout = run("evaluate", "config-search", "--dataset", fixture("multicloud-fixture.csv").toString(),
                "--blend-holdout", "fold");
        assertEquals(2, holdout.code());
        assertTrue(holdout.err().contains("--blend-holdout: want workload or dataset, got 'fold'"), holdout.err());
        Run blend = run("evaluate", "config-search", "--dataset", fixture("multicloud-fixture.csv").toString(),
                "--blend", "factors");
        assertEquals(2, blend.code());
        assertTrue(blend.err().contains("--blend: want one of attention, attention+factors, attention+factors+ratio"),
                blend.err());
        assertEquals(2, run("train", "config-search", "--dataset", fixture("multicloud-fixture.csv").toString(),
                "--blend-weights", "equal", "--out", dir.resolve("never.onnx").toString()).code());
    }
}
