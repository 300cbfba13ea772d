package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.ConfigDataset;
import dev.flash.configsearch.DataFormatException;
import dev.flash.configsearch.ModelParams;
import dev.flash.configsearch.Recommender;
import dev.flash.configsearch.Target;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash config-search}: the case I companion (ONNX Runtime only, no training stack). */
@Command(name = "config-search",
        description = {
            "Few-shot configuration search (FLASH case I) for a new workload.",
            "",
            "Measure a new workload on one to three configurations, and a config-search model",
            "predicts every other configuration, recommends one and names the one worth measuring next.",
            ""},
        subcommands = {ConfigSearchCommand.Recommend.class},
        footer = {"", ExitCodes.HELP})
public final class ConfigSearchCommand extends GroupCommand {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    /** {@code flash config-search recommend}. */
    @Command(name = "recommend",
            sortOptions = false,
            description = {
                "Rank every configuration the model knows for a new workload from its measured samples.",
                "",
                "--samples holds the new workload's measured configurations in the model's data format",
                "(multicloud or long, the same columns as the training data; one workload; failed runs are",
                "left out). The model (from `flash train config-search`) sees up to its context length",
                "of them. Measured configurations keep their measured value; every other one gets the",
                "model's prediction and an uncertainty (+-, one standard deviation: the model's",
                "validation error combined with how much the samples disagree about it). The",
                "recommendation is the lowest value; with --deadline (cost objective) only",
                "configurations whose predicted runtime (ratio reference from the samples' runtimes)",
                "meets the deadline count. Next to measure: the unmeasured configuration with the",
                "lowest value one standard deviation down.",
                ""},
            footer = {
                "",
                "Examples:",
                "  flash config-search recommend --model models/configsearch-multicloud.onnx --samples new.csv",
                "  flash config-search recommend --model cost.onnx --samples new.csv --objective cost --deadline 600 --json",
                "", ExitCodes.HELP})
    static final class Recommend implements Callable<Integer> {

        @Option(names = "--model", required = true, paramLabel = "FILE", description = "A config-search model (ONNX).")
        Path model;

        @Option(names = "--samples", required = true, paramLabel = "FILE",
                description = "The new workload's measured configurations.")
        Path samples;

        @Option(names = "--objective", paramLabel = "runtime|cost", defaultValue = "runtime",
                description = "What to minimise; the model must predict it (default: ${DEFAULT-VALUE}).")
        String objective;

        @Option(names = "--deadline", paramLabel = "S", description = "Runtime limit in seconds (cost objective).")
        Double deadline;

        @Option(names = "--top", paramLabel = "N", defaultValue = "10",
                description = "Configurations listed (default: ${DEFAULT-VALUE}; --json lists all).")
        int top;

        @Option(names = "--json", description = "Print the ranking as JSON on stdout.")
        boolean json;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        /** Time to load and validate the model (ONNX Runtime's start included), for the latency figure. */
        private double loadMs;

        @Override
        public Integer call() {
            StartupTiming.mark("command-line");
            long start = System.nanoTime();
            Target t;
            try {
                t = Target.parse(objective);
            } catch (IllegalArgumentException e) {
                return usage("--objective: " + e.getMessage());
            }
            if (deadline != null && !(deadline > 0)) {
                return usage("--deadline must be > 0 seconds, got " + deadline);
            }
            if (StartupTiming.enabled()) {
                OnnxModel.environment();
                StartupTiming.mark("onnx-runtime");
            }
            try (OnnxModel m = OnnxModel.load(model)) {
                loadMs = (System.nanoTime() - start) / 1e6;
                StartupTiming.mark("model");
                if (!ModelContract.AGENT_CONFIG_SEARCH.equals(m.description().agent())) {
                    System.err.println("flash config-search recommend: " + model + " is a '" + m.description().agent()
                            + "' model, not a config-search one");
                    return ExitCodes.INVALID_MODEL;
                }
                ModelParams params;
                try {
                    params = ModelParams.of(m.description());
                } catch (IllegalArgumentException e) {
                    System.err.println("flash config-search recommend: model rejected: " + model + ": " + e.getMessage());
                    return ExitCodes.INVALID_MODEL;
                }
                ConfigDataset s = ConfigDataReader.readSamples(samples, ConfigDataReader.Format.parse(params.format()));
                if (!s.configColumns().equals(params.encoding().configColumns())) {
                    throw new DataFormatException(samples, 1, null, "configuration columns " + s.configColumns()
                            + " do not match the model's " + params.encoding().configColumns());
                }
                StartupTiming.mark("samples");
                Recommender.Recommendation r = Recommender.recommend(m, params, s.workloads().get(0).measurements(), t,
                        deadline == null ? Double.NaN : deadline);
                StartupTiming.mark("ranking");
                double ms = (System.nanoTime() - start) / 1e6;
                print(r, s.workloads().get(0).name(), ms);
                System.out.flush();
                StartupTiming.mark("output");
                StartupTiming.answered();
                return ExitCodes.OK;
            } catch (ModelRejectedException e) {
                System.err.println("flash config-search recommend: model rejected: " + e.getMessage());
                return ExitCodes.INVALID_MODEL;
            } catch (DataFormatException | IllegalArgumentException e) {
                return usage(e.getMessage());
            } catch (IOException | ai.onnxruntime.OrtException e) {
                System.err.println("flash config-search recommend: " + e);
                return ExitCodes.FAILURE;
            }
        }

        private void print(Recommender.Recommendation r, String workload, double ms) {
            String unit = r.objective() == Target.RUNTIME ? "s" : "";
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("workload", workload);
                o.addProperty("objective", r.objective().label());
                if (deadline != null) {
                    o.addProperty("deadline", deadline);
                }
                o.addProperty("samples_used", r.samplesUsed());
                o.addProperty("recommended", r.best().key());
                o.addProperty("measure_next", r.next() == null ? null : r.next().key());
                JsonArray ranked = new JsonArray();
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
                o.addProperty("milliseconds", ms);
                o.addProperty("model_load_milliseconds", loadMs);
                System.out.println(new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                        .serializeNulls().create().toJson(o));
                return;
            }
            System.out.printf(Locale.ROOT, "%s: %d sample%s used, %s%n", workload, r.samplesUsed(),
                    r.samplesUsed() == 1 ? "" : "s", r.samplesGiven() > r.samplesUsed()
                            ? "(" + r.samplesGiven() + " given; the model's context holds " + r.samplesUsed() + ")" : "");
            TextTable table = new TextTable("rank", "configuration", r.objective().label(), "+-", "");
            List<Recommender.Candidate> ranked = r.ranked();
            for (int i = 0; i < Math.min(top, ranked.size()); i++) {
                Recommender.Candidate c = ranked.get(i);
                table.row(Integer.toString(i + 1), c.key(), String.format(Locale.ROOT, "%.4g%s", c.value(), unit),
                        c.measured() ? "measured" : String.format(Locale.ROOT, "%.0f%%", 100 * (Math.exp(c.logStd()) - 1)),
                        c.meetsDeadline() ? "" : "misses deadline");
            }
            System.out.print(table);
            System.out.printf(Locale.ROOT, "recommended: %s%n", r.best().key());
            System.out.printf(Locale.ROOT, "measure next: %s%n", r.next() == null ? "(none left)" : r.next().key());
        }

        private static int usage(String message) {
            System.err.println("flash config-search recommend: " + message);
            return ExitCodes.USAGE;
        }
    }
}
