package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.flash.dvfs.eval.IdleHostCheck;
import dev.flash.dvfs.train.DvfsTrainJob;
import dev.flash.dvfs.train.DvfsTrainer;
import dev.flash.meta.NetworkConfig;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.sim.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flash train dvfs}: meta-trains the FLASH DVFS agent on the simulated node and exports it. */
@Command(name = "dvfs",
        sortOptions = false,
        description = {
            "Meta-train the FLASH DVFS model on the simulated node and export it for flash daemon.",
            "",
            "Each training application runs on one cpufreq policy of the simulated node the daemon",
            "uses (--simulate); every simulated second the agent moves the frequency on a 10-level",
            "ladder. The objective: save energy against the performance governor while losing at",
            "most 5%% of the work (reward = saving - 6 * max(0, slowdown - 0.05)). PPO trains the",
            "agent and its context encoder together, across applications, so that at run time the",
            "frozen model adapts to a new application from its recent trajectory alone.",
            "",
            "The model is written to a temporary file, validated with the daemon's loader and only",
            "then moved to --out; <out>.report.json and <out>.report.md describe the run (command,",
            "seed, curves, held-out metrics against plain PPO, the other encoders, the Linux",
            "governors and the oracle). The written model is also run on an idle host: a model",
            "that keeps moving the frequency there (more than 2 changes a minute) or saves less",
            "than 90%% of what parking saves is reported as FAILS (check idle_host), with a",
            "warning not to install it.",
            "",
            "Examples:",
            "  flash train dvfs --seed 7 --out models/dvfs-flash.onnx",
            "  flash sim apps --out apps.json && flash train dvfs --apps apps.json --encoder gru",
            "  flash train dvfs --quick --out /tmp/smoke.onnx      (seconds; a smoke test, not a model)",
            "  flash train dvfs --context-windows 1,1,2,4,8,16,32 --out /tmp/windows.onnx",
            "  flash train dvfs --context-windows 1,1,2,4,8,16,32 --context-positions --out /tmp/pos.onnx",
            "  flash train dvfs --signal-dropout 0.3 --signal-mask --out /tmp/vm.onnx   (for nodes without PMU/RAPL)",
            ""},
        footer = {"", ExitCodes.HELP})
