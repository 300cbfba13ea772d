package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.ModelParams;
import dev.flash.configsearch.Recommender;
import dev.flash.configsearch.Target;
import dev.flash.configsearch.Workload;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonOut.Pretty} writes what {@link PrettyJson} (and Gson's pretty printing) writes for the
 * tree {@link JsonOut.Tree} builds from the same calls; and {@code recommend --json}'s answer is
 * the text the tree code before it (kept here, {@link #treeAnswer}) gave.
 */
class JsonOutTest {

    private static final Gson GSON = PrettyJsonTest.GSON;

    private static String string(Random r) {
        return PrettyJsonTest.string(r);
    }

    private static double number(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                Double.MIN_VALUE, Double.MAX_VALUE, 1e-3, 1e7, 123456789.0}[r.nextInt(10)];
            case 1 -> Double.longBitsToDouble(r.nextLong());
            case 2 -> r.nextInt(1000) / 8.0;
            default -> Math.exp(r.nextGaussian() * 10);
        };
    }

    /** The same random members into both outputs: objects in arrays in objects, to depth 4. */
    private static void members(Random r, int depth, JsonOut a, JsonOut b) {
        for (int i = r.nextInt(6); i > 0; i--) {
            String name = "m" + i + string(r); // names are unique per object (see JsonOut)
            switch (r.nextInt(depth < 4 ? 7 : 6)) {
                case 0 -> {
                    String v = r.nextInt(5) == 0 ? null : string(r);
                    a.string(name, v);
                    b.string(name, v);
                }
                case 1 -> {
                    double v = number(r);
                    a.number(name, v);
                    b.number(name, v);
                }
                case 2 -> {
                    int v = r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(10);
                    a.number(name, v);
                    b.number(name, v);
                }
                case 3 -> {
                    boolean v = r.nextBoolean();
                    a.bool(name, v);
                    b.bool(name, v);
                }
                case 4 -> {
                    a.nullValue(name);
                    b.nullValue(name);
                }
                default -> {
                    a.beginArray(name);
                    b.beginArray(name);
                    for (int k = r.nextInt(4); k > 0; k--) {
                        a.beginObject();
                        b.beginObject();
                        members(r, depth + 1, a, b);
                        a.endObject();
                        b.endObject();
                    }
                    a.endArray();
                    b.endArray();
                }
            }
        }
    }

    @Test
    void prettyIsWhatTheTreeWouldPrint() {
        Random r = new Random(6);
        for (int i = 0; i < 20_000; i++) {
            JsonOut.Tree tree = new JsonOut.Tree();
            JsonOut.Pretty pretty = new JsonOut.Pretty(16);
            members(r, 0, tree, pretty);
            String text = pretty.text();
            assertEquals(PrettyJsonTree.toJson(tree.root()), text, "case " + i);
            assertEquals(GSON.toJson(tree.root()), text, "case " + i);
            assertEquals(text.chars().allMatch(c -> c < 128), pretty.ascii(), "case " + i);
        }
    }

    @Test
    void anOpenArrayIsNoText() {
        JsonOut.Pretty p = new JsonOut.Pretty(16);
        p.beginArray("a");
        assertThrows(IllegalStateException.class, p::text);
    }

    /**
     * The --json answer as main built it up to 2026-12-07 (Gson's tree, then PrettyJson, without the
     * timings), with the two fields the deadline rule added that evening (recommended_measured,
     * recommended_basis) where that code put them.
     */
    static JsonObject treeAnswer(Recommender.Recommendation r, String workload, double deadline) {
        JsonObject o = new JsonObject();
        o.addProperty("workload", workload);
        o.addProperty("objective", r.objective().label());
        if (!Double.isNaN(deadline)) {
            o.addProperty("deadline", deadline);
        }
        o.addProperty("samples_used", r.samplesUsed());
        o.addProperty("recommended", r.best().key());
        o.addProperty("recommended_measured", r.best().measured());
        o.addProperty("recommended_basis", r.basis().name().toLowerCase(java.util.Locale.ROOT));
        o.addProperty("best_measured", r.bestMeasured().key());
        o.addProperty("best_measured_value", r.bestMeasured().value());
        o.addProperty("predicted_best", r.predictedBest() == null ? null : r.predictedBest().key());
        o.addProperty("predicted_beats_measured", r.predictedBeats());
        o.addProperty("measure_next", r.next() == null ? null : r.next().key());
        com.google.gson.JsonArray ranked = new com.google.gson.JsonArray();
        for (Recommender.Candidate c : r.ranked()) {
            JsonObject j = new JsonObject();
            j.addProperty("config", c.key());
            j.addProperty("measured", c.measured());
            j.addProperty("value", c.value());
            j.addProperty("low", c.value() * Math.exp(-c.logStd()));
            j.addProperty("high", c.value() * Math.exp(c.logStd()));
            if (!Double.isNaN(c.runtime())) {
                j.addProperty("runtime", c.runtime());
            }
            j.addProperty("meets_deadline", c.meetsDeadline());
            ranked.add(j);
        }
        o.add("ranked", ranked);
        return o;
    }

    /** The first pick's --json as main built it up to 2026-12-07. */
    static JsonObject treeFirst(Recommender.First f, double deadline) {
        JsonObject o = new JsonObject();
        o.addProperty("objective", f.objective().label());
        if (!Double.isNaN(deadline)) {
            o.addProperty("deadline", deadline);
            o.addProperty("deadline_note", ConfigSearchCommand.Recommend.DEADLINE_BEFORE_FIRST);
        }
        o.addProperty("samples_used", 0);
        o.addProperty("first_to_measure", f.key());
        o.addProperty("prior_over_best", Math.exp(f.meanRelativeLog()));
        o.add("recommended", com.google.gson.JsonNull.INSTANCE);
        o.addProperty("measure_next", f.key());
        return o;
    }

    private static String pretty(Recommender.Recommendation r, String workload, double deadline) {
        JsonOut.Pretty p = new JsonOut.Pretty(64);
        ConfigSearchCommand.Recommend.answer(r, workload, deadline, p);
        return p.text();
    }

    private static String prettyFirst(Recommender.First f, double deadline) {
        JsonOut.Pretty p = new JsonOut.Pretty(64);
        ConfigSearchCommand.Recommend.first(f, deadline, p);
        return p.text();
    }

    @Test
    void theShippedModelsAnswersAsTheTreeWroteThem() throws Exception {
        try (OnnxModel m = OnnxModel.loadBuiltin(Path.of("models/configsearch-multicloud.onnx"))) {
            ModelParams params = ModelParams.of(m.description());
            int answers = 0;
            for (Workload w : ConfigDataReader.read(ConfigSearchCommandTest.fixture("multicloud-fixture.csv"),
                    ConfigDataReader.Format.parse(params.format()), false).workloads()) {
                for (int k = 1; k <= Math.min(4, w.measurements().size()); k++) {
                    for (double deadline : new double[] {Double.NaN, 30}) {
                        Recommender.Recommendation r = Recommender.recommend(m, params, w.measurements().subList(0, k),
                                Target.RUNTIME, deadline);
                        assertEquals(PrettyJsonTree.toJson(treeAnswer(r, w.name(), deadline)), pretty(r, w.name(), deadline),
                                w.name() + " k=" + k);
                        assertEquals(treeAnswer(r, w.name(), deadline), ConfigSearchCommand.Recommend.json(r, w.name(), deadline));
                        answers++;
                    }
                }
            }
            assertEquals(true, answers >= 8, "answers checked: " + answers);
            for (double deadline : new double[] {Double.NaN, 20}) {
                Recommender.First f = Recommender.first(params, Target.RUNTIME, deadline);
                assertEquals(PrettyJsonTree.toJson(treeFirst(f, deadline)), prettyFirst(f, deadline));
                assertEquals(treeFirst(f, deadline), ConfigSearchCommand.Recommend.firstJson(f, deadline));
            }
        }
    }

    /** Made-up answers: deadlines, nulls, runtimes or none, names that need escapes, an empty ranking. */
    @Test
    void madeUpAnswersAsTheTreeWroteThem() {
        Random rnd = new Random(12);
        for (int n = 0; n < 400; n++) {
            Target objective = n % 3 == 0 ? Target.COST : Target.RUNTIME;
            List<Recommender.Candidate> ranked = new ArrayList<>();
            int size = n % 50 == 0 ? 0 : 1 + rnd.nextInt(15);
            for (int i = 0; i < size; i++) {
                boolean measured = rnd.nextInt(4) == 0;
                ranked.add(new Recommender.Candidate("cfg-" + i + string(rnd), measured, number(rnd),
                        measured ? 0 : Math.abs(rnd.nextGaussian()), rnd.nextBoolean() ? Double.NaN : number(rnd),
                        rnd.nextInt(5) > 0));
            }
            Recommender.Candidate any = new Recommender.Candidate("x", true, number(rnd), 0, Double.NaN, true);
            Recommender.Candidate best = size == 0 ? any : ranked.get(rnd.nextInt(size));
            Recommender.Candidate predicted = size > 0 && rnd.nextBoolean() ? ranked.get(rnd.nextInt(size)) : null;
            Recommender.Candidate next = size > 0 && rnd.nextBoolean() ? ranked.get(rnd.nextInt(size)) : null;
            int used = 1 + rnd.nextInt(3);
            Recommender.Recommendation r = predicted != null && rnd.nextBoolean()
                    ? new Recommender.Recommendation(objective, ranked, best, predicted, rnd.nextBoolean(), next, used,
                            used + rnd.nextInt(3), predicted, Recommender.Basis.PREDICTED_ON_TIME)
                    : new Recommender.Recommendation(objective, ranked, best, predicted, rnd.nextBoolean(), next, used,
                            used + rnd.nextInt(3));
            double deadline = rnd.nextBoolean() ? Double.NaN : number(rnd);
            String workload = "w" + n + string(rnd);
            assertEquals(PrettyJsonTree.toJson(treeAnswer(r, workload, deadline)), pretty(r, workload, deadline), "answer " + n);
            Recommender.First f = new Recommender.First(objective, "cfg" + string(rnd), rnd.nextGaussian());
            assertEquals(PrettyJsonTree.toJson(treeFirst(f, deadline)), prettyFirst(f, deadline), "first " + n);
        }
    }
}
