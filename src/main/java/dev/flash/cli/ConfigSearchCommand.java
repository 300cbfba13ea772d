package dev.flash.cli;

import com.google.gson.JsonObject;
import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.ConfigDataset;
import dev.flash.configsearch.DataFormatException;
import dev.flash.configsearch.ModelParams;
import dev.flash.configsearch.Recommender;
import dev.flash.configsearch.Target;
import dev.flash.onnx.lite.UnsupportedModelException;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
                "left out). The model (from `flash train config-search`) predicts from its attention over",
                "every sample and its network's context of the lowest ones (up to its context length).",
                "Measured configurations keep their measured value; every other one gets the model's",
                "prediction and an uncertainty (+-, one standard deviation: the model's",
                "validation error combined with how much the samples disagree about it).",
                "",
                "The rule (the one `flash evaluate config-search` measures as the regret from chosen",
                "shots): the recommendation is the best MEASURED configuration (best_measured); the",
                "predicted ranking is shown beside it, and its lowest unmeasured configuration is the",
                "one to measure next (measure_next), flagged when it is expected to beat the measured",
                "best by more than its uncertainty (its value one standard deviation up is still lower:",
                "predicted_beats_measured). Measure it, run recommend again, and stop when nothing is",
                "expected to beat what is measured. With --deadline (cost objective) only configurations",
                "whose runtime (measured, or predicted by the ratio reference from the samples'",
                "runtimes) meets the deadline count, while any does; if no MEASURED one met it, the",
                "recommendation is the best one PREDICTED to meet it, unmeasured (recommended_measured",
                "false, recommended_basis predicted_on_time), or if none is, the fastest measured, late",
                "(fastest_measured): what `flash evaluate config-search` scores as the cost under a deadline.",
                "For cost under a deadline a configuration's runtime is the mean (in logs) of the model's",
                "(its cost less the configuration's price, from the ratio references) and the ratio",
                "reference's, and measure_next is where the expected saving on what will be run is largest",
                "(the evaluation's flash-saving): under a lognormal runtime with the model's validation",
                "error, the expected cost saved below the cheapest measured configuration on time.",
                "",
                "--first, or a --samples file with no rows (a header only), names the FIRST",
                "configuration to measure for a workload with nothing measured: the one the model's",
                "training workloads put closest to their own best (the mean of log y(c) - min log y",
                "over the training workloads that ran c, at least half of them), rebuilt from the",
                "training tables the model carries in flash.params ('attention'; a model without them",
                "is refused, exit 2). Then measure what recommend names next.",
                "",
                "--stream serves many workloads with one start-up: each line of standard input (or",
                "--samples-stream FILE) is one JSON object, {\"workload\": ID, \"samples\": [{COLUMN: VALUE, ...}, ...]},",
                "the samples keyed by the same columns as a --samples file (the workload column may be left",
                "out; an empty array asks for the first configuration, as --first); each gets one JSON",
                "line out, in order: what --json prints plus \"line\" and \"milliseconds\". A bad line",
                "gets {\"line\", \"workload\", \"error\"} (the error names the field) and a message on",
                "standard error; the stream goes on (exit 2 at the end if any line was bad).",
                "",
                "--engine chooses what runs the model: ort (ONNX Runtime), builtin (flash's own evaluator",
                "of its exported graphs, in Java: no native library to load, so a one-shot answer comes",
                "sooner) or auto (default): builtin for one answer when it reads the file, otherwise ONNX",
                "Runtime (which also gives the verdict on a file the built-in reading refuses); ONNX Runtime",
                "for --stream, which pays its start once. Both engines make the same checks of the file",
                "and give the same predictions to 1e-5 (docs/model-contract.md). --json names the engine.",
                ""},
            footer = {
                "",
                "Examples:",
                "  flash config-search recommend --model models/configsearch-multicloud.onnx --samples new.csv",
                "  flash config-search recommend --model models/configsearch-multicloud.onnx --first --json",
                "  flash config-search recommend --model m.onnx --samples-stream jobs.jsonl > answers.jsonl",
                "  flash config-search recommend --model m.onnx --samples new.csv --engine ort --verbose",
                "  flash config-search recommend --model cost.onnx --samples new.csv --objective cost --deadline 600 --json",
                "", ExitCodes.HELP})
    static final class Recommend implements Callable<Integer> {

        @Option(names = "--model", required = true, paramLabel = "FILE", description = "A config-search model (ONNX).")
        Path model;

        @Option(names = "--samples", paramLabel = "FILE",
                description = "The new workload's measured configurations (required without --stream).")
        Path samples;

        @Option(names = "--first",
                description = "Name the first configuration to measure (nothing measured yet; no --samples needed).")
        boolean first;

        @Option(names = "--objective", paramLabel = "runtime|cost", defaultValue = "runtime",
                description = "What to minimise; the model must predict it (default: ${DEFAULT-VALUE}).")
        String objective = "runtime";

        @Option(names = "--deadline", paramLabel = "S", description = "Runtime limit in seconds (cost objective).")
        Double deadline;

        @Option(names = "--top", paramLabel = "N", defaultValue = "10",
                description = "Configurations listed (default: ${DEFAULT-VALUE}; --json lists all).")
        int top = 10;

        @Option(names = "--json", description = "Print the ranking as JSON on stdout.")
        boolean json;

        @Option(names = "--stream",
                description = "Serve many workloads: one JSON line per workload in (standard input), one JSON line out.")
        boolean stream;

        @Option(names = "--engine", paramLabel = "auto|ort|builtin", defaultValue = "auto",
                description = "What runs the model (default: ${DEFAULT-VALUE}: builtin for one answer, ONNX Runtime for --stream).")
        String engine = "auto";

        @Option(names = "--verbose", description = "Say on standard error which engine ran the model and why.")
        boolean verbose;

        @Option(names = "--samples-stream", paramLabel = "FILE",
                description = "Read the --stream lines from FILE instead of standard input (implies --stream).")
        Path samplesStream;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        /** Time to load and validate the model (ONNX Runtime's start included), for the latency figure. */
        private double loadMs;

        /**
         * The command for a plain command line, without picocli: {@code config-search recommend}
         * followed only by this command's options, each once, in the form {@code --name value}
         * (or the flag alone), every value one picocli converts the same way. Anything else (help,
         * {@code --name=value}, an unknown or repeated option, a missing or bad value, an
         * {@code @file} argument) returns null, and picocli parses it, with its usual usage and
         * error texts. Setting up picocli (its classes are Java 5 class files, which the launcher's
         * AppCDS archive cannot hold, and reflection over the command's annotations) was the
         * largest phase of a one-shot answer (docs/config-search.md, "Latency").
         */
        static Recommend plain(String[] args) {
            if (args.length < 3 || !"config-search".equals(args[0]) || !"recommend".equals(args[1])) {
                return null;
            }
            Recommend r = new Recommend();
            java.util.Set<String> seen = new java.util.HashSet<>();
            try {
                for (int i = 2; i < args.length; i++) {
                    String a = args[i];
                    if (!seen.add(a)) {
                        return null;
                    }
                    switch (a) {
                        case "--json" -> r.json = true;
                        case "--stream" -> r.stream = true;
                        case "--verbose" -> r.verbose = true;
                        case "--first" -> r.first = true;
                        case "--model", "--samples", "--samples-stream", "--objective", "--deadline", "--top",
                             "--engine" -> {
                            if (i + 1 >= args.length || args[i + 1].startsWith("-") || args[i + 1].startsWith("@")
                                    || args[i + 1].isEmpty()) {
                                return null;
                            }
                            String v = args[++i];
                            switch (a) {
                                case "--model" -> r.model = Path.of(v);
                                case "--samples" -> r.samples = Path.of(v);
                                case "--samples-stream" -> r.samplesStream = Path.of(v);
                                case "--objective" -> r.objective = v;
                                case "--engine" -> r.engine = v;
                                case "--deadline" -> r.deadline = Double.valueOf(v);
                                default -> r.top = digits(v);
                            }
                        }
                        default -> {
                            return null;
                        }
                    }
                }
            } catch (RuntimeException e) { // a value picocli would refuse (or convert otherwise): let it say so
                return null;
            }
            return r.model == null ? null : r;
        }

        private static int digits(String v) {
            if (v.length() > 9) {
                throw new NumberFormatException(v);
            }
            for (int i = 0; i < v.length(); i++) {
                if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                    throw new NumberFormatException(v);
                }
            }
            return Integer.parseInt(v);
        }

        /** {@link #call()} as picocli's execute runs it: an exception is a failure (exit 1) with its trace. */
        int callPlain() {
            try {
                return call();
            } catch (RuntimeException e) {
                e.printStackTrace();
                return ExitCodes.FAILURE;
            }
        }

        @Override
        public Integer call() {
            StartupTiming.mark("command-line");
            long start = System.nanoTime();
            boolean streaming = stream || samplesStream != null;
            if (streaming && samples != null) {
                return usage("--samples and --stream exclude each other (a stream line carries its samples)");
            }
            if (!streaming && samples == null && !first) {
                return usage("missing --samples FILE (or --stream, or --first)");
            }
            if (streaming && first) {
                return usage("--first and --stream exclude each other");
            }
            Target t;
            try {
                t = Target.parse(objective);
            } catch (IllegalArgumentException e) {
                return usage("--objective: " + e.getMessage());
            }
            if (deadline != null && !(deadline > 0)) {
                return usage("--deadline must be > 0 seconds, got " + deadline);
            }
            if (!ENGINES.contains(engine)) {
                return usage("--engine must be one of " + String.join(", ", ENGINES) + ", got '" + engine + "'");
            }
            OnnxModel opened;
            try {
                opened = open(streaming);
            } catch (ModelRejectedException e) {
                System.err.println("flash config-search recommend: model rejected: " + e.getMessage());
                return ExitCodes.INVALID_MODEL;
            } catch (UnsupportedModelException e) {
                System.err.println("flash config-search recommend: --engine builtin: " + model + ": " + e.getMessage()
                        + "; --engine ort or auto runs it with ONNX Runtime");
                return ExitCodes.FAILURE;
            }
            try (OnnxModel m = opened) {
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
                StartupTiming.mark("model-params");
                if (streaming) {
                    // a model that cannot answer for the objective at all is the command's error, not every line's
                    Recommender.check(params, t, deadline == null ? Double.NaN : deadline);
                    try (BufferedReader in = samplesStream != null
                            ? Files.newBufferedReader(samplesStream, StandardCharsets.UTF_8)
                            : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                        RecommendStream server = new RecommendStream(m, params, t, deadline == null ? Double.NaN : deadline);
                        int bad = server.serve(in, System.out, System.err);
                        return bad == 0 ? ExitCodes.OK : ExitCodes.USAGE;
                    }
                }
                if (first || (samples != null && ConfigDataReader.hasNoRows(samples))) {
                    Recommender.First f = Recommender.first(params, t, deadline == null ? Double.NaN : deadline);
                    printFirst(f, deadline, (System.nanoTime() - start) / 1e6, m.engine());
                    StartupTiming.answered();
                    return ExitCodes.OK;
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
                print(r, s.workloads().get(0).name(), ms, m.engine());
                System.out.flush();
                StartupTiming.mark("output");
                StartupTiming.answered();
                return ExitCodes.OK;
            } catch (DataFormatException | IllegalArgumentException e) {
                return usage(e.getMessage());
            } catch (IOException | ai.onnxruntime.OrtException e) {
                System.err.println("flash config-search recommend: " + e);
                return ExitCodes.FAILURE;
            }
        }

        static final List<String> ENGINES = List.of("auto", "ort", "builtin");

        /** Why auto fell back to ONNX Runtime (for --verbose); null when it did not. */
        private String fallback;

        /**
         * The model, read by the engine {@link #engine} names. auto: the built-in evaluator for one
         * answer, ONNX Runtime for a stream, and ONNX Runtime again whenever the built-in reading
         * refuses or rejects the file, so that a file it cannot read still runs and a rejection is
         * the same verdict, with the same reason, as before the built-in engine existed.
         */
        private OnnxModel open(boolean streaming) throws ModelRejectedException, UnsupportedModelException {
            OnnxModel m;
            if (engine.equals("ort") || (engine.equals("auto") && streaming)) {
                m = loadOrt();
            } else if (engine.equals("builtin")) {
                m = OnnxModel.loadBuiltin(model, ModelParams.TEXT_READER);
            } else {
                try {
                    m = OnnxModel.loadBuiltin(model, ModelParams.TEXT_READER);
                } catch (UnsupportedModelException | ModelRejectedException e) {
                    fallback = e.getMessage();
                    m = loadOrt();
                }
            }
            if (verbose) {
                System.err.println("flash config-search recommend: engine " + m.engine() + " (--engine " + engine
                        + (fallback != null ? "; the built-in evaluator did not take the file: " + fallback
                        : streaming && engine.equals("auto") ? "; --stream" : "") + ")");
            }
            return m;
        }

        private OnnxModel loadOrt() throws ModelRejectedException {
            if (StartupTiming.enabled()) {
                OnnxModel.environment();
                StartupTiming.mark("onnx-runtime");
            }
            return OnnxModel.load(model);
        }

        private void print(Recommender.Recommendation r, String workload, double ms, String engineUsed) {
            if (json) {
                JsonOut.Pretty out = new JsonOut.Pretty(32 * 1024);
                answer(r, workload, deadline == null ? Double.NaN : deadline, out);
                printJson(out, ms, engineUsed);
                return;
            }
            System.out.print(text(r, workload, top));
        }

        /**
         * The text answer. Built as one string without java.util.Formatter (NumberText gives the
         * same characters as printf's %.4g and %.0f): the Formatter's set-up cost a text answer
         * 16-18 ms of its main thread, and its classes made the AppCDS archive 3 MB bigger.
         */
        static String text(Recommender.Recommendation r, String workload, int top) {
            String unit = r.objective() == Target.RUNTIME ? "s" : "";
            String nl = System.lineSeparator();
            StringBuilder out = new StringBuilder(2048);
            out.append(workload).append(": ").append(r.samplesUsed()).append(" sample")
                    .append(r.samplesUsed() == 1 ? "" : "s").append(" used")
                    .append(r.samplesGiven() > r.samplesUsed()
                            ? ", (" + r.samplesGiven() + " given: the attention uses every one, the network's context the "
                            + r.samplesUsed() + " lowest)" : "").append(nl);
            TextTable table = new TextTable("rank", "configuration", r.objective().label(), "+-", "");
            List<Recommender.Candidate> ranked = r.ranked();
            for (int i = 0; i < Math.min(top, ranked.size()); i++) {
                Recommender.Candidate c = ranked.get(i);
                table.row(Integer.toString(i + 1), c.key(), NumberText.general(c.value(), 4) + unit,
                        c.measured() ? "measured" : percent(c.logStd()),
                        c.meetsDeadline() ? "" : "misses deadline");
            }
            out.append(table);
            out.append("recommended: ").append(r.best().key()).append(" (").append(r.basis().text).append(")").append(nl);
            if (r.predictedBest() != null) {
                Recommender.Candidate p = r.predictedBest();
                out.append("predicted best: ").append(p.key()).append(", ").append(NumberText.general(p.value(), 4))
                        .append(unit).append(" +-").append(percent(p.logStd())).append(": ").append(r.predictedBeats()
                                ? "expected to beat the measured best by more than its uncertainty: measure it"
                                : "not expected to beat the measured best by more than its uncertainty").append(nl);
            }
            out.append("measure next: ").append(r.next() == null ? "(none left)" : r.next().key()).append(nl);
            return out.toString();
        }

        /** A log-space standard deviation as the text answer's "+-" percentage ({@code %.0f%%}). */
        static String percent(double logStd) {
            return NumberText.fixed(100 * (Math.exp(logStd) - 1), 0) + "%";
        }

        /**
         * One answer as pretty JSON (the text Gson's pretty printing gives the tree
         * {@link JsonOut.Tree} would hold), with how long it took and which engine served it.
         */
        private void printJson(JsonOut.Pretty o, double ms, String engineUsed) {
            o.number("milliseconds", ms);
            o.number("model_load_milliseconds", loadMs);
            o.string("engine", engineUsed);
            String text = o.text();
            if (o.ascii() && asciiStdout()) {
                // the bytes println would write, without its charset encoder (first use: a
                // character-by-character loop over the ~20 KB answer, interpreted)
                byte[] bytes = (text + System.lineSeparator()).getBytes(StandardCharsets.ISO_8859_1);
                System.out.write(bytes, 0, bytes.length);
                System.out.flush();
            } else {
                System.out.println(text);
            }
        }

        /**
         * Whether System.out writes ASCII as one byte per character: its charset (the JVM's
         * {@code sun.stdout.encoding}, else its default charset, as {@code System} chose it) is
         * UTF-8, US-ASCII or ISO-8859-1.
         */
        static boolean asciiStdout() {
            String name = System.getProperty("sun.stdout.encoding");
            java.nio.charset.Charset cs;
            try {
                cs = name == null ? java.nio.charset.Charset.defaultCharset() : java.nio.charset.Charset.forName(name);
            } catch (RuntimeException e) {
                return false;
            }
            return cs.equals(StandardCharsets.UTF_8) || cs.equals(StandardCharsets.US_ASCII)
                    || cs.equals(StandardCharsets.ISO_8859_1);
        }

        /**
         * Why a deadline cannot shape the first pick: the prior knows how configurations rank
         * relative to a workload's own best, not how long this workload runs; its first
         * measurement gives that scale, and from then on the deadline filters the answers.
         */
        static final String DEADLINE_BEFORE_FIRST = "not applied to the first pick: nothing measured yet gives this "
                + "workload's runtime; it applies from the first measurement on";

        private void printFirst(Recommender.First f, Double deadline, double ms, String engineUsed) {
            if (json) {
                JsonOut.Pretty out = new JsonOut.Pretty(1024);
                first(f, deadline == null ? Double.NaN : deadline, out);
                printJson(out, ms, engineUsed);
                return;
            }
            System.out.print(firstText(f, deadline));
        }

        /** The text answer for nothing measured yet (the first pick). */
        static String firstText(Recommender.First f, Double deadline) {
            String nl = System.lineSeparator();
            StringBuilder out = new StringBuilder(256);
            out.append("nothing measured yet: measure first ").append(f.key()).append(nl);
            out.append("(on the model's training workloads its ").append(f.objective().label()).append(" was ")
                    .append(NumberText.fixed(100 * (Math.exp(f.meanRelativeLog()) - 1), 0))
                    .append("% above their own best, on average)").append(nl);
            if (deadline != null) {
                out.append("deadline ").append(deadline).append(" s: ").append(DEADLINE_BEFORE_FIRST).append(nl);
            }
            return out.toString();
        }

        /** The first pick (nothing measured yet) as --json and --stream write it (without the timings). */
        static JsonObject firstJson(Recommender.First f, double deadline) {
            JsonOut.Tree t = new JsonOut.Tree();
            first(f, deadline, t);
            return t.root();
        }

        /** The first pick's fields, in order, for either form of the JSON answer. */
        static void first(Recommender.First f, double deadline, JsonOut o) {
            o.string("objective", f.objective().label());
            if (!Double.isNaN(deadline)) {
                o.number("deadline", deadline);
                o.string("deadline_note", DEADLINE_BEFORE_FIRST);
            }
            o.number("samples_used", 0);
            o.string("first_to_measure", f.key());
            o.number("prior_over_best", Math.exp(f.meanRelativeLog()));
            o.nullValue("recommended");
            o.string("measure_next", f.key());
        }

        /** The answer for one workload as --json and --stream write it (without the timings). */
        static JsonObject json(Recommender.Recommendation r, String workload, double deadline) {
            JsonOut.Tree t = new JsonOut.Tree();
            answer(r, workload, deadline, t);
            return t.root();
        }

        /**
         * The answer's fields, in order, for either form of the JSON answer: Gson's tree
         * ({@link #json}, {@code --stream}) or the pretty text written as they come ({@code --json}).
         */
        static void answer(Recommender.Recommendation r, String workload, double deadline, JsonOut o) {
            o.string("workload", workload);
            o.string("objective", r.objective().label());
            if (!Double.isNaN(deadline)) {
                o.number("deadline", deadline);
            }
            o.number("samples_used", r.samplesUsed());
            o.string("recommended", r.best().key());
            o.bool("recommended_measured", r.best().measured());
            o.string("recommended_basis", r.basis().name().toLowerCase(java.util.Locale.ROOT));
            o.string("best_measured", r.bestMeasured().key());
            o.number("best_measured_value", r.bestMeasured().value());
            o.string("predicted_best", r.predictedBest() == null ? null : r.predictedBest().key());
            o.bool("predicted_beats_measured", r.predictedBeats());
            o.string("measure_next", r.next() == null ? null : r.next().key());
            o.beginArray("ranked");
            for (Recommender.Candidate c : r.ranked()) {
                o.beginObject();
                o.string("config", c.key());
                o.bool("measured", c.measured());
                o.number("value", c.value());
                o.number("low", c.value() * Math.exp(-c.logStd()));
                o.number("high", c.value() * Math.exp(c.logStd()));
                if (!Double.isNaN(c.runtime())) {
                    o.number("runtime", c.runtime());
                }
                o.bool("meets_deadline", c.meetsDeadline());
                o.endObject();
            }
            o.endArray();
        }

        private static int usage(String message) {
            System.err.println("flash config-search recommend: " + message);
            return ExitCodes.USAGE;
        }
    }
}
