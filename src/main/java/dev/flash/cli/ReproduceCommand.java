package dev.flash.cli;

import dev.flash.dvfs.eval.AdaptationMetrics;
import dev.flash.dvfs.eval.EvalApps;
import dev.flash.dvfs.eval.HiddenStateReferences;
import dev.flash.dvfs.eval.Json;
import dev.flash.dvfs.eval.OperatorEvaluation;
import dev.flash.dvfs.eval.Reproduction;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.sim.AppSpec;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash reproduce}: re-run a case of the FLASH paper on the simulated node. */
@Command(name = "reproduce",
        description = {"Reproduce a case of the FLASH paper (MLSys 2024) on the simulated node.", ""},
        subcommands = {ReproduceCommand.Dvfs.class, ReproduceConfigSearchCommand.class, ReproduceAllCommand.class,
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
            header = "Case III (CPU frequency scaling): FLASH against transfer learning.",
            sortOptions = false,
            description = {
                "Case III of the paper (CPU frequency scaling), FLASH side by side with",
                "transfer learning, on the simulated node:",
                "",
                "  1. meta-train FLASH (PPO + context encoder) on the training applications and",
                "     pre-train the transfer-learning baseline (the same PPO, no context), with",
                "     the settings of `flash train dvfs` (fewer iterations with --quick);",
                "  2. on held-out applications: FLASH adapts from context only (no weight",
                "     update; it gathers context acting as flashd does); transfer learning",
                "     fine-tunes its pre-trained network with PPO for N episodes;",
                "  3. snapshot evaluation: after k = 0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48,",
                "     ... episodes of adaptation, each agent's current policy plays the SAME",
                "     fixed evaluation episodes of the application (same seeds: phase offsets,",
                "     start frequencies, load noise), argmax actions, so curves differ only by",
                "     policy (" + Reproduction.FULL_EVAL_EPISODES + " episodes per point, 8 with --quick; the figures from the",
                "     first 8 and 16 are reported too, to show what the precision of the",
                "     evaluation does);",
                "  4. the operator view: both networks exported to ONNX and run as flashd runs",
                "     them, next to the Linux governors, flashd's fallback and the oracle.",
                "",
                "Metrics (as the paper defines them, on the evaluated curves, reward per step):",
                "  converged        mean of the points with k >= 3/4 of the run (plateau =",
                "                   transfer learning's improved < 2%% on the third quarter).",
                "  R_expert         per app, the best evaluated policy either agent produced",
                "                   (any fine-tuning snapshot, any FLASH context): fine-tuning",
                "                   at a fixed learning rate can end below its best. --json",
                "                   also gives the gaps against fine-tuning's converged reward",
                "                   (*_vs_finetuned), and against the best point picked on half",
                "                   the evaluation episodes and scored on the other half",
                "                   (*_cross_validated_expert), which leaves out the luck of",
                "                   the pick. Fine-tuning for N episodes often has not",
                "                   converged, so this expert is a lower bound of the paper's",
                "                   (trained to convergence) and the gaps understate it:",
                "                   `flash reproduce rescore` scores a run against the best",
                "                   policy of several runs (longer fine-tuning, other",
                "                   settings).",
                "  references       what any policy could score on the same episodes, read",
                "                   from the simulator's hidden state: the clairvoyant bound",
                "                   (per step the best frequency level in hindsight: an upper",
                "                   bound of any expert on the ladder), phase experts (know",
                "                   the phase, not the next load draw) and the budget oracle.",
                "                   The true gap against a converged expert lies between",
                "                   the gap against R_expert and the gap against the",
                "                   clairvoyant bound.",
                "  reward gap       (R_expert - R_start) / |R_expert|, pooled over the held-out",
                "                   apps; R_start = FLASH after its first context-gathering",
                "                   episode (k = 1), transfer learning's pre-trained network",
                "                   (k = 0). Paper: transfer 39%%, FLASH 7.1%%.",
                "  adaptation cost  first k (from the start point) after which the evaluated",
                "                   reward stays within 5%% (at least " + AdaptationMetrics.COST_FLOOR_PER_STEP + " per step) of the",
                "                   agent's own converged reward; in episodes and CPU seconds",
                "                   (PPO updates for transfer, encoder and context for FLASH).",
                "                   Ratio = transfer / FLASH. Paper: 9.2x.",
                "  operator view    energy saving and slowdown against the performance",
                "                   governor, share of the oracle's saving, whether the 5%%",
                "                   budget held.",
                "",
                "Writes adaptation.png (evaluated reward per step on the held-out applications",
                "by adaptation point k: mean with a 25-75%% band across applications),",
                "reproduce.json and the two ONNX models into --out. Figures come from the",
                "simulated node, not from hardware.",
                ""},
            footer = {
                "",
                "Examples:",
                "  flash reproduce dvfs --quick            (under a minute on 2 cores)",
                "  taskset -c 0 flash reproduce dvfs       (one core, one process)",
                "  flash reproduce dvfs --seed 3 --out /tmp/case3 --json",
                "  flash reproduce dvfs --held-out bench/apps/foreign-apps.json --out /tmp/f",
                "", ExitCodes.HELP})
    public static final class Dvfs implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--quick", description = "Smaller run: fewer training iterations, adapted apps and episodes")
        boolean quick;

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

        @Option(names = "--json", description = "Print one JSON object instead of the table")
        boolean json;

        @Option(names = "--processes", paramLabel = "N",
                description = "JVMs to spread the work over (default: the cores this one may use, at most "
                        + DEFAULT_MAX_PROCESSES + "). Training runs on one thread per JVM, so a second one "
                        + "pre-trains the baseline while FLASH trains, and the held-out applications are "
                        + "shared out; the figures are those of one process. About 450 MB each")
        Integer processes;

        @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors")
        boolean verbose;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
        boolean help;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
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
            if (processes != null && processes < 1) {
                err.println("flash reproduce dvfs: --processes must be at least 1, not " + processes);
                return ExitCodes.USAGE;
            }
            if (!TrainingStack.available()) {
                // Started as `java -jar flash.jar`: DJL lives in train-lib/; run again with it.
                try {
                    java.util.Optional<Integer> code = TrainingStack.relaunch(
                            spec.root().commandLine().getParseResult().originalArgs());
                    if (code.isPresent()) {
                        return code.get();
                    }
                } catch (IOException e) {
                    err.println("flash reproduce dvfs: cannot start the training JVM: " + e.getMessage());
                    return ExitCodes.FAILURE;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ExitCodes.FAILURE;
                }
                err.println("flash reproduce dvfs: " + TrainingStack.missingMessage());
                return ExitCodes.FAILURE;
            }
            return reproduce(stdout, err, population);
        }

        /** More JVMs than this buy little: the training phase has two parts, the adaptation forty. */
        static final int DEFAULT_MAX_PROCESSES = 4;

        private int processes() {
            return processes != null ? processes
                    : Math.max(1, Math.min(DEFAULT_MAX_PROCESSES, Runtime.getRuntime().availableProcessors()));
        }

        private int reproduce(PrintWriter stdout, PrintWriter err, List<AppSpec> population) {
            Reproduction.Plan plan = quick ? Reproduction.Plan.quick(seed) : Reproduction.Plan.full(seed);
            Path staging = null;
            try {
                Files.createDirectories(out);
                staging = Files.createTempDirectory(out, ".reproduce-");
                BarListener bar = new BarListener(!json || System.console() != null);
                Reproduction.Result r = Reproduction.run(population, plan, staging, bar, processes());
                bar.close();
                String jsonText = Json.PRETTY.toJson(Reproduction.toJson(r));
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
            } catch (IOException | RuntimeException | InterruptedException e) {
                err.println("flash reproduce dvfs: " + e);
                if (verbose) {
                    e.printStackTrace(err);
                }
                return ExitCodes.FAILURE;
            } finally {
                deleteQuietly(staging);
            }
        }
    }

    /** Paper beside ours, then the operator view. */
    static String table(Reproduction.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "FLASH case III (DVFS) on the simulated node: %d held-out apps adapted, "
                + "%d episodes of %d s each; %s; %.0f s in total%n%n", r.apps().size(), r.plan().adaptEpisodes(),
                r.episodeSteps(), r.plan().quick() ? "--quick" : "full", r.totalSeconds()));
        TextTable t = new TextTable("metric", "paper", "ours");
        t.row("reward gap, transfer learning", pct(Reproduction.PAPER_GAP_TRANSFER), pct(r.gapTransfer()));
        t.row("reward gap, FLASH", pct(Reproduction.PAPER_GAP_FLASH), pct(r.gapFlash()));
        t.row("gap improvement", pct(Reproduction.PAPER_IMPROVEMENT), pct(r.gapImprovement()));
        t.row("adaptation cost ratio (episodes)", x(Reproduction.PAPER_COST_RATIO), x(r.costRatioEpisodes()));
        t.row("adaptation cost ratio (CPU s)", "-", x(r.costRatioCpu()));
        t.row("adaptation cost, FLASH", "-", String.format(Locale.ROOT, "%.1f ep, %.2f CPU s",
                r.costFlashEpisodes(), r.costFlashCpu()));
        t.row("adaptation cost, transfer", "-", String.format(Locale.ROOT, "%.1f ep, %.2f CPU s",
                r.costTransferEpisodes(), r.costTransferCpu()));
        t.row("reward gap, FLASH before any context (k = 0)", "-", pct(r.gapFlashCold()));
        sb.append(t);
        long censored = r.apps().stream().filter(Reproduction.AppResult::transferCensored).count();
        long censoredF = r.apps().stream().filter(Reproduction.AppResult::flashCensored).count();
        long converged = r.apps().stream().filter(Reproduction.AppResult::expertConverged).count();
        sb.append(String.format(Locale.ROOT, "snapshot evaluation: %d fixed episodes per point, same seeds for every "
                + "agent and point; expert plateau reached on %d/%d apps; settled only in the last quarter "
                + "(cost a lower bound): transfer %d, FLASH %d%n%n", r.plan().evalEpisodes(), converged,
                r.apps().size(), censored, censoredF));
        if (r.plan().evalEpisodes() > 8) {
            sb.append("the same figures from the first m evaluation episodes of every point (precision):\n");
            for (int m = 8; m <= r.plan().evalEpisodes(); m *= 2) {
                double[] f = Reproduction.figuresAt(r.apps(), m);
                sb.append(String.format(Locale.ROOT, "  m = %2d: gap FLASH %s, transfer %s; cost FLASH %.2f ep, "
                        + "transfer %.1f ep, ratio %s%n", m, pct(f[0]), pct(f[1]), f[2], f[3],
                        x(AdaptationMetrics.costRatio(f[3], f[2]))));
            }
            double[] cv = Reproduction.crossValidatedGaps(r.apps(), r.plan().evalEpisodes());
            sb.append(String.format(Locale.ROOT, "  expert picked on half the episodes, scored on the other half "
                    + "(no pick luck; errs low): gap FLASH %s, transfer %s%n", pct(cv[0]), pct(cv[1])));
            sb.append('\n');
        }
        sb.append(references(r));
        sb.append(String.format(Locale.ROOT, "operator view, %d held-out apps (ONNX, as flashd runs it):%n",
                r.operator().apps().size()));
        sb.append(EvaluateCommand.table(r.operator()));
        return sb.toString();
    }

    /**
     * The start points against what a policy could score at best on the same evaluation
     * episodes: the expert above is the best policy the two agents reached, a lower bound of a
     * converged one; these bracket it from above.
     */
    static String references(Reproduction.Result r) {
        double[] flash = r.apps().stream().mapToDouble(Reproduction.AppResult::flashStart).toArray();
        double[] transfer = r.apps().stream().mapToDouble(Reproduction.AppResult::transferStart).toArray();
        Map<String, Double> means = HiddenStateReferences.meansPerStep(r.references());
        Map<String, Double> gf = HiddenStateReferences.pooledGaps(r.references(), flash);
        Map<String, Double> gt = HiddenStateReferences.pooledGaps(r.references(), transfer);
        StringBuilder sb = new StringBuilder("the same start points against hidden-state references on the same "
                + "episodes (the expert above is a lower bound of a converged one; the clairvoyant bound is an upper "
                + "bound):\n");
        TextTable t = new TextTable("reference", "reward/step", "FLASH gap", "transfer gap");
        for (String k : means.keySet()) {
            t.row(k.replace('_', ' '), String.format(Locale.ROOT, "%.4f", means.get(k)), pct(gf.get(k)),
                    pct(gt.get(k)));
        }
        sb.append(t).append('\n');
        return sb.toString();
    }

    /** Evaluated reward per step by adaptation point on the held-out applications: mean and 25-75% band, expert level. */
    static PngPlot plot(Reproduction.Result r) {
        PngPlot p = new PngPlot("Snapshot-evaluated adaptation on held-out applications (simulated node)",
                "log2(1 + k), k = episodes of adaptation experience (0, 1, 3, 7, 15, 31, 63, 127, 255 at 0..8)",
                "evaluated reward per step");
        p.add(series("FLASH (context only, frozen)", new Color(200, 40, 40),
                r.apps().stream().map(Reproduction.AppResult::flash).toList()));
        p.add(series("transfer learning (PPO fine-tuning)", new Color(40, 70, 200),
                r.apps().stream().map(Reproduction.AppResult::transfer).toList()));
        double expert = r.apps().stream().mapToDouble(Reproduction.AppResult::expertReward).average().orElse(0);
        p.add(new PngPlot.Reference("expert (best evaluated policy per app)", Color.BLACK, expert));
        // What a converged expert could reach, from above: the achievable phase expert and the
        // bound no policy passes (HiddenStateReferences).
        Map<String, Double> refs = HiddenStateReferences.meansPerStep(r.references());
        if (!refs.isEmpty()) {
            p.add(new PngPlot.Reference("phase expert acting as the agents act (hidden state)", new Color(0, 130, 60),
                    refs.get(HiddenStateReferences.PHASE_EXPERT_ACTING)));
            p.add(new PngPlot.Reference("clairvoyant bound (no policy on the ladder passes it)", Color.GRAY,
                    refs.get(HiddenStateReferences.CLAIRVOYANT)));
        }
        return p;
    }

    /** Mean and 25-75% band across applications of curves evaluated at the same points. */
    static PngPlot.Series series(String name, Color color, List<AdaptationMetrics.Curve> curves) {
        int[] ks = curves.isEmpty() ? new int[0] : curves.get(0).episodes();
        double[] x = new double[ks.length];
        double[] mean = new double[ks.length];
        double[] lo = new double[ks.length];
        double[] hi = new double[ks.length];
        for (int e = 0; e < ks.length; e++) {
            double[] v = new double[curves.size()];
            for (int a = 0; a < v.length; a++) {
                v[a] = curves.get(a).reward()[e];
            }
            Arrays.sort(v);
            x[e] = Math.log1p(ks[e]) / Math.log(2); // adaptation happens early: a log axis shows it
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

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.toList());
            java.util.Collections.reverse(all);
            for (Path f : all) {
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // a leftover hidden staging directory is harmless
        }
    }

    /** Progress on stderr, one bar per phase. */
    private static final class BarListener implements Reproduction.Listener {
        private final boolean enabled;
        private ProgressBar bar;

        BarListener(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public synchronized void phase(String name, int total) {
            close();
            bar = new ProgressBar(System.err, name, total, enabled);
        }

        @Override
        public synchronized void step(String detail) {
            if (bar != null) {
                bar.step(detail);
            }
        }

        synchronized void close() {
            if (bar != null) {
                bar.finish();
            }
        }
    }
}
