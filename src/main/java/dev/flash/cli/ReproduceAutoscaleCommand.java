package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.flash.autoscale.InvalidInputException;
import dev.flash.autoscale.LoadTrace;
import dev.flash.autoscale.ServicePopulation;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.autoscale.train.AutoscaleReproduction;
import dev.flash.autoscale.train.AutoscaleTrainer.ServiceComparison;
import dev.flash.meta.yardstick.AdaptationCost;
import dev.flash.meta.yardstick.ConvergedExpert;
import dev.flash.meta.yardstick.RewardGap;
import dev.flash.meta.yardstick.Spread;
import dev.flash.meta.yardstick.Yardstick;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.onnx.ModelRejectedException;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash reproduce autoscale}: case II, workload autoscaling, by the shared yardsticks. */
@Command(name = "autoscale",
        header = "Case II (workload autoscaling) measured by the shared yardsticks.",
        sortOptions = false,
        description = {
            "Case II of the paper (autoscaling, built on AWARE) on the simulated services,",
            "measured by the yardsticks every RL case of flash shares (dev.flash.meta.yardstick):",
            "",
            "  1. FLASH: --model FILE read back from ONNX (e.g. the shipped model, measured",
            "     without training it again), or trained here with the settings of `flash",
            "     train autoscale`; the transfer-learning base (PPO, no context) and the",
            "     history baseline (the last C raw rows stacked into its input, no encoder)",
            "     are trained here with the same settings on the same training services;",
            "  2. transfer learning's online learning rate and schedule are chosen by a sweep",
            "     on TRAINING services; every contestant that learns online uses that rule (one",
            "     PPO update per 60-step episode of experience);",
            "  3. per held-out service: the converged expert (PPO from scratch on that service",
            "     alone until its evaluated reward gains < 1%% over the last quarter, after at",
            "     least 10x the online budget and as many steps as the contestants' own",
            "     pre-training (144,000 at 150 iterations, 1,440,000 at 1500; or",
            "     --expert-steps); cached by simulator version, service and config, the",
            "     minimum included),",
            "     then FLASH (encoder frozen, base learner online), FLASH frozen, transfer",
            "     learning, the history baseline, PPO without context (nothing learns) and",
            "     FLASH's network with an empty context (flash-no-context: the context's worth",
            "     in the same weights), each evaluated at points of its online experience on",
            "     the same fixed episodes;",
            "  4. the operator view: the FLASH model run with ONNX Runtime (as `flash autoscale",
            "     recommend` runs it) beside the Kubernetes HPA and HPA+VPA on each held-out",
            "     service's synthetic load, and on --trace when given, with the same seed.",
            "",
            "Figures:",
            "  reward gap       (R_expert - R_start) / |R_expert|, mean over services; FLASH",
            "                   starts after one episode of context, the others at 0 steps.",
            "                   Paper: transfer 37%%, FLASH 10.5%%.",
            "  adaptation cost  steps until the evaluated reward reaches and stays within 5%%",
            "                   of the expert's; \"> budget\" (censored) when it never does,",
            "                   counted. Ratio = transfer / FLASH, censored at the budget.",
            "                   Paper: 5.5x.",
            "  operator view    requests missing the SLO and allocated core-seconds, FLASH's",
            "                   over HPA's (slo_violations_vs_hpa, core_seconds_vs_hpa).",
            "",
            "Writes adaptation.png and reproduce.json (and a FLASH model trained here) into",
            "--out. Figures come from the simulated services, not from a cluster.",
            ""},
        footer = {
            "",
            "Examples:",
            "  flash reproduce autoscale --quick --model models/autoscale-flash.onnx",
            "  flash reproduce autoscale --quick --trace nasa.txt.bz2 --interval 1 --steps 1440",
            "  flash reproduce autoscale --rebuild-experts --json   (retrain every expert, report its time)",
            "  flash reproduce autoscale --iterations 600 --experts /tmp/experts --json",
            "      (experts of at least 576,000 steps: 600 iterations x 16 services x 60)",
            "  flash reproduce autoscale --quick --expert-steps 500000 --json",
            "  flash reproduce autoscale --iterations 1500 --context-windows 1,1,1,1,1,1,1,1,8,16,32,64 --json",
            "      (FLASH and the history baseline read the last 8 steps and means over the 120 before)",
            "", ExitCodes.HELP})
