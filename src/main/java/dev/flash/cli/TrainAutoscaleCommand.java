package dev.flash.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.BuildInfo;
import dev.flash.autoscale.InvalidInputException;
import dev.flash.autoscale.OnnxAutoscaler;
import dev.flash.autoscale.ServicePopulation;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.autoscale.train.AutoscaleServices;
import dev.flash.autoscale.train.AutoscaleTrainer;
import dev.flash.autoscale.train.AutoscaleTrainer.ServiceComparison;
import dev.flash.meta.IterationMetrics;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flash train autoscale}: meta-trains the FLASH autoscaling agent (case II) and exports it. */
@Command(name = "autoscale",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Meta-train the FLASH autoscaling model (case II) on simulated services.",
            "",
            "The model is what `flash autoscale recommend` and `flash autoscale controller` serve.",
            "",
            "Every 60 s step the agent moves one service: no-op, scale out (a quarter of its replicas,",
            "at least one), scale in (to the replicas that would have run the last step at 60%%), scale",
            "up or down (CPU limit per replica x1.25 or /1.25); a guard then raises the replicas to",
            "what HPA would set on the same step when HPA would scale out (--guard hpa-floor, the",
            "default; docs/autoscale.md). The guard's id is written to the model, which is served behind",
            "it. The reward is minus the operator's bill:",
            "allocated cores plus missed requests, a miss priced at 100x the cores that serve a request",
            "at 70%% (an operator promising 99%% counts 1%% missed as a doubled bill). --core-budget",
            "constrains each episode's core-seconds to --core-budget-ratio x those of HPA run on the same",
            "episode (PPO-Lagrangian: a learned core price); --miss-budget-ratio M turns it around: each",
            "episode's missed requests <= M x HPA's on it, a learned miss price, the cores minimised.",
            "--budget-on greedy sets that price from the greedy policy (what evaluate runs) beside HPA",
            "on 8 training services per iteration instead of from PPO's sampled training episodes.",
            "--init-from hpa starts from HPA instead of random weights: behaviour cloning of HPA's move",
            "(out, in or no-op as HPA would scale out, in or hold on the same step) for",
            "--clone-iterations rounds, then PPO with a cross-entropy term to HPA's move weighted",
            "--clone-weight on its first iteration and --clone-weight-end on its last.",
            "--iterations 0 with --init-from hpa exports the clone alone. --init-from FILE starts from",
            "the weights of a model this command wrote (e.g. that clone) without cloning again.",
            "PPO trains the agent and its context encoder",
            "together across the training services, so the frozen model adapts to a new service from",
            "its recent steps.",
            "",
            "The model is validated with the ONNX loader before it replaces --out; <out>.report.json",
            "holds the command, seed, curve and the held-out services against HPA and HPA+VPA.",
            "",
            "Examples:",
            "  flash train autoscale --seed 7 --out models/autoscale-flash.onnx",
            "  flash sim services --sample 200 --seed 3 --out s.json && flash train autoscale --services s.json",
            "  flash train autoscale --quick --out /tmp/smoke.onnx      (seconds; a smoke test, not a model)",
            "  flash train autoscale --core-budget --out /tmp/budget.onnx   (HPA's cores as a constraint)",
            "  flash train autoscale --miss-budget-ratio 0.9 --out /tmp/m.onnx  (misses <= 0.9 x HPA's)",
            "  flash train autoscale --miss-budget-ratio 0.9 --limit-change-price 5 --out /tmp/m5.onnx",
            "  flash train autoscale --guard utilization --out /tmp/u.onnx  (the guard before 2026-12-07 night)",
            "  flash train autoscale --init-from hpa --iterations 0 --out /tmp/clone.onnx  (HPA's clone)",
            "  flash train autoscale --init-from hpa --miss-budget-ratio 0.9 --clone-weight-end 0.1 \\",
            "      --out /tmp/bc.onnx       (from HPA's clone, PPO under the miss budget)",
            "  flash train autoscale --init-from /tmp/clone.onnx --clone-weight 1 --out /tmp/bc2.onnx",
            "  flash train autoscale --operator-start --episode-steps 480 --out /tmp/o.onnx  (as evaluated)",
            "  flash train autoscale --context-windows 1,1,1,1,1,1,1,1,8,16,32,64 --out /tmp/w.onnx",
            "      (the last 8 steps and means over the 120 before them: a context of two time scales)",
            "  flash train autoscale --miss-budget-ratio 0.9 --budget-on greedy --out /tmp/g.onnx",
            ""},
        footer = {"", ExitCodes.HELP})
