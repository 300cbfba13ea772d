package dev.flash.cli;

import dev.flash.dvfs.eval.EvalApps;
import dev.flash.dvfs.eval.HiddenStateReferences;
import dev.flash.dvfs.eval.Json;
import dev.flash.dvfs.eval.OperatorEvaluation;
import dev.flash.dvfs.eval.Reproduction;
import dev.flash.dvfs.eval.YardstickReproduction;
import dev.flash.meta.yardstick.AdaptationCost;
import dev.flash.meta.yardstick.EvaluatedCurve;
import dev.flash.meta.yardstick.Spread;
import dev.flash.meta.yardstick.Yardstick;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.sim.AppSpec;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash reproduce}: re-run a case of the FLASH paper on the simulated node. */
@Command(name = "reproduce",
        description = {"Reproduce a case of the FLASH paper (MLSys 2024) on the simulated node.", ""},
        subcommands = {ReproduceCommand.Dvfs.class, ReproduceConfigSearchCommand.class, ReproduceAutoscaleCommand.class,
            ReproduceAllCommand.class,
            RescoreCommand.class},
        footer = {"", ExitCodes.HELP})
public final class ReproduceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    boolean help;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** {@code flash reproduce dvfs}: case III, CPU frequency scaling. */
    @Command(name = "dvfs",
            header = "Case III (CPU frequency scaling) measured by the shared yardsticks.",
            sortOptions = false,
            description = {
                "Case III of the paper (CPU frequency scaling) on the simulated node, measured",
                "by the yardsticks every RL case of flash shares (dev.flash.meta.yardstick):",
                "",
                "  1. train on the training applications, with the settings of `flash train",
                "     dvfs` (fewer iterations with --quick): FLASH (context encoder), the",
                "     transfer-learning base (no context) and the history baseline (the last C",
                "     raw rows stacked into its input, no encoder);",
                "  2. choose transfer learning's online learning rate and schedule by a sweep",
                "     on TRAINING applications; every contestant learns online by that rule",
                "     (one PPO update per episode of experience);",
                "  3. per held-out application: the converged expert (the base agent trained",
                "     from scratch on that application alone until its evaluated reward gains",
                "     < 1%% over the last quarter, after at least 10x the online budget, at a",
                "     level that clearly beats the performance governor (reward 0): stuck at",
                "     0, it is retrained with remedies (other seeds, more entropy at the",
                "     start, a policy biased to the middle action, a longer minimum) and",
                "     counted apart as failed if none helps; cached on disk by simulator",
                "     version, application, config and rule), then FLASH",
                "     (encoder frozen, base learner online), FLASH frozen (the paper's",
                "     deployment), transfer learning and the history baseline, each evaluated",
                "     at points of its online experience on the same fixed episodes (greedy);",
                "  4. the operator view: FLASH exported to ONNX and run as flashd runs it,",
                "     alone and behind flashd's slowdown guard, beside the Linux governors,",
                "     flashd's fallback and the oracles (flash evaluate dvfs --help).",
                "",
                "Figures:",
                "  reward gap       (R_expert - R_start) / |R_expert|, mean and spread over",
                "                   apps; FLASH starts after one episode of context, the others",
                "                   at 0 steps; over the apps whose expert beat doing nothing",
                "                   (failed experts counted apart). Paper: transfer 39%%, FLASH",
                "                   7.1%%. Beside it: the gap to the budget oracle (hidden",
                "                   state), on every app.",
                "  adaptation cost  environment steps until the evaluated reward reaches and",
                "                   stays within 5%% of the expert's; \"> budget\" (censored)",
                "                   when it never does, counted; at least the context-filling",
                "                   steps, no other floor. Ratio = transfer / FLASH, censored",
                "                   apps at the budget. Paper: 9.2x.",
                "  operator view    apps within the 5%% slowdown budget, energy saving and",
                "                   slowdown against the performance governor, and the in-budget",
                "                   share of the oracle's saving (per app capped at 1, 0 over",
                "                   budget: running slower cannot raise it), also against",
                "                   oracle-optimal (the least-energy clock plan of the whole",
                "                   run within 5%%, the upper reference) and oracle-phase",
                "                   (the oracle used before 2026-12-07), with their own rows.",
                "",
                "Writes adaptation.png, reproduce.json and the ONNX models into --out. Figures",
                "come from the simulated node, not from hardware.",
                ""},
            footer = {
                "",
                "Examples:",
                "  flash reproduce dvfs --quick                  (a few minutes on 2 cores)",
                "  flash reproduce dvfs --processes 1            (one JVM, one core)",
                "  flash reproduce dvfs --rebuild-experts        (retrain every expert, report its time)",
                "  flash reproduce dvfs --quick --iterations 300 --test-apps 12   (between quick and full)",
                "  flash reproduce dvfs --context-windows 1,1,2,4,8,16,32   (FLASH and history on a 64-step horizon)",
                "  flash reproduce dvfs --context-windows 1,1,2,4,8,16,32 --context-positions   (rows told apart)",
                "  flash reproduce dvfs --seed 3 --out /tmp/case3 --json",
                "  flash reproduce dvfs --held-out bench/apps/foreign-apps.json --out /tmp/f",
                "", ExitCodes.HELP})
    public static final class Dvfs implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--quick", description = "Smaller run: fewer training iterations, held-out apps and episodes")
        boolean quick;

        @Option(names = "--iterations", paramLabel = "N",
                description = "Training iterations of every contestant instead of the size's (60 with --quick, "
                        + "2000 full): a size between the two on a loaded machine")
        Integer iterations;

        @Option(names = "--test-apps", paramLabel = "N",
                description = "Measure the first N held-out applications instead of the size's (5 with --quick, "
                        + "40 full)")
        Integer testApps;

        @Option(names = "--context-windows", paramLabel = "W,W,...",
                description = "FLASH's context, and the rows the history baseline stacks, as windows of recent "
                        + "transitions, newest first, each row the mean of its window (as `flash train dvfs "
                        + "--context-windows`); default: the last C transitions, one per row")
        String contextWindows;

        @Option(names = "--context-positions",
                description = "FLASH's encoder learns which row is which window (as `flash train dvfs "
                        + "--context-positions`); the history baseline stacks its rows in order, so it is unchanged")
        boolean contextPositions;

        @Option(names = "--apps", paramLabel = "FILE",
                description = "Applications file (flash-apps/1, from `flash sim apps`) with train and test splits "
                        + "(default: the population `flash train dvfs --seed S` samples, " + EvalApps.DEFAULT_SIZE
                        + " apps, 20%% held out)")
        Path apps;

        @Option(names = "--held-out", paramLabel = "FILE",
                description = "Adapt to and evaluate on every application of FILE (flash-apps/1, any split) instead "
                        + "of the population's held-out split; training still uses the population's training split "
                        + "(e.g. bench/apps/foreign-apps.json, written without seeing the training population)")
        Path heldOut;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "7",
                description = "Seed of weights, sampling and episode noise (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/reproduce-dvfs",
                description = "Where adaptation.png, reproduce.json and the models go (default ${DEFAULT-VALUE})")
        Path out;

        @picocli.CommandLine.Mixin
        ExpertCacheOptions expertCache;

        @Option(names = "--processes", paramLabel = "N",
                description = "JVMs sharing the work (default: 2, or 1 on a single CPU). DJL trains on one thread "
                        + "per process; a second process trains transfer learning's base and runs the sweep while "
                        + "this one trains FLASH and the history baseline, then takes half the held-out apps. "
                        + "The figures do not depend on N")
        Integer processes;

        @Option(names = "--json", description = "Print one JSON object instead of the table")
        boolean json;

        @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors")
        boolean verbose;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
        boolean help;

        @Override
        public Integer call() throws Exception {
            PrintWriter stdout = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (processes != null && processes < 1) {
                err.println("flash reproduce dvfs: --processes must be at least 1, not " + processes);
                return ExitCodes.USAGE;
            }
            if (iterations != null && iterations < 1) {
                err.println("flash reproduce dvfs: --iterations must be at least 1, not " + iterations);
                return ExitCodes.USAGE;
            }
            if (testApps != null && testApps < 1) {
                err.println("flash reproduce dvfs: --test-apps must be at least 1, not " + testApps);
                return ExitCodes.USAGE;
            }
            if (contextWindows != null) {
                try {
                    dev.flash.policy.ContextLayout.parse(contextWindows);
                } catch (IllegalArgumentException e) {
                    err.println("flash reproduce dvfs: --context-windows: " + e.getMessage());
                    return ExitCodes.USAGE;
                }
            }
            List<AppSpec> population;
            try {
                population = EvalApps.load(apps, seed);
                if (heldOut != null) {
                    population = EvalApps.withHeldOut(population, apps, heldOut);
                }
                EvalApps.training(population, apps);
                EvalApps.heldOut(population, apps);
            } catch (EvalApps.InvalidAppsException e) {
                err.println("flash reproduce dvfs: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            if (Files.exists(out) && !Files.isDirectory(out)) {
                err.println("flash reproduce dvfs: --out " + out + " exists and is not a directory");
                return ExitCodes.USAGE;
            }
            Path expertDir = expertCache.dir("flash reproduce dvfs", err);
            if (expertDir == null) {
                return ExitCodes.USAGE;
            }
            // Started as `java -jar flash.jar`: DJL lives in train-lib/; run again with it.
            List<AppSpec> apps = population;
            return TrainingStack.withStack("flash reproduce dvfs",
                    spec.root().commandLine().getParseResult().originalArgs(), err::println,
                    () -> reproduce(stdout, err, apps, expertDir));
        }

        private int reproduce(PrintWriter stdout, PrintWriter err, List<AppSpec> population, Path expertDir) {
            YardstickReproduction.Plan plan = quick ? YardstickReproduction.Plan.quick(seed)
                    : YardstickReproduction.Plan.full(seed);
            if (iterations != null) {
                plan = plan.withIterations(iterations);
            }
            if (testApps != null) {
                plan = plan.withTestApps(testApps);
            }
            if (contextWindows != null) {
                plan = plan.withContextLayout(dev.flash.policy.ContextLayout.parse(contextWindows));
            }
            if (contextPositions) {
                plan = plan.withContextPositions();
            }
            Path staging = null;
            try {
                Files.createDirectories(out);
                staging = Files.createTempDirectory(out, ".reproduce-");
                PhaseBars bar = new PhaseBars(!json || System.console() != null);
                int n = processes != null ? processes : Math.min(2, Runtime.getRuntime().availableProcessors());
                YardstickReproduction.Result r = YardstickReproduction.run(population, plan, staging,
                        expertCache.cache(expertDir), bar, n);
                bar.close();
                String jsonText = Json.PRETTY.toJson(YardstickReproduction.toJson(r));
                Files.writeString(staging.resolve("reproduce.json"), jsonText + "\n", StandardCharsets.UTF_8);
                plot(r).write(staging.resolve("adaptation.png"), 900, 540);
                for (String f : List.of("reproduce.json", "adaptation.png", "flash-dvfs.onnx",
                        "transfer-pretrained-dvfs.onnx")) {
                    Files.move(staging.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
                if (json) {
                    stdout.println(jsonText);
                } else {
                    stdout.print(table(r));
                    stdout.println();
                    stdout.println("wrote " + out.resolve("adaptation.png") + ", " + out.resolve("reproduce.json"));
                }
                stdout.flush();
                return ExitCodes.OK;
            } catch (ModelRejectedException e) {
                err.println("flash reproduce dvfs: exported model rejected: " + e.reason());
                return ExitCodes.FAILURE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("flash reproduce dvfs: interrupted");
                return ExitCodes.FAILURE;
            } catch (IOException | RuntimeException e) {
                err.println("flash reproduce dvfs: " + e);
                if (verbose) {
                    e.printStackTrace(err);
                }
                return ExitCodes.FAILURE;
            } finally {
                PhaseBars.deleteQuietly(staging);
            }
        }
    }

    /** Paper beside ours, the contestants side by side, then the operator view. */
    static String table(YardstickReproduction.Result r) {
        Yardstick.Report y = r.yardstick();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "FLASH case III (DVFS) on the simulated node, %s run: %d held-out apps, "
                + "online budget %d steps (%d episodes), %d evaluation episodes per point; %.0f s wall, %.0f s CPU "
                + "in %d process(es)%n",
                r.plan().label(), y.apps().size(), y.budget().onlineSteps(), r.plan().onlineEpisodes(),
                y.budget().evalEpisodes(), r.totalSeconds(), r.cpuSeconds(), r.processes()));
        sb.append(String.format(Locale.ROOT, "experts: %d trained (%.0f s), %d from the cache; plateau reached on "
                + "%d/%d; %d retried, %d FAILED (never beat the performance governor; no gap or cost on them%s); "
                + "online rule chosen on %d training apps: learning rate %s%n%n", r.expertsBuilt(),
                r.expertSeconds(), r.expertsCached(), y.expertsConverged(), y.apps().size(), y.expertsRetried(),
                y.expertsFailed().size(), y.expertsFailed().isEmpty() ? "" : ": " + String.join(", ",
                        y.expertsFailed()), r.sweep().trainApps(), r.sweep().chosen().label()));
        TextTable t = new TextTable("contestant", "reward gap (mean, sd)", "adaptation cost, steps", "censored");
        for (String c : y.contestants()) {
            Spread g = y.gap(c);
            AdaptationCost.Summary s = y.cost(c);
            t.row(c, pct(g.mean()) + " (" + pct(g.std()) + ", " + g.n() + " apps)" + (g.leftOut() > 0
                    ? ", undefined on " + g.leftOut() + " (expert at 0)" : ""),
                    String.format(Locale.ROOT, "%s%.0f", s.censored() > 0 ? ">= " : "", s.meanSteps()),
                    s.censored() + "/" + s.apps());
        }
        sb.append(t);
        sb.append(String.format(Locale.ROOT, "paper: gap FLASH %s, transfer %s, cost ratio %s. Ours: cost ratio "
                + "transfer / FLASH %s (censored apps counted at the budget); noise of one point %.4f reward/step%n%n",
                pct(Reproduction.PAPER_GAP_FLASH), pct(Reproduction.PAPER_GAP_TRANSFER), x(Reproduction.PAPER_COST_RATIO),
                x(r.costRatio()), y.pointNoise()));
        StringBuilder oracle = new StringBuilder();
        for (String c : y.contestants()) {
            oracle.append(oracle.length() == 0 ? "" : ", ").append(c).append(' ')
                    .append(pct(r.gapTo(HiddenStateReferences.BUDGET_ORACLE, c).mean()));
        }
        sb.append("reward gap at start against the budget oracle on the same episodes (hidden state): ")
                .append(oracle).append("\n\n");
        OperatorEvaluation.Report op = r.operator();
        String guarded = dev.flash.dvfs.eval.ModelEvaluation.GUARDED_AGENT;
        sb.append(String.format(Locale.ROOT, "operator view, %d held-out apps (ONNX): FLASH within the 5%% budget on "
                + "%d/%d apps, in-budget share of the oracle's saving %s; behind flashd's slowdown guard (its "
                + "default) %d/%d, %s%n",
                op.apps().size(), op.appsWithinBudget("flash"), op.apps().size(),
                pct(op.inBudgetShareOfOracleSaving("flash")), op.appsWithinBudget(guarded), op.apps().size(),
                pct(op.inBudgetShareOfOracleSaving(guarded))));
        sb.append(String.format(Locale.ROOT, "against oracle-optimal (least-energy plan of each run within 5%%): "
                + "FLASH %s, behind the guard %s%n", pct(op.inBudgetShareOf("flash", OperatorEvaluation.OPTIMAL_ORACLE)),
                pct(op.inBudgetShareOf(guarded, OperatorEvaluation.OPTIMAL_ORACLE))));
        sb.append(EvaluateCommand.table(op));
        return sb.toString();
    }

    /** Evaluated reward per step against online steps, per contestant: mean and 25-75% band across apps. */
    static PngPlot plot(YardstickReproduction.Result r) {
        Yardstick.Report y = r.yardstick();
        PngPlot p = new PngPlot("Evaluated adaptation on held-out applications (simulated node)",
                "log2(1 + episodes of online experience)", "evaluated reward per step");
        Color[] colors = {new Color(200, 40, 40), new Color(40, 70, 200), new Color(0, 130, 60), new Color(150, 90, 0)};
        int i = 0;
        for (String c : y.contestants()) {
            p.add(series(c, colors[i++ % colors.length], y.apps().stream().map(a -> a.curves().get(c)).toList(),
                    y.budget().episodeSteps()));
        }
        double expert = y.measured().stream().mapToDouble(a -> a.expert().rewardPerStep()).average().orElse(0);
        p.add(new PngPlot.Reference("converged expert (mean over apps with one)", Color.BLACK, expert));
        return p;
    }

    /** Mean and 25-75% band across applications of curves evaluated at the same points. */
    static PngPlot.Series series(String name, Color color, List<EvaluatedCurve> curves, int episodeSteps) {
        long[] steps = curves.isEmpty() ? new long[0] : curves.get(0).steps();
        double[] x = new double[steps.length];
        double[] mean = new double[steps.length];
        double[] lo = new double[steps.length];
        double[] hi = new double[steps.length];
        for (int e = 0; e < steps.length; e++) {
            double[] v = new double[curves.size()];
            for (int a = 0; a < v.length; a++) {
                v[a] = curves.get(a).reward()[e];
            }
            Arrays.sort(v);
            x[e] = Math.log1p((double) steps[e] / episodeSteps) / Math.log(2); // adaptation happens early
            mean[e] = Arrays.stream(v).average().orElse(Double.NaN);
            lo[e] = quantile(v, 0.25);
            hi[e] = quantile(v, 0.75);
        }
        return new PngPlot.Series(name, color, x, mean, lo, hi);
    }

    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(sorted.length - 1, i + 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }

    private static String pct(double v) {
        return EvaluateCommand.pct(v);
    }

    private static String x(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1fx", v) : "n/a";
    }
}