public final class ReproduceAutoscaleCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Smaller run: 6 held-out services (full: 20), a budget of 8 episodes "
            + "(full: 12), 8 evaluation episodes, a sweep of 3 rates on 3 training services (full: 8 on 4)")
    boolean quick;

    @Option(names = "--iterations", paramLabel = "N",
            description = "PPO iterations of every network trained here: FLASH (without --model), the transfer "
                    + "base and the history baseline alike (default: 150, as `flash train autoscale`); each "
                    + "expert then trains at least as many steps as this pre-training (its own cache entries)")
    Integer iterations;

    @Option(names = "--expert-steps", paramLabel = "N",
            description = "Each expert trains at least N steps before its plateau rule may stop it (and at least "
                    + "10x the online budget; at most 4x its minimum). Default: the contestants' pre-training "
                    + "(iterations x services x rollout steps). Part of the experts' cache key")
    Long expertSteps;

    @Option(names = "--test-services", paramLabel = "N",
            description = "Measure only the first N held-out services (default: 20, --quick 6): the same services, "
                    + "experts and cache entries as the full list's first N")
    Integer testServices;

    @Option(names = "--context-length", paramLabel = "C",
            description = "Rows of FLASH's context (the last C transitions) and of the history baseline's stacked "
                    + "history, trained here (default: 8, as `flash train autoscale`); not with --model")
    Integer contextLength;

    @Option(names = "--context-windows", paramLabel = "W1,W2,...",
            description = "FLASH's context, and the history baseline's stacked rows, as windows of transitions, "
                    + "newest first, each row the mean of its window: e.g. 1,1,1,1,1,1,1,1,8,16,32,64 (the last 8 "
                    + "transitions, then means over the 8, 16, 32 and 64 before them). Trained here; not with "
                    + "--model or --context-length")
    String contextWindows;

    /** {@link #contextWindows} parsed (null: the flat context of --context-length). */
    private ContextLayout windows;

    @Option(names = "--model", paramLabel = "FILE",
            description = "Measure this autoscale model (ONNX, from `flash train autoscale`) as FLASH instead of "
                    + "training one here")
    Path model;

    @Option(names = "--services", paramLabel = "FILE",
            description = "Services population (flash-services/1) with train and test splits (default: the "
                    + "population `flash train autoscale --seed S` samples, 200 services, 20%% held out)")
    Path services;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Also run the operator view on this load, scaled to each service's peak (counts per "
                    + "interval, or CSV timestamp,count; .bz2 read)")
    Path trace;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds per count of --trace (default: ${DEFAULT-VALUE})")
    double interval;

    @Option(names = "--scale", paramLabel = "X", defaultValue = "1",
            description = "Multiply --trace counts by X (default: ${DEFAULT-VALUE})")
    double scale;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "1440",
            description = "Steps (60 s) of --trace from its start, 0 for all of it (default: ${DEFAULT-VALUE}, a day)")
    int steps;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7",
            description = "Seed of weights, sampling and load noise (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/reproduce-autoscale",
            description = "Where adaptation.png and reproduce.json go (default ${DEFAULT-VALUE})")
    Path out;

    @picocli.CommandLine.Mixin
    ExpertCacheOptions expertCache;

    @Option(names = "--json", description = "Print one JSON object instead of the table")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    boolean help;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (steps < 0 || !(interval > 0) || !(scale >= 0)) {
            err.println("flash reproduce autoscale: --steps must be >= 0, --interval > 0, --scale >= 0");
            return ExitCodes.USAGE;
        }
        if (iterations != null && iterations < 1) {
            err.println("flash reproduce autoscale: --iterations must be >= 1, got " + iterations);
            return ExitCodes.USAGE;
        }
        if (testServices != null && testServices < 1) {
            err.println("flash reproduce autoscale: --test-services must be >= 1, got " + testServices);
            return ExitCodes.USAGE;
        }
        if (expertSteps != null && expertSteps < 1) {
            err.println("flash reproduce autoscale: --expert-steps must be >= 1, got " + expertSteps);
            return ExitCodes.USAGE;
        }
        if (contextLength != null && (contextLength < 1 || contextLength > 256 || model != null)) {
            err.println("flash reproduce autoscale: --context-length must be 1..256, and not with --model (a model "
                    + "keeps its own), got " + contextLength);
            return ExitCodes.USAGE;
        }
        if (contextWindows != null) {
            try {
                windows = ContextLayout.parse(contextWindows);
            } catch (IllegalArgumentException e) {
                err.println("flash reproduce autoscale: --context-windows: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            if (model != null || contextLength != null || windows.rows() > 256) {
                err.println("flash reproduce autoscale: --context-windows takes at most 256 windows, and not with "
                        + "--model (a model keeps its own) or --context-length, got " + contextWindows);
                return ExitCodes.USAGE;
            }
        }
        if (model != null && !Files.isRegularFile(model)) {
            err.println("flash reproduce autoscale: --model " + model + ": no such file");
            return ExitCodes.USAGE;
        }
        if (model != null) { // refused before anything trains
            try (dev.flash.policy.onnx.OnnxModel m = dev.flash.policy.onnx.OnnxModel.load(model)) {
                dev.flash.autoscale.OnnxAutoscaler.check(m.description());
                if (m.description().contextLength() < 1) {
                    throw new ModelRejectedException(model, "no context (C = 0): not a FLASH model");
                }
            } catch (ModelRejectedException e) {
                err.println("flash reproduce autoscale: model rejected: " + e.getMessage());
                return ExitCodes.INVALID_MODEL;
            }
        }
        List<ServiceSpec> all;
        LoadTrace load = null;
        try {
            all = services != null ? ServicePopulation.read(services) : ServicePopulation.sample(200, seed, 0.2);
            for (String split : List.of(ServiceSpec.TRAIN, ServiceSpec.TEST)) {
                if (ServicePopulation.split(all, split).isEmpty()) {
                    throw new InvalidInputException((services == null ? "the sample" : services.toString())
                            + ": no \"" + split + "\" services");
                }
            }
            if (trace != null) {
                load = LoadTrace.read(trace, interval, scale);
                if (steps > 0 && steps < load.steps()) {
                    load = load.window(0, steps);
                }
            }
        } catch (InvalidInputException e) {
            err.println("flash reproduce autoscale: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("flash reproduce autoscale: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            err.println("flash reproduce autoscale: --out " + out + " exists and is not a directory");
            return ExitCodes.USAGE;
        }
        Path expertDir = expertCache.dir("flash reproduce autoscale", err);
        if (expertDir == null) {
            return ExitCodes.USAGE;
        }
        List<ServiceSpec> population = all;
        LoadTrace realLoad = load;
        return TrainingStack.withStack("flash reproduce autoscale",
                spec.root().commandLine().getParseResult().originalArgs(), err::println,
                () -> reproduce(spec.commandLine().getOut(), err, population, realLoad, expertDir));
    }

    private int reproduce(PrintWriter stdout, PrintWriter err, List<ServiceSpec> population, LoadTrace load,
                          Path expertDir) {
        AutoscaleReproduction.Plan plan = quick ? AutoscaleReproduction.Plan.quick(seed)
                : AutoscaleReproduction.Plan.full(seed);
        if (iterations != null) {
            plan = plan.withIterations(iterations);
        }
        if (contextLength != null) {
            plan = plan.withContextLength(contextLength);
        }
        if (windows != null) {
            plan = plan.withContextLayout(windows);
        }
        if (expertSteps != null) {
            plan = plan.withExpertSteps(expertSteps);
        }
        if (testServices != null) {
            plan = plan.withTestServices(testServices);
        }
        Path staging = null;
        try {
            Files.createDirectories(out);
            staging = Files.createTempDirectory(out, ".reproduce-");
            double load0 = loadAverage();
            PhaseBars bar = new PhaseBars(!json || System.console() != null);
            AutoscaleReproduction.Result r = AutoscaleReproduction.run(population, plan, model, load, staging,
                    expertCache.cache(expertDir), bar);
            bar.close();
            JsonObject o = toJson(r);
            JsonObject machine = new JsonObject();
            machine.addProperty("cpus", Runtime.getRuntime().availableProcessors());
            putNum(machine, "load_average_start", load0);
            putNum(machine, "load_average_end", loadAverage());
            o.add("machine", machine);
            String jsonText = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
                    .toJson(o);
            Files.writeString(staging.resolve("reproduce.json"), jsonText + "\n", StandardCharsets.UTF_8);
            plot(r).write(staging.resolve("adaptation.png"), 900, 540);
            List<String> files = new ArrayList<>(List.of("reproduce.json", "adaptation.png"));
            if (model == null) {
                files.add("autoscale-flash.onnx");
            }
            for (String f : files) {
                Files.move(staging.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            if (json) {
                stdout.println(jsonText);
            } else {
                stdout.print(table(r, load0));
                stdout.println();
                stdout.println("wrote " + out.resolve("adaptation.png") + ", " + out.resolve("reproduce.json"));
            }
            stdout.flush();
            return ExitCodes.OK;
        } catch (ModelRejectedException e) {
            err.println("flash reproduce autoscale: model rejected: " + e.getMessage());
            return ExitCodes.INVALID_MODEL;
        } catch (IOException | RuntimeException e) {
            err.println("flash reproduce autoscale: " + e);
            if (verbose) {
                e.printStackTrace(err);
            }
            return ExitCodes.FAILURE;
        } finally {
            PhaseBars.deleteQuietly(staging);
        }
    }

    /** The 1-minute load average (NaN where the JVM cannot tell). */
    static double loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? Double.NaN : l;
    }

    /** Every figure as one JSON object (the --json output and reproduce.json). */
    static JsonObject toJson(AutoscaleReproduction.Result r) {
        Yardstick.Report y = r.yardstick();
        JsonObject o = y.toJson();
        putNum(o, "adaptation_cost_ratio", r.costRatio());
        // How far each expert got from its untrained start: a flat expert would be no reference.
        // The gap of that untrained start (greedy over near-uniform initial logits: one fixed move,
        // mostly) says how much of the scale a policy that does nothing useful already covers.
        JsonArray perApp = o.getAsJsonArray("per_app");
        double[] untrained = new double[perApp.size()];
        for (int i = 0; i < perApp.size(); i++) {
            ConvergedExpert.Expert e = y.apps().get(i).expert();
            double first = e.curve().reward()[0];
            putNum(perApp.get(i).getAsJsonObject(), "expert_untrained_reward_per_step", first);
            untrained[i] = RewardGap.of(e.rewardPerStep(), first);
        }
        putNum(o, "reward_gap_untrained", Spread.of(untrained).mean());
        JsonObject synthetic = EvaluateAutoscaleCommand.comparisonJson(r.synthetic());
        putNum(o, "slo_violations_vs_hpa", synthetic.get("slo_violations_vs_hpa").getAsDouble());
        putNum(o, "core_seconds_vs_hpa", synthetic.get("core_seconds_vs_hpa").getAsDouble());
        synthetic.addProperty("load", "each held-out service's synthetic load, " + r.plan().operatorSteps() + " steps");
        o.add("operator", synthetic);
        if (r.trace() != null) {
            JsonObject t = EvaluateAutoscaleCommand.comparisonJson(r.trace());
            putNum(o, "trace_slo_violations_vs_hpa", t.get("slo_violations_vs_hpa").getAsDouble());
            putNum(o, "trace_core_seconds_vs_hpa", t.get("core_seconds_vs_hpa").getAsDouble());
            t.addProperty("load", r.traceSource() + ", scaled to each service's peak");
            o.add("operator_trace", t);
        }
        JsonObject paper = new JsonObject();
        paper.addProperty("reward_gap_flash", AutoscaleReproduction.PAPER_GAP_FLASH);
        paper.addProperty("reward_gap_transfer", AutoscaleReproduction.PAPER_GAP_TRANSFER);
        paper.addProperty("adaptation_cost_ratio", AutoscaleReproduction.PAPER_COST_RATIO);
        o.add("paper", paper);
        o.add("fine_tune_sweep", r.sweep().toJson("training_services"));
        if (!r.diagnostic().switches().isDefault()) {
            // off-by-default diagnostic switches changed the online rule: say so beside the figures
            JsonObject d = new JsonObject();
            d.addProperty("flash_online_mode", r.diagnostic().switches().flashMode().name().toLowerCase(Locale.ROOT));
            d.addProperty("flash_online_learning_rate", r.diagnostic().flashOnline().learningRate());
            d.addProperty("flash_online_anneal", r.diagnostic().flashOnline().anneal());
            if (r.diagnostic().flashSweep() != null) {
                d.add("flash_fine_tune_sweep", r.diagnostic().flashSweep().toJson("training_services"));
            }
            o.add("diagnostic_online_rule", d);
        }
        JsonObject experts = new JsonObject();
        experts.addProperty("built", r.expertsBuilt());
        experts.addProperty("from_cache", r.expertsCached());
        putNum(experts, "build_seconds", r.expertSeconds());
        experts.addProperty("simulator_version", AutoscaleReproduction.SIMULATOR_VERSION);
        o.add("experts", experts);
        JsonObject plan = new JsonObject();
        plan.addProperty("plan", r.plan().label());
        plan.addProperty("seed", r.plan().seed());
        plan.addProperty("flash", r.flashSource());
        plan.addProperty("context_length", r.flashContextLength());
        plan.addProperty("context_windows", r.flashContext().key());
        plan.addProperty("baseline_train_iterations", r.plan().settings().iterations());
        plan.addProperty("test_services", y.apps().size());
        plan.addProperty("online_episodes", r.plan().onlineEpisodes());
        plan.addProperty("expert_min_steps", r.plan().expertPlateau().minSteps());
        plan.addProperty("expert_max_steps", r.plan().expertPlateau().maxSteps());
        plan.addProperty("contestant_pretraining_steps", r.plan().contestantPretrainingSteps());
        plan.addProperty("eval_episodes", r.plan().evalEpisodes());
        plan.addProperty("operator_steps", r.plan().operatorSteps());
        o.add("plan", plan);
        JsonObject tails = new JsonObject();
        r.trainingRewardTail().forEach((k, v) -> putNum(tails, k, v));
        o.add("training_reward_per_step_last_tenth", tails);
        putNum(o, "train_seconds", r.trainSeconds());
        putNum(o, "total_seconds", r.totalSeconds());
        putNum(o, "cpu_seconds", r.cpuSeconds());
        return o;
    }

    /** Paper beside ours, the contestants side by side, then the operator view. */
    static String table(AutoscaleReproduction.Result r, double load) {
        Yardstick.Report y = r.yardstick();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "FLASH case II (autoscaling) on the simulated services, %s run: FLASH %s;"
                + " %d held-out services, online budget %d steps (%d episodes), %d evaluation episodes per point; "
                + "%.0f s wall, %.0f s CPU, load average %.1f at the start%n", r.plan().label(), r.flashSource(),
                y.apps().size(), y.budget().onlineSteps(), r.plan().onlineEpisodes(), y.budget().evalEpisodes(),
                r.totalSeconds(), r.cpuSeconds(), load));
        sb.append(String.format(Locale.ROOT, "experts: %d trained (%.0f s), %d from the cache; at least %d steps "
                + "each (contestants' pre-training %d); plateau reached on %d/%d; online rule chosen on %d training "
                + "services: learning rate %s%n%n", r.expertsBuilt(), r.expertSeconds(), r.expertsCached(),
                r.plan().expertPlateau().minSteps(), r.plan().contestantPretrainingSteps(), y.expertsConverged(),
                y.apps().size(), r.sweep().trainApps(), r.sweep().chosen().label()));
        TextTable t = new TextTable("contestant", "reward gap (mean, sd)", "adaptation cost, steps", "censored",
                "starts above expert");
        for (String c : y.contestants()) {
            Spread g = y.gap(c);
            AdaptationCost.Summary s = y.cost(c);
            t.row(c, EvaluateCommand.pct(g.mean()) + " (" + EvaluateCommand.pct(g.std()) + ")",
                    String.format(Locale.ROOT, "%s%.0f", s.censored() > 0 ? ">= " : "", s.meanSteps()),
                    s.censored() + "/" + s.apps(), y.aboveExpertAtStart(c) + "/" + y.measured().size());
        }
        sb.append(t);
        sb.append(String.format(Locale.ROOT, "paper: gap FLASH %s, transfer %s, cost ratio %.1fx. Ours: cost ratio "
                + "transfer / FLASH %s (censored services counted at the budget); noise of one point %.4f "
                + "reward/step%n%n", EvaluateCommand.pct(AutoscaleReproduction.PAPER_GAP_FLASH),
                EvaluateCommand.pct(AutoscaleReproduction.PAPER_GAP_TRANSFER), AutoscaleReproduction.PAPER_COST_RATIO,
                Double.isFinite(r.costRatio()) ? String.format(Locale.ROOT, "%.2fx", r.costRatio()) : "n/a",
                y.pointNoise()));
        double[] untrained = y.apps().stream().mapToDouble(a -> RewardGap.of(a.expert().rewardPerStep(),
                a.expert().curve().reward()[0])).toArray();
        sb.append(String.format(Locale.ROOT, "an untrained policy (each expert's first point) has a reward gap of %s:"
                + " the floor these gaps are read against%n%n", EvaluateCommand.pct(Spread.of(untrained).mean())));
        sb.append(operator("synthetic load, " + r.plan().operatorSteps() + " steps per service", r.synthetic()));
        if (r.trace() != null) {
            sb.append(operator(r.traceSource() + " scaled to each service's peak", r.trace()));
        }
        return sb.toString();
    }

    private static String operator(String what, List<ServiceComparison> rows) {
        JsonObject j = EvaluateAutoscaleCommand.comparisonJson(rows);
        JsonObject totals = j.getAsJsonObject("totals");
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "operator view, %d held-out services, %s (FLASH with ONNX Runtime):%n", rows.size(), what));
        TextTable t = new TextTable("autoscaler", "requests missing the SLO", "core-hours", "reward/step");
        for (String name : List.of("flash", "hpa", "hpa+vpa")) {
            JsonObject a = totals.getAsJsonObject(name);
            t.row(name, EvaluateCommand.pct(a.get("slo_violation_share").getAsDouble()),
                    String.format(Locale.ROOT, "%.1f", a.get("core_seconds").getAsDouble() / 3600),
                    String.format(Locale.ROOT, "%.4f", a.get("reward_per_step").getAsDouble()));
        }
        sb.append(t);
        sb.append(String.format(Locale.ROOT, "FLASH over HPA: SLO violations x%.3f, core-seconds x%.3f%n%n",
                j.get("slo_violations_vs_hpa").getAsDouble(), j.get("core_seconds_vs_hpa").getAsDouble()));
        return sb.toString();
    }

    /** Evaluated reward per step against online steps, per contestant: mean and 25-75% band across services. */
    static PngPlot plot(AutoscaleReproduction.Result r) {
        Yardstick.Report y = r.yardstick();
        PngPlot p = new PngPlot("Evaluated adaptation on held-out services (simulated autoscaling)",
                "log2(1 + episodes of online experience)", "evaluated reward per step");
        Color[] colors = {new Color(200, 40, 40), new Color(40, 70, 200), new Color(0, 130, 60),
            new Color(150, 90, 0), new Color(120, 120, 120), new Color(160, 60, 180)};
        int i = 0;
        for (String c : y.contestants()) {
            // where a contestant starts above its expert, the expert is no ceiling for it: said in the legend
            String label = String.format(Locale.ROOT, "%s (above expert at start: %d/%d)", c, y.aboveExpertAtStart(c),
                    y.measured().size());
            p.add(ReproduceCommand.series(label, colors[i++ % colors.length],
                    y.apps().stream().map(a -> a.curves().get(c)).toList(), y.budget().episodeSteps()));
        }
        double expert = y.apps().stream().mapToDouble(a -> a.expert().rewardPerStep()).average().orElse(0);
        p.add(new PngPlot.Reference("converged expert (mean over services)", Color.BLACK, expert));
        return p;
    }

    private static void putNum(JsonObject o, String key, double v) {
        if (Double.isFinite(v)) {
            o.addProperty(key, Math.round(v * 1e6) / 1e6);
        } else {
            o.add(key, JsonNull.INSTANCE);
        }
    }
}
