package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.BuildInfo;
import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.ConfigDataset;
import dev.flash.configsearch.ConfigSearchTraining;
import dev.flash.configsearch.ReferenceBlend;
import dev.flash.configsearch.DataFormatException;
import dev.flash.configsearch.Target;
import dev.flash.meta.SupervisedTrainer;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash train config-search}: the FLASH few-shot model `flash config-search recommend` runs. */
@Command(name = "config-search",
        sortOptions = false,
        description = {
            "Meta-train the FLASH few-shot configuration-search model (case I) on a measurement file.",
            "",
            "Every workload with more than --shots measurements trains (two of them, drawn by --seed,",
            "only watch for over-fitting: early stopping). The model sees a new workload's k measured",
            "configurations through a shot encoder and predicts the log target's residual over its",
            "attention over the training workloads (each votes the shots scaled by its own ratios,",
            "weighted by how much it behaves like the shots; every pair of temperatures weighted by",
            "its leave-one-workload-out likelihood; the file carries the workloads' log targets and",
            "the weighted pairs), shrunk by the scale that fits the",
            "early-stopping workloads. Written to a temporary file, validated",
            "with the loader `recommend` uses, then moved to --out; <out>.report.json and",
            "<out>.report.md describe the run. How well it predicts: `flash evaluate config-search`.",
            ""},
        footer = {
            "",
            "Examples:",
            "  flash train config-search --dataset multi-cloud.csv --format multicloud --out cs.onnx",
            "  flash train config-search --dataset functions.csv --format long --target cost --out cost.onnx",
            "", ExitCodes.HELP})