public final class TrainDvfsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--apps", paramLabel = "FILE",
            description = "Application population (flash-apps/1 JSON, e.g. from `flash sim apps`); its split "
                    + "field picks training and held-out applications. Default: 1000 applications sampled "
                    + "from --seed, 20%% held out.")
    Path apps;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7",
            description = "Seed of weights, sampling, applications and noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "dvfs-flash.onnx",
            description = "Model file to write (default: ${DEFAULT-VALUE}); the reports go beside it.")
    Path out;

    @Option(names = "--iterations", paramLabel = "N",
            description = "PPO iterations, each " + DvfsTrainer.DEFAULT_NUM_ENVS + " applications x "
                    + DvfsTrainer.DEFAULT_ROLLOUT_STEPS + " steps (default: " + DvfsTrainer.DEFAULT_ITERATIONS
                    + "; --quick: 3).")
    Integer iterations;

    @Option(names = "--encoder", paramLabel = "set-delta|set|gru", defaultValue = "set-delta",
            converter = EncoderConverter.class,
            description = "Context encoder: set-delta (mean of per-row MLPs, each row fed with its change from "
                    + "the previous row), set (the same without the change) or gru (AWARE's bidirectional "
                    + "2-layer GRU). Default: ${DEFAULT-VALUE}.")
    NetworkConfig.EncoderType encoder;

    @Option(names = "--context-length", paramLabel = "C",
            description = "Context rows (recent transitions) the encoder sees; 0 trains plain PPO without FLASH "
                    + "(default: " + DvfsTrainer.DEFAULT_CONTEXT_LENGTH + "; --quick: 8).")
    Integer contextLength;

    @Option(names = "--context-windows", paramLabel = "W,W,...",
            description = "The context as windows of recent transitions, newest first, each row the mean of its "
                    + "window (e.g. 1,1,2,4,8,16,32: the last two transitions, then the mean of the 2, 4, ... 32 "
                    + "before them, a 64-step horizon in 7 rows). The model states it in flash.context_windows and "
                    + "is exported with the rows encoding. Default: the last C transitions, one per row.")
    String contextWindows;

    @Option(names = "--context-positions",
            description = "Tell the encoder which row is which (each row's first-layer output gains a learned "
                    + "vector of its position, as if a one-hot window index were appended to the row), so a mean "
                    + "over rows can weigh the newest transition and a 32-transition window differently. For the "
                    + "set encoders; exported with the rows encoding. Default: off (rows are interchangeable).")
    boolean contextPositions;

    @Option(names = "--signal-dropout", paramLabel = "P",
            description = "Chance, per training episode and per signal group a node commonly lacks (pmu, rapl, "
                    + "schedstat), that the episode runs without it, reported as a real node reports it; the model "
                    + "then states in flash.tolerated_missing that it runs without them (default: 0, every signal "
                    + "present).")
    Double signalDropout;

    @Option(names = "--signal-mask",
            description = "Tell the model which signal groups the node lacks: three more state features "
                    + "(missing_pmu, missing_rapl, missing_schedstat), 1 when the node reports the group "
                    + "unavailable. Meant with --signal-dropout, without which they are always 0 in training. "
                    + "flashd and flash evaluate dvfs fill them from what the node reports missing.")
    boolean signalMask;

    @Option(names = "--constraint", paramLabel = "penalty|lagrangian", defaultValue = "penalty",
            description = "How training treats the 5%% slowdown budget: penalty (reward = saving - 6 * overrun) or "
                    + "lagrangian (the weight of the overrun is a multiplier learned by dual ascent so that at most "
                    + "2%% of training episodes break the budget; PPO-Lagrangian). Default: ${DEFAULT-VALUE}.")
    String constraint;

    @Option(names = "--over-budget-target", paramLabel = "P",
            description = "With --constraint lagrangian: the share of training episodes allowed over the budget "
                    + "(default: 0.02).")
    Double overBudgetTarget;

    @Option(names = "--quick", description = "Tiny settings that finish in seconds (smoke tests).")
    boolean quick;

    @Option(names = "--compare", negatable = true,
            description = "Also train plain PPO (C=0) and every encoder with the same seed and budget and "
                    + "report them (default: on, off with --quick).")
    Boolean compare;

    @Option(names = "--json", description = "Print the training report as JSON on stdout.")
    boolean json;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    /** {@link #contextWindows} parsed by {@link #call}. */
    private ContextLayout layout;

    /** Accepts set-delta/set/gru in any case; picocli names the option when the value is not one of them. */
    static final class EncoderConverter implements CommandLine.ITypeConverter<NetworkConfig.EncoderType> {
        @Override
        public NetworkConfig.EncoderType convert(String value) {
            try {
                return NetworkConfig.EncoderType.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an encoder (set-delta, set, gru)");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        if (contextLength != null && contextLength < 0) {
            return usage("--context-length must be >= 0, got " + contextLength);
        }
        if (iterations != null && iterations < 1) {
            return usage("--iterations must be >= 1, got " + iterations);
        }
        if (contextWindows != null) {
            try {
                layout = ContextLayout.parse(contextWindows);
            } catch (IllegalArgumentException e) {
                return usage("--context-windows: " + e.getMessage());
            }
            if (contextLength != null && contextLength != layout.rows()) {
                return usage("--context-length " + contextLength + " and --context-windows " + contextWindows
                        + " (" + layout.rows() + " rows) disagree; give one");
            }
        }
        if (contextPositions && encoder == NetworkConfig.EncoderType.GRU) {
            return usage("--context-positions is for the set encoders (set-delta, set): a GRU reads the rows in order"
                    + " already");
        }
        if (signalDropout != null && !(signalDropout >= 0 && signalDropout <= 1)) {
            return usage("--signal-dropout must be in [0, 1], got " + signalDropout);
        }
        if (!constraint.equals("penalty") && !constraint.equals("lagrangian")) {
            return usage("--constraint must be penalty or lagrangian, got '" + constraint + "'");
        }
        if (overBudgetTarget != null && !(overBudgetTarget >= 0 && overBudgetTarget < 1)) {
            return usage("--over-budget-target must be in [0, 1), got " + overBudgetTarget);
        }
        if (overBudgetTarget != null && !constraint.equals("lagrangian")) {
            return usage("--over-budget-target needs --constraint lagrangian");
        }
        if (apps != null && !Files.isRegularFile(apps)) {
            return usage("--apps: no such file: " + apps);
        }
        return TrainingStack.withStack("flash train dvfs", originalArgs(), this::train);
    }

    private List<String> originalArgs() {
        return spec.root().commandLine().getParseResult().originalArgs();
    }

    private int train() {
        String commandLine = "flash " + String.join(" ", originalArgs());
        TerminalProgress bar = new TerminalProgress(System.err, TerminalProgress.stderrIsTerminal());
        DvfsTrainJob job = new DvfsTrainJob(System.err, bar::update, List.of(new IdleHostCheck()));
        DvfsTrainJob.Request req = new DvfsTrainJob.Request(apps, seed, out, iterations, encoder, contextLength,
                quick, compare != null ? compare : !quick, commandLine, signalDropout, constraint.equals("lagrangian"), overBudgetTarget,
                layout, signalMask, contextPositions);
        DvfsTrainJob.Outcome outcome;
        try {
            outcome = job.run(req);
        } catch (SpecException e) {
            return fail(ExitCodes.USAGE, "invalid applications: " + e.getMessage(), e);
        } catch (ModelRejectedException e) {
            return fail(ExitCodes.INVALID_MODEL, "the exported model failed validation, nothing written: "
                    + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            return fail(ExitCodes.USAGE, e.getMessage(), e);
        } catch (IOException e) {
            return fail(ExitCodes.FAILURE, "I/O error: " + e, e);
        } catch (RuntimeException e) {
            return fail(ExitCodes.FAILURE, "training failed: " + e, e);
        }
        JsonObject report = outcome.report();
        if (json) {
            System.out.println(new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
                    .toJson(report));
        } else {
            JsonObject model = report.getAsJsonObject("model");
            System.out.printf("wrote %s (%d bytes, validated), %s, %s%n", outcome.model(),
                    model.get("bytes").getAsLong(), outcome.reportJson().getFileName(),
                    outcome.reportMarkdown().getFileName());
            System.out.println("held-out applications (energy saving vs performance, slowdown, reward/step):");
            for (Map.Entry<String, JsonElement> e : report.getAsJsonObject("held_out").getAsJsonObject("methods")
                    .entrySet()) {
                JsonObject m = e.getValue().getAsJsonObject();
                System.out.printf("  %-24s saving %6.1f%%  slowdown %5.1f%%  budget held %4.0f%%  reward %.3f%n",
                        e.getKey(), 100 * m.get("energy_saving").getAsDouble(), 100 * m.get("slowdown").getAsDouble(),
                        100 * m.get("budget_held").getAsDouble(), m.get("reward_per_step").getAsDouble());
            }
            for (Map.Entry<String, JsonElement> e : report.getAsJsonObject("checks").entrySet()) {
                JsonObject c = e.getValue().getAsJsonObject();
                System.out.printf("check %s: %s%n", e.getKey(), c.get("passes").getAsBoolean() ? "passes" : "FAILS");
            }
        }
        return ExitCodes.OK;
    }

    private int usage(String message) {
        System.err.println("flash train dvfs: " + message);
        System.err.println("Try 'flash train dvfs --help' for more information.");
        return ExitCodes.USAGE;
    }

    private int fail(int code, String message, Exception e) {
        System.err.println("flash train dvfs: " + message);
        if (verbose) {
            e.printStackTrace(System.err);
        }
        return code;
    }
}