public final class TrainAutoscaleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--services", paramLabel = "FILE",
            description = "Services population (flash-services/1, from `flash sim services`); its split field picks "
                    + "training and held-out services. Default: 200 services sampled from --seed, 20%% held out.")
    Path services;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--iterations", paramLabel = "N",
            description = "PPO iterations (default: 150; --quick: 3; 0 only with --init-from: the clone alone).")
    Integer iterations;

    @Option(names = "--context", paramLabel = "C", description = "Context rows (default: 8; 0 trains plain PPO, no FLASH).")
    Integer context;

    @Option(names = "--context-windows", paramLabel = "W1,W2,...",
            description = "The context as windows of transitions, newest first, each row the mean of its window "
                    + "(e.g. 1,1,1,1,1,1,1,1,8,16,32,64: the last 8 steps and means over the 120 before them); "
                    + "recorded in the model, which the recommend stream and the controller rebuild. Not with --context.")
    String contextWindows;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "autoscale-flash.onnx",
            description = "Where the model goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "A few iterations on a few services: checks the pipeline in seconds.")
    boolean quick;

    @Option(names = "--core-budget", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Constrain each training episode's core-seconds to --core-budget-ratio x HPA's on the same "
                    + "episode (a learned core price; off by default, docs/autoscale.md).")
    boolean coreBudget;

    @Option(names = "--core-budget-ratio", paramLabel = "R",
            description = "The budget as a share of HPA's core-seconds, in (0, 2] (default: 0.95).")
    Double coreBudgetRatio;

    @Option(names = "--miss-budget-ratio", paramLabel = "M",
            description = "Constrain each training episode's missed requests to M x HPA's on the same episode, M in "
                    + "(0, 2] (a learned miss price, cores at the operator's rate; not with --core-budget).")
    Double missBudgetRatio;

    @Option(names = "--two-sided-budget", paramLabel = "R",
            description = "Constrain each training episode's core-seconds AND missed requests to R x HPA's on the same "
                    + "episode, R in (0, 2] (two learned prices; not with --core-budget or --miss-budget-ratio).")
    Double twoSidedBudget;

    @Option(names = "--budget-on", paramLabel = "POLICY", defaultValue = "sampled",
            description = "What the budget's dual step measures: sampled (PPO's training episodes, the default) or "
                    + "greedy (the most probable move, as evaluated, beside HPA on 8 training services x the "
                    + "evaluation's steps after every iteration). Needs a budget option.")
    String budgetOn;

    @Option(names = "--limit-change-price", paramLabel = "STEPS",
            description = "In training, a step whose CPU limit changes also pays STEPS x its allocated cores, in "
                    + "[0, 100] (default 0: free; evaluation never pays it).")
    Double limitChangePrice;

    @Option(names = "--guard", paramLabel = "ID", defaultValue = "hpa-floor",
            description = "The safety layer every move passes, in training and when served: hpa-floor (never fewer "
                    + "replicas than HPA would set when it scales out) or utilization (predicted utilization <= 0.8, "
                    + "the guard before 2026-12-07 night) (default: ${DEFAULT-VALUE}).")
    String guard;

    @Option(names = "--init-from", paramLabel = "RULE",
            description = "Start from a rule by behaviour cloning before PPO: hpa (the Kubernetes HPA's move); or "
                    + "from the weights of FILE, a model this command wrote with the same --context (no cloning; "
                    + "--clone-weight still holds PPO to HPA's move). Default: random weights.")
    String initFrom;

    @Option(names = "--clone-iterations", paramLabel = "N",
            description = "Behaviour-cloning rounds of --init-from, in [1, 10000] (default: 100; --quick: 3).")
    Integer cloneIterations;

    @Option(names = "--clone-weight", paramLabel = "W",
            description = "Weight of the cross-entropy to the rule's move in PPO's loss on its first iteration, in "
                    + "[0, 100] (default: 1).")
    Double cloneWeight;

    @Option(names = "--clone-weight-end", paramLabel = "W",
            description = "The same weight on PPO's last iteration (linear in between), in [0, 100] (default: 0).")
    Double cloneWeightEnd;

    @Option(names = "--episode-steps", paramLabel = "N",
            description = "Steps of one training episode, in [10, 10000] (default: 60; the evaluation runs 480).")
    Integer episodeSteps;

    @Option(names = "--operator-start",
            description = "Start every training episode from the operator's set-up for HPA (the limit that carries the "
                    + "peak, the replicas the first step needs), as the evaluation does, instead of a random allocation.")
    boolean operatorStart;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Path startModel = initFrom == null || initFrom.equals("hpa") ? null : Path.of(initFrom);
        if (startModel != null && !Files.isRegularFile(startModel)) {
            return usage("--init-from must be hpa or a model file, got '" + initFrom + "' (no such file)");
        }
        if (startModel != null && cloneIterations != null) {
            return usage("--clone-iterations needs --init-from hpa (a model file is not cloned again)");
        }
        if (startModel != null && (iterations != null && iterations == 0)) {
            return usage("--iterations 0 with a model file would export it unchanged");
        }
        if (iterations != null && iterations < (initFrom != null ? 0 : 1)) {
            return usage("--iterations must be >= " + (initFrom != null ? "0" : "1") + ", got " + iterations);
        }
        if (initFrom == null && (cloneIterations != null || cloneWeight != null || cloneWeightEnd != null)) {
            return usage("--clone-iterations, --clone-weight and --clone-weight-end need --init-from");
        }
        for (String outOfRange : new String[] {
                notIn("--clone-iterations", cloneIterations, 1, 10000),
                notIn("--clone-weight", cloneWeight, 0, 100),
                notIn("--clone-weight-end", cloneWeightEnd, 0, 100),
                notIn("--episode-steps", episodeSteps, 10, 10000),
                notIn("--context", context, 0, 256),
                notIn("--limit-change-price", limitChangePrice, 0, 100)}) {
            if (outOfRange != null) {
                return usage(outOfRange);
            }
        }
        if (contextWindows != null) {
            try {
                dev.flash.policy.ContextLayout w = dev.flash.policy.ContextLayout.parse(contextWindows);
                if (context != null || w.rows() > 256) {
                    return usage("--context-windows takes at most 256 windows and not with --context, got "
                            + contextWindows);
                }
            } catch (IllegalArgumentException e) {
                return usage("--context-windows: " + e.getMessage());
            }
        }
        if (coreBudgetRatio != null && !(coreBudgetRatio > 0 && coreBudgetRatio <= 2)) {
            return usage("--core-budget-ratio must be in (0, 2], got " + coreBudgetRatio);
        }
        if (coreBudgetRatio != null && !coreBudget) {
            return usage("--core-budget-ratio needs --core-budget");
        }
        if (missBudgetRatio != null && !(missBudgetRatio > 0 && missBudgetRatio <= 2)) {
            return usage("--miss-budget-ratio must be in (0, 2], got " + missBudgetRatio);
        }
        if (missBudgetRatio != null && coreBudget) {
            return usage("--miss-budget-ratio and --core-budget are mutually exclusive (one constraint at a time)");
        }
        if (twoSidedBudget != null && !(twoSidedBudget > 0 && twoSidedBudget <= 2)) {
            return usage("--two-sided-budget must be in (0, 2], got " + twoSidedBudget);
        }
        if (twoSidedBudget != null && (coreBudget || missBudgetRatio != null)) {
            return usage("--two-sided-budget already bounds cores and misses: not with --core-budget or --miss-budget-ratio");
        }
        if (!budgetOn.equals("sampled") && !budgetOn.equals("greedy")) {
            return usage("--budget-on must be sampled or greedy, got '" + budgetOn + "'");
        }
        if (budgetOn.equals("greedy") && !coreBudget && missBudgetRatio == null && twoSidedBudget == null) {
            return usage("--budget-on greedy needs a budget (--core-budget, --miss-budget-ratio or --two-sided-budget)");
        }
        if (!dev.flash.autoscale.MoveGuard.IDS.contains(guard)) {
            return usage("--guard must be one of " + dev.flash.autoscale.MoveGuard.IDS + ", got '" + guard + "'");
        }
        if (services != null && !java.nio.file.Files.isRegularFile(services)) {
            return usage("--services: no such file: " + services);
        }
        return TrainingStack.withStack("flash train autoscale",
                spec.root().commandLine().getParseResult().originalArgs(), this::trainReporting);
    }

    /** Trains, turning each failure into its exit code and one line. */
    private int trainReporting() {
        try {
            return train();
        } catch (InvalidInputException e) {
            return fail(ExitCodes.USAGE, "invalid services: " + e.getMessage(), e);
        } catch (ModelRejectedException e) {
            return fail(ExitCodes.INVALID_MODEL, "the exported model failed validation: " + e.getMessage(), e);
        } catch (IOException e) {
            return fail(ExitCodes.FAILURE, "I/O error: " + e, e);
        } catch (RuntimeException e) {
            return fail(ExitCodes.FAILURE, "training failed: " + e, e);
        }
    }

    private int train() throws IOException, InvalidInputException, ModelRejectedException {
        List<ServiceSpec> all = services != null ? ServicePopulation.read(services)
                : ServicePopulation.sample(quick ? 10 : 200, seed, 0.2);
        AutoscaleTrainer.Settings s = quick ? AutoscaleTrainer.Settings.quick(seed) : AutoscaleTrainer.Settings.defaults(seed);
        if (iterations != null) {
            s = s.withIterations(iterations);
        }
        if (coreBudget) {
            s = s.withCoreBudget(coreBudgetRatio == null ? dev.flash.autoscale.CoreBudget.defaults()
                    : dev.flash.autoscale.CoreBudget.withRatio(coreBudgetRatio));
        }
        if (missBudgetRatio != null) {
            s = s.withMissBudget(dev.flash.autoscale.CoreBudget.missBudget(missBudgetRatio));
        }
        if (twoSidedBudget != null) {
            s = s.withTwoSidedBudget(dev.flash.autoscale.CoreBudget.twoSided(twoSidedBudget));
        }
        if (budgetOn.equals("greedy")) {
            s = s.withGreedyBudget(true);
        }
        if (limitChangePrice != null) {
            s = s.withLimitChangePrice(limitChangePrice);
        }
        s = s.withGuard(dev.flash.autoscale.MoveGuard.of(guard));
        Path startModel = initFrom == null || initFrom.equals("hpa") ? null : Path.of(initFrom);
        if (initFrom != null) {
            int rounds = startModel != null ? 0 : cloneIterations != null ? cloneIterations : quick ? 3 : 100;
            s = s.withImitation(new AutoscaleTrainer.Imitation(rounds, cloneWeight != null ? cloneWeight : 1,
                    cloneWeightEnd != null ? cloneWeightEnd : 0));
        }
        if (episodeSteps != null) {
            s = s.withEpisodeSteps(episodeSteps);
        }
        s = s.withOperatorStart(operatorStart);
        if (context != null) {
            s = s.withContextLength(context);
        }
        if (contextWindows != null) {
            s = s.withContextLayout(dev.flash.policy.ContextLayout.parse(contextWindows));
        }
        AutoscaleServices set = new AutoscaleServices(all, s.episodeSteps());
        if (set.size(dev.flash.meta.ApplicationSet.Split.TRAIN) == 0) {
            throw new InvalidInputException((services == null ? "the sample" : services) + ": no \"train\" services");
        }
        TerminalProgress bar = new TerminalProgress(System.err, TerminalProgress.stderrIsTerminal());
        String commandLine = "flash " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs());
        try (NDManager manager = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            AutoscaleTrainer.Result r = AutoscaleTrainer.train(set, s, manager, (m, total) -> bar.update("ppo",
                    m.iteration(), total, m.episodes(), m.meanEpisodeReward(), (System.nanoTime() - t0) / 1e9),
                    (m, total) -> bar.update("clone", m.iteration(), total, m.episodes(), m.meanEpisodeReward(),
                            (System.nanoTime() - t0) / 1e9), startModel);
            double expected = r.curve().isEmpty() ? 0 : r.curve().get(r.curve().size() - 1).stepRewardMean();
            JsonObject provenance = new JsonObject();
            provenance.addProperty("command", commandLine);
            provenance.addProperty("seed", seed);
            provenance.addProperty("date", Instant.now().toString());
            provenance.addProperty("git", BuildInfo.describe("dev"));
            provenance.addProperty("training_seconds", Math.round(r.seconds() * 10) / 10.0);
            provenance.addProperty("services", services == null ? "sampled" : services.toString());
            if (startModel != null) {
                provenance.addProperty("start_weights_sha256", dev.flash.onnx.lite.WeightsDigest.of(startModel));
            }
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AutoscaleTrainer.export(r, expected, provenance.toString(), out);
            List<ServiceComparison> heldOut;
            try (OnnxModel check = OnnxModel.load(out)) {
                OnnxAutoscaler.check(check.description());
                // the held-out view runs the exported file, as `flash evaluate autoscale` does
                heldOut = AutoscaleTrainer.compare(set.services(dev.flash.meta.ApplicationSet.Split.TEST),
                        spec -> new OnnxAutoscaler("flash", check, spec.sloSeconds()), s.evalSteps(), s.seed(), null);
            }
            JsonObject report = report(r, heldOut, provenance, expected);
            // The file's digest moves with its date; this one only with the weights.
            report.addProperty("weights_sha256", dev.flash.onnx.lite.WeightsDigest.of(out));
            Path reportFile = out.resolveSibling(out.getFileName() + ".report.json");
            Files.writeString(reportFile, new GsonBuilder().setPrettyPrinting().create().toJson(report) + "\n");
            Files.writeString(out.resolveSibling(out.getFileName() + ".report.md"), markdown(report));
            if (json) {
                System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(report));
            } else {
                System.out.printf("wrote %s (%d bytes, validated) and %s in %s%n", out, Files.size(out),
                        reportFile.getFileName(), TerminalProgress.duration(r.seconds()));
                printComparison(heldOut);
            }
        }
        return ExitCodes.OK;
    }

    static JsonObject report(AutoscaleTrainer.Result r, List<ServiceComparison> heldOut, JsonObject provenance,
                              double expected) {
        JsonObject report = new JsonObject();
        report.add("provenance", provenance);
        JsonObject settings = new JsonObject();
        settings.addProperty("iterations", r.settings().iterations());
        settings.addProperty("context_length", r.settings().contextLength());
        settings.addProperty("context_windows", r.settings().contextLayout().key());
        settings.addProperty("num_envs", r.settings().numEnvs());
        settings.addProperty("rollout_steps", r.settings().rolloutSteps());
        settings.addProperty("episode_steps", r.settings().episodeSteps());
        settings.addProperty("episode_start", r.settings().operatorStart() ? "the operator's set-up" : "random allocation");
        settings.addProperty("eval_steps", r.settings().evalSteps());
        report.add("settings", settings);
        report.addProperty("expected_reward_per_step", expected);
        JsonArray curve = new JsonArray();
        for (IterationMetrics m : r.curve()) {
            JsonObject p = new JsonObject();
            p.addProperty("iteration", m.iteration());
            p.addProperty("steps", m.totalSteps());
            p.addProperty("mean_step_reward", m.stepRewardMean());
            curve.add(p);
        }
        report.add("curve", curve);
        settings.addProperty("guard", r.settings().guard().id() + ": " + r.settings().guard().definition());
        settings.addProperty("reward", dev.flash.autoscale.AutoscaleReward.DEFINITION);
        settings.addProperty("core_budget", r.settings().budgetDescription());
        settings.addProperty("limit_change_price_steps", r.settings().limitChangePrice());
        settings.addProperty("init", r.settings().imitation() == null ? "random weights"
                : r.settings().imitation().describe());
        JsonArray imitation = new JsonArray();
        for (double[] b : r.imitationHistory()) {
            JsonObject p = new JsonObject();
            p.addProperty("cross_entropy", b[0]);
            p.addProperty("agreement", b[1]);
            p.addProperty("expert_acts", b[2]);
            p.addProperty("weight", b[3]);
            imitation.add(p);
        }
        report.add("imitation", imitation);
        JsonArray budget = new JsonArray();
        for (double[] b : r.budgetHistory()) {
            JsonObject p = new JsonObject();
            p.addProperty("core_seconds_vs_hpa", b[0]);
            p.addProperty("slo_violation_share", b[1]);
            p.addProperty("hpa_slo_violation_share", b[2]);
            // the price of what is constrained: cores (the core budget) or misses (the miss budget)
            p.addProperty(r.settings().budgetOn() == dev.flash.autoscale.CoreBudget.Constrained.MISSES ? "miss_price"
                    : "core_price", b[3]);
            p.addProperty("episodes", (int) b[4]);
            if (b.length > 5) {
                p.addProperty("miss_price", b[5]); // the two-sided budget's second price
            }
            budget.add(p);
        }
        report.add("core_budget", budget);
        report.add("held_out", EvaluateAutoscaleCommand.comparisonJson(heldOut));
        return report;
    }

    /** The last dual step's price(s): of cores, of misses, or both (the two-sided budget). */
    private static String finalPrices(JsonObject last) {
        if (last.has("miss_price") && last.has("core_price")) {
            return String.format(Locale.ROOT, "%.3f of cores and %.3f of misses", last.get("core_price").getAsDouble(),
                    last.get("miss_price").getAsDouble());
        }
        return last.has("miss_price") ? String.format(Locale.ROOT, "%.3f (of misses)", last.get("miss_price").getAsDouble())
                : String.format(Locale.ROOT, "%.3f (of cores)", last.get("core_price").getAsDouble());
    }

    /** The report for people: how the model was made and the held-out view against HPA. */
    static String markdown(JsonObject report) {
        JsonObject p = report.getAsJsonObject("provenance");
        JsonObject s = report.getAsJsonObject("settings");
        JsonObject h = report.getAsJsonObject("held_out");
        StringBuilder md = new StringBuilder();
        md.append("# Autoscale model report\n\n");
        md.append("- command: `").append(p.get("command").getAsString()).append("`\n");
        md.append("- seed ").append(p.get("seed").getAsLong()).append(", services: ").append(p.get("services").getAsString())
                .append(", built ").append(p.get("date").getAsString()).append(" (").append(p.get("git").getAsString()).append(")\n");
        if (report.has("weights_sha256")) {
            md.append("- weights sha256 ").append(report.get("weights_sha256").getAsString())
                    .append(" (the same seed gives the same weights: compare this, not the file's digest)\n");
        }
        md.append(String.format(Locale.ROOT, "- training: %.0f s, %d PPO iterations of %d services x %d steps, context %d rows%n",
                p.get("training_seconds").getAsDouble(), s.get("iterations").getAsInt(), s.get("num_envs").getAsInt(),
                s.get("rollout_steps").getAsInt(), s.get("context_length").getAsInt()));
        md.append(String.format(Locale.ROOT, "- last iteration's mean reward per step: %.4f%n",
                report.get("expected_reward_per_step").getAsDouble()));
        md.append("- reward: ").append(s.get("reward").getAsString()).append("\n");
        md.append("- core budget: ").append(s.get("core_budget").getAsString()).append("\n");
        if (s.has("init")) {
            md.append("- start: ").append(s.get("init").getAsString()).append("\n");
        }
        JsonArray imitation = report.getAsJsonArray("imitation");
        if (imitation != null && !imitation.isEmpty()) {
            JsonObject first = imitation.get(0).getAsJsonObject();
            JsonObject last = imitation.get(imitation.size() - 1).getAsJsonObject();
            md.append(String.format(Locale.ROOT, "- imitation: agreement with HPA's move %.3f on the first labelled"
                            + " iteration, %.3f on the last (cross-entropy %.3f -> %.3f, %d iterations)%n",
                    first.get("agreement").getAsDouble(), last.get("agreement").getAsDouble(),
                    first.get("cross_entropy").getAsDouble(), last.get("cross_entropy").getAsDouble(), imitation.size()));
        }
        JsonArray budget = report.getAsJsonArray("core_budget");
        if (budget != null && !budget.isEmpty()) {
            int n = budget.size();
            int from = Math.max(0, n - 10);
            double ratio = 0;
            double miss = 0;
            double hpaMiss = 0;
            for (int i = from; i < n; i++) {
                JsonObject b = budget.get(i).getAsJsonObject();
                ratio += b.get("core_seconds_vs_hpa").getAsDouble();
                miss += b.get("slo_violation_share").getAsDouble();
                hpaMiss += b.get("hpa_slo_violation_share").getAsDouble();
            }
            int k = n - from;
            JsonObject last = budget.get(n - 1).getAsJsonObject();
            md.append(String.format(Locale.ROOT, "- training episodes of the last %d iterations: core-seconds %.3fx"
                            + " HPA's on the same episodes, missed %.2f%% (HPA %.2f%%), final price %s%n",
                    k, ratio / k, 100 * miss / k, 100 * hpaMiss / k, finalPrices(last)));
        }
        md.append("\n");
        md.append(String.format(Locale.ROOT, "Held-out services (%d), %d steps of each one's synthetic load, same seed for all:%n%n",
                h.getAsJsonArray("services").size(), s.get("eval_steps").getAsInt()));
        md.append("| autoscaler | requests missing the SLO | core-hours | reward / step |\n|---|---|---|---|\n");
        for (String k : List.of("flash", "hpa", "hpa+vpa")) {
            JsonObject m = h.getAsJsonObject("totals").getAsJsonObject(k);
            md.append(String.format(Locale.ROOT, "| %s | %.2f%% | %.1f | %.4f |%n", k,
                    100 * m.get("slo_violation_share").getAsDouble(), m.get("core_seconds").getAsDouble() / 3600,
                    m.get("reward_per_step").getAsDouble()));
        }
        md.append(String.format(Locale.ROOT, "%nFLASH against HPA: SLO violations x%.3f, core-seconds x%.3f.%n",
                h.get("slo_violations_vs_hpa").getAsDouble(), h.get("core_seconds_vs_hpa").getAsDouble()));
        return md.toString();
    }

    static void printComparison(List<ServiceComparison> rows) {
        JsonObject t = EvaluateAutoscaleCommand.comparisonJson(rows).getAsJsonObject("totals");
        System.out.printf(Locale.ROOT, "held-out services (%d): requests missing the SLO, allocated core-hours, reward/step%n",
                rows.size());
        for (String k : List.of("flash", "hpa", "hpa+vpa")) {
            JsonObject m = t.getAsJsonObject(k);
            System.out.printf(Locale.ROOT, "  %-8s %6.2f%%  %10.1f  %.3f%n", k, 100 * m.get("slo_violation_share").getAsDouble(),
                    m.get("core_seconds").getAsDouble() / 3600, m.get("reward_per_step").getAsDouble());
        }
    }

    /** "OPTION must be in [lo, hi], got V" when a given value lies outside; null when absent or inside. */
    private static String notIn(String option, Number value, long lo, long hi) {
        if (value == null || (value.doubleValue() >= lo && value.doubleValue() <= hi)) {
            return null;
        }
        return option + " must be in [" + lo + ", " + hi + "], got " + value;
    }

    private int usage(String message) {
        System.err.println("flash train autoscale: " + message);
        System.err.println("Try 'flash train autoscale --help' for more information.");
        return ExitCodes.USAGE;
    }

    private int fail(int code, String message, Exception e) {
        System.err.println("flash train autoscale: " + message);
        if (verbose) {
            e.printStackTrace(System.err);
        }
        return code;
    }
}