public final class TrainConfigSearchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConfigSearchOptions data;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "configsearch.onnx",
            description = "Model file to write (default: ${DEFAULT-VALUE}); the reports go beside it.")
    Path out;

    @Option(names = "--json", description = "Print the training report as JSON on stdout.")
    boolean json;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Override
    public Integer call() throws Exception {
        return TrainingStack.withStack("flash train config-search",
                spec.root().commandLine().getParseResult().originalArgs(), this::train);
    }

    private int train() {
        String commandLine = "flash " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs());
        try {
            SupervisedTrainer.Config cfg = data.trainerConfig();
            ReferenceBlend blend = data.parsedBlend();
            ConfigDataReader.Format fmt = data.parsedFormat();
            Target t = data.parsedTarget();
            Path dataset = data.dataset;
            long seed = data.seed;
            ConfigDataset measurements = data.read(dataset);
            ProgressBar bar = new ProgressBar(System.err, "train", data.steps, !json);
            long start = System.nanoTime();
            try (ConfigSearchTraining training = ConfigSearchTraining.train(measurements, t, cfg,
                    blend, step -> bar.advanceTo(step, ""))) {
                bar.advanceTo(data.steps, "early stop at " + training.result().stepsRun());
                bar.finish();
                double seconds = (System.nanoTime() - start) / 1e9;
                JsonObject report = new JsonObject();
                report.addProperty("command", commandLine);
                report.addProperty("seed", seed);
                report.addProperty("date", Instant.now().toString());
                report.addProperty("git_commit", BuildInfo.commit().orElse("unknown"));
                report.addProperty("machine", System.getProperty("os.name") + " " + System.getProperty("os.arch")
                        + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, Java "
                        + System.getProperty("java.version"));
                report.addProperty("training_seconds", seconds);
                JsonObject d = new JsonObject();
                d.addProperty("file", dataset.toString());
                d.addProperty("sha256", sha256(Files.readAllBytes(dataset)));
                d.addProperty("format", fmt.label());
                d.addProperty("workloads", measurements.workloads().size());
                d.addProperty("measurements", measurements.measurementCount());
                d.addProperty("failed_rows_left_out", measurements.failedRows());
                d.addProperty("repeats_merged", measurements.repeatsMerged());
                report.add("data", d);
                JsonObject tr = new JsonObject();
                tr.addProperty("target", t.label());
                tr.addProperty("steps_run", training.result().stepsRun());
                tr.addProperty("best_step", training.result().bestStep());
                tr.addProperty("best_validation_mse", training.result().bestValLoss());
                tr.addProperty("validation_log_rmse", training.params().logRmse());
                tr.addProperty("attention", training.params().attention().describe());
                tr.addProperty("residual_scale", training.params().encoding().residualScale());
                JsonArray curve = new JsonArray();
                training.result().valLoss().forEach(curve::add);
                tr.add("validation_curve", curve);
                report.add("training", tr);
                JsonObject provenance = new JsonObject();
                provenance.addProperty("command", commandLine);
                provenance.addProperty("seed", seed);
                provenance.addProperty("date", report.get("date").getAsString());
                provenance.addProperty("data_sha256", d.get("sha256").getAsString());
                provenance.addProperty("git_commit", report.get("git_commit").getAsString());
                provenance.addProperty("training_seconds", seconds);
                Path dir = out.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, ".flash-train-", ".onnx");
                try {
                    training.write(tmp, provenance);
                    OnnxModel.load(tmp).close();
                    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                JsonObject model = new JsonObject();
                model.addProperty("file", out.toString());
                model.addProperty("bytes", Files.size(out));
                model.addProperty("sha256", sha256(Files.readAllBytes(out)));
                report.add("model", model);
                String pretty = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
                        .toJson(report);
                Files.writeString(Path.of(out + ".report.json"), pretty + "\n");
                Files.writeString(Path.of(out + ".report.md"), markdown(report));
                if (json) {
                    System.out.println(pretty);
                } else {
                    System.out.printf(Locale.ROOT, "wrote %s (%d bytes, validated), %s.report.json, %s.report.md%n",
                            out, Files.size(out), out.getFileName(), out.getFileName());
                    System.out.printf(Locale.ROOT, "best step %d of %d, validation log-RMSE %.3f, %.0f s%n",
                            training.result().bestStep(), training.result().stepsRun(), training.params().logRmse(),
                            seconds);
                }
            }
            return ExitCodes.OK;
        } catch (DataFormatException | IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (ModelRejectedException e) {
            System.err.println("flash train config-search: the exported model failed validation, nothing written: "
                    + e.getMessage());
            return ExitCodes.INVALID_MODEL;
        } catch (IOException e) {
            System.err.println("flash train config-search: " + e);
            if (verbose) {
                e.printStackTrace(System.err);
            }
            return ExitCodes.FAILURE;
        }
    }

    private static String markdown(JsonObject r) {
        JsonObject d = r.getAsJsonObject("data");
        JsonObject t = r.getAsJsonObject("training");
        JsonObject m = r.getAsJsonObject("model");
        return String.format(Locale.ROOT, "# Config-search model training report%n%n"
                        + "- Command: `%s`%n- Seed: %d%n- Date: %s%n- Git commit: %s%n- Machine: %s%n"
                        + "- Wall time: %.1f s%n- Data: %s (sha256 %s...), %s format, %d workloads, %d measurements, "
                        + "%d failed runs left out, %d repeats merged%n- Target: %s (FLASH residual over its attention "
                        + "over the training workloads: %s)%n- Training: best step %d of %d, validation MSE %.4f "
                        + "(scaled residual), residual scale %.2f (fitted on the early-stopping workloads), "
                        + "log-RMSE %.3f%n- Model: %s, %d bytes, sha256 %s...%n%n"
                        + "How well it predicts held-out workloads: `flash evaluate config-search` (docs/config-search.md).%n",
                r.get("command").getAsString(), r.get("seed").getAsLong(), r.get("date").getAsString(),
                r.get("git_commit").getAsString(), r.get("machine").getAsString(),
                r.get("training_seconds").getAsDouble(), d.get("file").getAsString(),
                d.get("sha256").getAsString().substring(0, 16), d.get("format").getAsString(),
                d.get("workloads").getAsInt(), d.get("measurements").getAsInt(), d.get("failed_rows_left_out").getAsInt(),
                d.get("repeats_merged").getAsInt(), t.get("target").getAsString(), t.get("attention").getAsString(),
                t.get("best_step").getAsInt(), t.get("steps_run").getAsInt(), t.get("best_validation_mse").getAsDouble(),
                t.get("residual_scale").getAsDouble(),
                t.get("validation_log_rmse").getAsDouble(), m.get("file").getAsString(), m.get("bytes").getAsLong(),
                m.get("sha256").getAsString().substring(0, 16));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private int usage(String message) {
        System.err.println("flash train config-search: " + message);
        return ExitCodes.USAGE;
    }
}
