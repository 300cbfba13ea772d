package dev.flash.autoscale.train;

import ai.djl.ndarray.NDManager;
import dev.flash.autoscale.AutoscaleFeatures;
import dev.flash.autoscale.AutoscaleReward;
import dev.flash.autoscale.LoadTrace;
import dev.flash.autoscale.MoveGuard;
import dev.flash.autoscale.OnnxAutoscaler;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.autoscale.train.AutoscaleTrainer.ServiceComparison;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.OnnxImport;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.PpoTrainer;
import dev.flash.meta.yardstick.Budget;
import dev.flash.meta.yardstick.Contestant;
import dev.flash.meta.yardstick.DoNothing;
import dev.flash.meta.yardstick.ExpertCache;
import dev.flash.meta.yardstick.PhaseListener;
import dev.flash.meta.yardstick.FineTuneSweep;
import dev.flash.meta.yardstick.HistoryStacking;
import dev.flash.meta.yardstick.PlateauRule;
import dev.flash.meta.yardstick.Yardstick;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Case II (workload autoscaling) measured by the shared yardsticks ({@link dev.flash.meta.yardstick}):
 *
 * <ol>
 *   <li>FLASH: a model file read back into DJL ({@link OnnxImport}: the shipped model, measured
 *       without training it again), or trained here with {@link AutoscaleTrainer}; the
 *       transfer-learning base (PPO, no context) and the history baseline (no encoder, the last
 *       C raw rows stacked into its input) trained here on the same training services;</li>
 *   <li>transfer learning's online learning rate and schedule chosen by a sweep on training
 *       services ({@link FineTuneSweep}); every contestant that learns online does so by it;</li>
 *   <li>per held-out service: the converged expert (cached by simulator version, service and
 *       config), then FLASH (encoder frozen, base learner online), FLASH frozen, transfer
 *       learning, the history baseline, PPO without context (nothing learns) and FLASH's network
 *       with an empty context (nothing learns: the context's worth in the same weights), on the
 *       same fixed evaluation episodes;</li>
 *   <li>the operator view: the FLASH model run with ONNX Runtime (as the recommend stream runs
 *       it) beside HPA and HPA+VPA on each held-out service's synthetic load, and on a real trace
 *       when given, with the same seed.</li>
 * </ol>
 */
public final class AutoscaleReproduction {
    private AutoscaleReproduction() {
    }

    /**
     * Part of every expert's cache key, with the feature names, the reward's and the guard's definitions: bump it
     * when the simulated service or the environment changes what a service's episodes look like.
     */
    public static final String SIMULATOR_VERSION = "autoscale-sim/2026-12-07b";

    /**
     * Case II's do-nothing policy, which a converged expert has to beat clearly: {@code no-op}
     * every step, the allocation left as the episode starts it.
     */
    public static final DoNothing DO_NOTHING = new DoNothing(dev.flash.autoscale.ScalingAction.NO_OP.ordinal(),
            0.005, "no-op every step (the starting allocation kept)");

    /** The paper's case II figures (Sec 5.2): reward gap at start, transfer learning and FLASH; cost ratio. */
    public static final double PAPER_GAP_TRANSFER = 0.37;
    public static final double PAPER_GAP_FLASH = 0.105;
    public static final double PAPER_COST_RATIO = 5.5;

    /**
     * What to run.
     *
     * @param settings       training settings of every network trained here (FLASH's; the
     *                       baselines use the same with C = 0)
     * @param testServices   held-out services measured (the first of the split)
     * @param onlineEpisodes online budget per held-out service, in episodes
     * @param evalEpisodes   fixed evaluation episodes per point
     * @param operatorSteps  steps of each held-out service's synthetic load in the operator view
     * @param sweepApps      training services of the fine-tuning sweep
     * @param grid           fine-tuning settings the sweep chooses from
     * @param expertEnvs     replicas of the service stepped per rollout by an expert's training
     * @param expertMinSteps an expert trains at least this long (and 10x the online budget) before
     *                       the plateau rule may stop it, at most 4x as long: as long as the
     *                       contestants' own pre-training (an expert trained on one service for
     *                       fewer steps than the contestants saw is beaten by them at once, and
     *                       its flat greedy curve passes the 1% rule)
     */
    public record Plan(String label, AutoscaleTrainer.Settings settings, int testServices, int onlineEpisodes,
                       int evalEpisodes, int operatorSteps, int sweepApps, List<FineTuneSweep.Setting> grid,
                       int expertEnvs, long expertMinSteps) {

        /** The settings of {@code flash train autoscale}; 20 held-out services. */
        public static Plan full(long seed) {
            return new Plan("full", AutoscaleTrainer.Settings.defaults(seed), 20, 12, 8, 480, 4,
                    FineTuneSweep.defaultGrid(), 8, pretrainingSteps(AutoscaleTrainer.Settings.defaults(seed)));
        }

        /**
         * Minutes on 2 cores: what is trained here gets the iterations of {@code flash train
         * autoscale} (so a shipped model and the baselines are pre-trained alike), 6 held-out
         * services, a budget of 8 episodes.
         */
        public static Plan quick(long seed) {
            return new Plan("quick", AutoscaleTrainer.Settings.defaults(seed), 6, 8, 8, 480, 3,
                    List.of(new FineTuneSweep.Setting(3e-4, false), new FineTuneSweep.Setting(1e-3, false),
                            new FineTuneSweep.Setting(3e-3, true)), 4,
                    pretrainingSteps(AutoscaleTrainer.Settings.defaults(seed)));
        }

        /** Seconds, for tests of the whole path: nothing here means anything. */
        public static Plan tiny(long seed) {
            return new Plan("tiny", AutoscaleTrainer.Settings.quick(seed).withIterations(1).withContextLength(4), 1, 2,
                    1, 30, 1, List.of(new FineTuneSweep.Setting(1e-3, false), new FineTuneSweep.Setting(3e-3, true)), 1,
                    0);
        }

        public long seed() {
            return settings.seed();
        }

        /**
         * The same plan with FLASH's context, and the history baseline's stacked rows, {@code c}
         * rows long (flat: the last {@code c} transitions). A FLASH read from --model keeps its own.
         */
        public Plan withContextLength(int c) {
            if (c < 1) {
                throw new IllegalArgumentException("context length must be >= 1, got " + c);
            }
            return new Plan(label, settings.withContextLength(c), testServices, onlineEpisodes, evalEpisodes,
                    operatorSteps, sweepApps, grid, expertEnvs, expertMinSteps);
        }

        /**
         * The same plan with FLASH's context, and the history baseline's stacked rows, as
         * {@code layout}'s rows: the recent transitions plus means over longer windows. The history
         * baseline stacks exactly the rows FLASH's encoder reads, so both get the same raw
         * information (the yardstick's fairness). A FLASH read from --model keeps its own.
         */
        public Plan withContextLayout(ContextLayout layout) {
            return new Plan(label, settings.withContextLayout(layout), testServices, onlineEpisodes, evalEpisodes,
                    operatorSteps, sweepApps, grid, expertEnvs, expertMinSteps);
        }

        /**
         * The same plan with every network trained here (FLASH, the transfer base, the history
         * baseline) trained for {@code n} iterations. The experts' minimum rises to the new
         * pre-training's steps when that is longer (never falls): an expert that saw fewer steps of
         * its one service than the contestants saw across the training services is beaten by them
         * at once and is no ceiling. The minimum is part of the experts' cache key (through the
         * plateau rule), so experts of a shorter minimum are never read for a longer run; runs up
         * to the default length share the default's experts.
         */
        public Plan withIterations(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("iterations must be >= 1, got " + n);
            }
            AutoscaleTrainer.Settings longer = settings.withIterations(n);
            return new Plan(label, longer, testServices, onlineEpisodes, evalEpisodes,
                    operatorSteps, sweepApps, grid, expertEnvs, Math.max(expertMinSteps, pretrainingSteps(longer)));
        }

        /**
         * The same plan measured on the first {@code n} held-out services only (the same services,
         * experts and contestants as the full list's first {@code n}: a cut, for when time is short).
         */
        public Plan withTestServices(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("test services must be >= 1, got " + n);
            }
            return new Plan(label, settings, n, onlineEpisodes, evalEpisodes,
                    operatorSteps, sweepApps, grid, expertEnvs, expertMinSteps);
        }

        /**
         * The same plan with the experts' minimum set to {@code steps} explicitly (the plateau rule
         * still raises it to {@link PlateauRule#BUDGET_MULTIPLE} x the online budget): for experts
         * longer than the contestants' pre-training, or, knowingly, shorter. Call after
         * {@link #withIterations}, which would raise it again.
         */
        public Plan withExpertSteps(long steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("expert steps must be >= 1, got " + steps);
            }
            return new Plan(label, settings, testServices, onlineEpisodes, evalEpisodes,
                    operatorSteps, sweepApps, grid, expertEnvs, steps);
        }

        /**
         * The plateau rule of this plan's experts: at least {@link #expertMinSteps} and 10x the online
         * budget, the larger; part of the experts' cache key.
         */
        public PlateauRule expertPlateau() {
            return PlateauRule.forBudget(budget().onlineSteps(), expertMinSteps);
        }

        /** Steps of the longest pre-training of a contestant trained here (all train alike). */
        public long contestantPretrainingSteps() {
            return pretrainingSteps(settings);
        }

        /** Environment steps of one training run of {@code s}: iterations x services x rollout. */
        public static long pretrainingSteps(AutoscaleTrainer.Settings s) {
            return (long) s.iterations() * s.numEnvs() * s.rolloutSteps();
        }

        int episodeSteps() {
            return settings.episodeSteps();
        }

        public Budget budget() {
            int steps = episodeSteps();
            return new Budget((long) onlineEpisodes * steps, steps, steps, evalEpisodes);
        }

        /** Online PPO of every contestant before the sweep sets its rate: one update per episode. */
        PpoConfig online() {
            return settings.withContextLength(0).ppo().withRollout(1, episodeSteps(), Math.min(4, episodeSteps()));
        }

        /**
         * The expert's PPO: the training settings at a constant rate, replicas of one service. Its
         * iterations are those of {@code flash train autoscale} whatever {@link #withIterations} set:
         * the expert's length comes from its plateau rule, and the count is part of its cache key.
         */
        PpoConfig expertPpo() {
            PpoConfig p = settings.withIterations(AutoscaleTrainer.Settings.defaults(seed()).iterations())
                    .withContextLength(0).ppo();
            return p.withRollout(expertEnvs, settings.rolloutSteps(), Math.min(4, expertEnvs * settings.rolloutSteps()))
                    .withLearningRate(p.learningRate(), false);
        }
    }

    /**
     * Everything measured.
     *
     * @param flashSource      where FLASH came from: the model file, or "trained here"
     * @param synthetic        operator view on each held-out service's synthetic load
     * @param trace            operator view on the real trace (null without one)
     * @param trainSeconds     wall time of training the networks
     * @param cpuSeconds       CPU time of this process over the whole run (every thread)
     * @param trainingRewardTail per network trained here ("flash", "transfer", "history"): its training
     *                         reward per step over the last tenth of its iterations, the same reward on
     *                         the same training services (NaN for a FLASH read from --model): which
     *                         network learned its training problem better, apart from adapting
     * @param flashContext     the rows of FLASH's context, which the history baseline stacked too
     */
    public record Result(Plan plan, String flashSource, ContextLayout flashContext, Yardstick.Report yardstick,
                         FineTuneSweep.Result sweep, List<ServiceComparison> synthetic, List<ServiceComparison> trace,
                         String traceSource, int expertsBuilt, int expertsCached, double expertSeconds,
                         double trainSeconds, double totalSeconds, double cpuSeconds,
                         java.util.Map<String, Double> trainingRewardTail, Diagnostic diagnostic) {

        public double costRatio() {
            return yardstick.costRatio("transfer", "flash");
        }

        /** C, the rows of FLASH's context. */
        public int flashContextLength() {
            return flashContext.rows();
        }
    }

    /**
     * What the off-by-default {@link OnlineRuleSwitches} changed: the switches, FLASH's own sweep
     * (null unless asked for) and the rule FLASH learned online by. {@link #NONE} in a yardstick run.
     */
    public record Diagnostic(OnlineRuleSwitches switches, FineTuneSweep.Result flashSweep,
                             FineTuneSweep.Setting flashOnline) {
        public static final Diagnostic NONE = new Diagnostic(OnlineRuleSwitches.DEFAULT, null, null);
    }

    /**
     * Runs everything in this process.
     *
     * @param population  services with train and test splits
     * @param flashModel  an autoscale model to measure as FLASH (read into DJL), or null to train one
     * @param trace       a real load for the operator view (already windowed), or null
     * @param modelDir    where a FLASH model trained here is written ({@code autoscale-flash.onnx})
     */
    public static Result run(List<ServiceSpec> population, Plan plan, Path flashModel, LoadTrace trace, Path modelDir,
                             ExpertCache cache, PhaseListener progress) throws IOException, ModelRejectedException {
        long start = System.nanoTime();
        double cpu0 = processCpuSeconds();
        Djl.init();
        AutoscaleTrainer.Settings settings = plan.settings();
        if (flashModel != null) {
            // every contestant and expert moves behind the guard the measured model was trained behind
            try (OnnxModel m = OnnxModel.load(flashModel)) {
                OnnxAutoscaler.check(m.description());
                settings = settings.withGuard(MoveGuard.ofModel(m.description()));
            }
        }
        AutoscaleServices apps = new AutoscaleServices(population, plan.episodeSteps()).guardedBy(settings.guard());
        int tests = Math.min(plan.testServices(), apps.size(Split.TEST));
        if (tests == 0) {
            throw new IllegalArgumentException("no held-out (\"test\") services");
        }
        if (apps.size(Split.TRAIN) == 0) {
            throw new IllegalArgumentException("no training (\"train\") services");
        }
        try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE)) {
            // 1. FLASH (read or trained), the transfer base and the history baseline.
            FlashAgentNetwork flash;
            Path onnx;
            String source;
            int networks = flashModel == null ? 3 : 2;
            progress.phase((flashModel == null ? "train FLASH, " : "") + "transfer base, history baseline",
                    networks * settings.iterations());
            java.util.Map<String, Double> tails = new java.util.LinkedHashMap<>();
            if (flashModel != null) {
                tails.put("flash", Double.NaN);
                ContextLayout c;
                try (OnnxModel m = OnnxModel.load(flashModel)) {
                    OnnxAutoscaler.check(m.description());
                    c = m.description().contextLayout();
                }
                if (c.rows() < 1) {
                    throw new IllegalArgumentException(flashModel + ": a model without context (C = 0) is not FLASH");
                }
                settings = settings.withContextLayout(c);
                flash = FlashAgentNetwork.create(settings.network(), manager, plan.seed());
                OnnxImport.readInto(flash, flashModel);
                onnx = flashModel;
                source = flashModel.toString();
            } else {
                AutoscaleTrainer.Result r = AutoscaleTrainer.train(apps, settings, manager, bar(progress, "FLASH"));
                flash = r.network();
                tails.put("flash", tail(r.curve()));
                onnx = modelDir.resolve("autoscale-flash.onnx");
                double expected = r.curve().isEmpty() ? 0 : r.curve().get(r.curve().size() - 1).stepRewardMean();
                AutoscaleTrainer.export(r, expected, "{\"command\":\"flash reproduce autoscale"
                        + (plan.label().equals("quick") ? " --quick" : "") + " --iterations " + settings.iterations()
                        + (settings.contextLayout().isFlat() ? " --context-length " + settings.contextLength()
                                : " --context-windows " + settings.contextLayout().key())
                        + "\",\"seed\":" + plan.seed() + "}", onnx);
                source = "trained here (" + settings.iterations() + " iterations)";
            }
            AutoscaleTrainer.Settings baseSettings = settings.withContextLength(0);
            AutoscaleTrainer.Result baseRun = AutoscaleTrainer.train(apps, baseSettings, manager, bar(progress, "PPO"));
            FlashAgentNetwork base = baseRun.network();
            tails.put("transfer", tail(baseRun.curve()));
            // the history baseline stacks the rows FLASH's encoder reads: the same layout, no encoder
            ContextLayout rows = settings.contextLayout();
            FlashAgentNetwork history = FlashAgentNetwork.create(HistoryStacking.network(baseSettings.network(),
                            rows.rows()),
                    manager, plan.seed());
            List<dev.flash.meta.IterationMetrics> historyCurve = new java.util.ArrayList<>();
            PpoTrainer.Progress historyBar = bar(progress, "history");
            AutoscaleTrainer.trainConstrained(new PpoTrainer(history, baseSettings.ppo()), apps, baseSettings,
                    a -> HistoryStacking.training(a, rows), (m, total) -> {
                        historyCurve.add(m);
                        historyBar.onIteration(m, total);
                    });
            tails.put("history", tail(historyCurve));
            double trainSeconds = (System.nanoTime() - start) / 1e9;

            // 2. Transfer learning's online rule, on training services only.
            Budget budget = plan.budget();
            OnlineRuleSwitches switches = OnlineRuleSwitches.fromSystemProperties();
            List<FineTuneSweep.Setting> grid = switches.gridOr(plan.grid());
            progress.phase("fine-tuning sweep on training services", grid.size());
            FineTuneSweep.Result sweep = FineTuneSweep.choose(apps, plan.sweepApps(), base, plan.online(), grid,
                    budget, plan.seed(), manager, progress::step);
            PpoConfig rule = plan.online().withLearningRate(sweep.chosen().learningRate(), sweep.chosen().anneal());
            // diagnostic only (off by default): FLASH's own rate, by the same sweep on its network, or fixed
            Diagnostic diagnostic = Diagnostic.NONE;
            PpoConfig flashRule = rule;
            if (switches.flashMode() != OnlineRuleSwitches.Mode.TRANSFERS) {
                FineTuneSweep.Result flashSweep = null;
                FineTuneSweep.Setting chosen = switches.flashFixed();
                if (switches.flashMode() == OnlineRuleSwitches.Mode.SWEEP) {
                    progress.phase("FLASH's own fine-tuning sweep on training services (diagnostic)", grid.size());
                    FlashAgentNetwork meta = flash;
                    flashSweep = FineTuneSweep.choose(apps, plan.sweepApps(),
                            r -> Contestant.flash(meta, r, plan.episodeSteps()), plan.online(), grid, budget,
                            plan.seed(), manager, progress::step);
                    chosen = flashSweep.chosen();
                }
                flashRule = plan.online().withLearningRate(chosen.learningRate(), chosen.anneal());
                diagnostic = new Diagnostic(switches, flashSweep, chosen);
            } else if (!switches.isDefault()) {
                diagnostic = new Diagnostic(switches, null, sweep.chosen());
            }

            // 3. Experts, then every contestant on every held-out service.
            NetworkConfig expertNet = baseSettings.network();
            PpoConfig expertPpo = plan.expertPpo();
            PlateauRule plateau = plan.expertPlateau();
            String config = String.join("|", expertNet.toString(), expertPpo.withSeed(0).toString(),
                    plateau.toString(), "episode=" + plan.episodeSteps(), "eval=" + budget.evalEpisodes(),
                    "seed=" + plan.seed());
            String env = String.join(",", AutoscaleFeatures.NAMES) + "|" + AutoscaleReward.DEFINITION + "|guard="
                    + settings.guard().definition();
            List<ServiceSpec> held = apps.services(Split.TEST);
            Yardstick.Experts experts = Yardstick.cachedExperts(apps, cache, i -> ExpertCache.key(SIMULATOR_VERSION,
                    env, serviceContent(held.get(i)), config), expertNet, expertPpo, plateau, DO_NOTHING, budget,
                    plan.seed(), manager, progress::step);
            List<Contestant> contestants = List.of(
                    Contestant.flash(flash, flashRule, plan.episodeSteps()),
                    Contestant.transfer(base, rule),
                    Contestant.history(history, rows, rule),
                    Contestant.frozenFlash(flash, rule, plan.episodeSteps()),
                    Contestant.base(base, rule),
                    Contestant.blindFlash(flash, rule));
            progress.phase("held-out services: expert + contestants", tests);
            Yardstick.Report report = Yardstick.measure(apps, tests, contestants, experts, budget, plan.seed(),
                    manager, progress::step);

            // 4. The operator view: the model as the recommend stream runs it, beside HPA and HPA+VPA.
            progress.phase("operator view: FLASH (ONNX), HPA, HPA+VPA", trace == null ? 1 : 2);
            List<ServiceSpec> measured = held.subList(0, tests);
            List<ServiceComparison> synthetic;
            List<ServiceComparison> onTrace = null;
            try (OnnxModel m = OnnxModel.load(onnx)) {
                OnnxAutoscaler.check(m.description());
                synthetic = AutoscaleTrainer.compare(measured, s -> new OnnxAutoscaler("flash", m, s.sloSeconds()),
                        plan.operatorSteps(), plan.seed(), null);
                progress.step("synthetic load");
                if (trace != null) {
                    onTrace = AutoscaleTrainer.compare(measured, s -> new OnnxAutoscaler("flash", m, s.sloSeconds()),
                            trace.steps(), plan.seed(), trace);
                    progress.step(trace.source());
                }
            }
            return new Result(plan, source, rows, report, sweep, synthetic, onTrace,
                    trace == null ? null : trace.source(), cache.builds(), cache.hits(), cache.buildSeconds(),
                    trainSeconds, (System.nanoTime() - start) / 1e9, processCpuSeconds() - cpu0, tails, diagnostic);
        }
    }

    /** What makes a service's episodes what they are: every parameter but its name and split. */
    static String serviceContent(ServiceSpec s) {
        return new ServiceSpec("-", ServiceSpec.TEST, s.cpuPerRequest(), s.demandCv(), s.parallelEfficiency(),
                s.memoryBaseMib(), s.memoryPerRequestMib(), s.memoryLimitMib(), s.startupSteps(), s.sloSeconds(),
                s.maxReplicas(), s.load()).toString();
    }

    /** Mean training reward per step over the last tenth (at least one) of a run's iterations. */
    static double tail(List<dev.flash.meta.IterationMetrics> curve) {
        if (curve.isEmpty()) {
            return Double.NaN;
        }
        int n = Math.max(1, curve.size() / 10);
        return curve.subList(curve.size() - n, curve.size()).stream()
                .mapToDouble(dev.flash.meta.IterationMetrics::stepRewardMean).average().orElse(Double.NaN);
    }

    /** CPU time of this process, every thread (0 when the JVM cannot tell). */
    public static double processCpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            long ns = os.getProcessCpuTime();
            return ns < 0 ? 0 : ns / 1e9;
        }
        return 0;
    }

    private static PpoTrainer.Progress bar(PhaseListener progress, String who) {
        return (m, total) -> progress.step(String.format(Locale.ROOT, "%s it %d reward/step %.3f", who,
                m.iteration(), m.stepRewardMean()));
    }
}
