package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.ModelParams;
import dev.flash.configsearch.Recommender;
import dev.flash.configsearch.Target;
import dev.flash.configsearch.Workload;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The text answer of {@code config-search recommend} (built without java.util.Formatter since
 * 2026-12-07) is byte for byte what the printf code before it wrote: {@link #printfText} and
 * {@link #printfFirst} are that code, kept here as the reference. Checked on the shipped model's
 * answers for the fixture's workloads and on made-up answers that reach every branch.
 */
class RecommendTextTest {

    /**
     * The text answer as main wrote it up to 2026-12-07 (ConfigSearchCommand.Recommend#print), less
     * the ", " it left at the end of the first line when every sample given was used.
     */
    static String printfText(Recommender.Recommendation r, String workload, int top) {
        java.io.StringWriter sw = new java.io.StringWriter();
        java.io.PrintWriter out = new java.io.PrintWriter(sw);
        String unit = r.objective() == Target.RUNTIME ? "s" : "";
        out.printf(Locale.ROOT, "%s: %d sample%s used%s%n", workload, r.samplesUsed(),
                r.samplesUsed() == 1 ? "" : "s", r.samplesGiven() > r.samplesUsed()
                        ? ", (" + r.samplesGiven() + " given: the attention uses every one, the network's context the "
                        + r.samplesUsed() + " lowest)" : "");
        TextTable table = new TextTable("rank", "configuration", r.objective().label(), "+-", "");
        List<Recommender.Candidate> ranked = r.ranked();
        for (int i = 0; i < Math.min(top, ranked.size()); i++) {
            Recommender.Candidate c = ranked.get(i);
            table.row(Integer.toString(i + 1), c.key(), String.format(Locale.ROOT, "%.4g%s", c.value(), unit),
                    c.measured() ? "measured" : String.format(Locale.ROOT, "%.0f%%", 100 * (Math.exp(c.logStd()) - 1)),
                    c.meetsDeadline() ? "" : "misses deadline");
        }
        out.print(table);
        // since log 8 the bracket says why (BEST_MEASURED: "the best measured", as before)
        out.printf(Locale.ROOT, "recommended: %s (%s)%n", r.best().key(), r.basis().text);
        if (r.predictedBest() != null) {
            Recommender.Candidate p = r.predictedBest();
            out.printf(Locale.ROOT, "predicted best: %s, %.4g%s +-%.0f%%: %s%n", p.key(), p.value(), unit,
                    100 * (Math.exp(p.logStd()) - 1), r.predictedBeats()
                            ? "expected to beat the measured best by more than its uncertainty: measure it"
                            : "not expected to beat the measured best by more than its uncertainty");
        }
        out.printf(Locale.ROOT, "measure next: %s%n", r.next() == null ? "(none left)" : r.next().key());
        out.flush();
        return sw.toString();
    }

    /** The first pick's text as main wrote it up to 2026-12-07 (ConfigSearchCommand.Recommend#printFirst). */
    static String printfFirst(Recommender.First f, Double deadline) {
        java.io.StringWriter sw = new java.io.StringWriter();
        java.io.PrintWriter out = new java.io.PrintWriter(sw);
        out.printf(Locale.ROOT, "nothing measured yet: measure first %s%n", f.key());
        out.printf(Locale.ROOT, "(on the model's training workloads its %s was %.0f%% above their own best,"
                + " on average)%n", f.objective().label(), 100 * (Math.exp(f.meanRelativeLog()) - 1));
        if (deadline != null) {
            out.printf(Locale.ROOT, "deadline %s s: %s%n", deadline, ConfigSearchCommand.Recommend.DEADLINE_BEFORE_FIRST);
        }
        out.flush();
        return sw.toString();
    }

    @Test
    void theShippedModelsAnswersForEveryFixtureWorkload() throws Exception {
        Path model = Path.of("models/configsearch-multicloud.onnx");
        try (OnnxModel m = OnnxModel.loadBuiltin(model)) {
            ModelParams params = ModelParams.of(m.description());
            ConfigDataReader.Format format = ConfigDataReader.Format.parse(params.format());
            int answers = 0;
            for (Workload w : ConfigDataReader.read(ConfigSearchCommandTest.fixture("multicloud-fixture.csv"), format,
                    false).workloads()) {
                for (int k = 1; k <= Math.min(4, w.measurements().size()); k++) {
                    Recommender.Recommendation r = Recommender.recommend(m, params, w.measurements().subList(0, k),
                            Target.RUNTIME, Double.NaN);
                    for (int top : new int[] {10, 2, 1000}) {
                        assertEquals(printfText(r, w.name(), top), ConfigSearchCommand.Recommend.text(r, w.name(), top),
                                w.name() + " k=" + k + " top=" + top);
                    }
                    answers++;
                }
            }
            assertEquals(true, answers >= 4, "answers checked: " + answers);
            Recommender.First f = Recommender.first(params, Target.RUNTIME, Double.NaN);
            assertEquals(printfFirst(f, null), ConfigSearchCommand.Recommend.firstText(f, null));
            assertEquals(printfFirst(f, 20.0), ConfigSearchCommand.Recommend.firstText(f, 20.0));
        }
    }

    /** Made-up answers: every branch of the text (deadline misses, nothing left, more samples than used, cost). */
    @Test
    void madeUpAnswersReachEveryBranch() {
        Random rnd = new Random(11);
        for (int n = 0; n < 400; n++) {
            Target objective = n % 3 == 0 ? Target.COST : Target.RUNTIME;
            List<Recommender.Candidate> ranked = new ArrayList<>();
            int size = 1 + rnd.nextInt(15);
            for (int i = 0; i < size; i++) {
                double value = n % 7 == 0 ? (rnd.nextInt(20000) + 0.5) / 1000 // ties in the digits
                        : Math.exp(rnd.nextGaussian() * 4);
                boolean measured = rnd.nextInt(4) == 0;
                ranked.add(new Recommender.Candidate("cfg-" + i + "/" + rnd.nextInt(99), measured, value,
                        measured ? 0 : Math.abs(rnd.nextGaussian()), Double.NaN, rnd.nextInt(5) > 0));
            }
            Recommender.Candidate best = ranked.get(rnd.nextInt(size));
            Recommender.Candidate predicted = rnd.nextBoolean() ? ranked.get(rnd.nextInt(size)) : null;
            Recommender.Candidate next = rnd.nextBoolean() ? ranked.get(rnd.nextInt(size)) : null;
            int used = 1 + rnd.nextInt(3);
            Recommender.Basis basis = Recommender.Basis.values()[rnd.nextInt(Recommender.Basis.values().length)];
            Recommender.Recommendation r = new Recommender.Recommendation(objective, ranked, best, predicted,
                    rnd.nextBoolean(), next, used, used + (rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(3)),
                    ranked.get(rnd.nextInt(size)), basis);
            int top = 1 + rnd.nextInt(20);
            assertEquals(printfText(r, "w" + n, top), ConfigSearchCommand.Recommend.text(r, "w" + n, top), "answer " + n);
            Recommender.First f = new Recommender.First(objective, "cfg", rnd.nextGaussian());
            Double deadline = rnd.nextBoolean() ? null : rnd.nextDouble() * 1000;
            assertEquals(printfFirst(f, deadline), ConfigSearchCommand.Recommend.firstText(f, deadline));
        }
    }
}
