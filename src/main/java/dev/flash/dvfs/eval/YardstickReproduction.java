package dev.flash.dvfs.eval;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.train.DvfsApplications;
import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.dvfs.train.DvfsTrainer;
import dev.flash.meta.ApplicationSet;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.PpoTrainer;
import dev.flash.meta.yardstick.Budget;
import dev.flash.meta.yardstick.Contestant;
import dev.flash.meta.yardstick.ConvergedExpert;
import dev.flash.meta.yardstick.DoNothing;
import dev.flash.meta.yardstick.ExpertCache;
import dev.flash.meta.yardstick.FineTuneSweep;
import dev.flash.meta.yardstick.HistoryStacking;
import dev.flash.policy.ContextLayout;
import dev.flash.meta.yardstick.PlateauRule;
import dev.flash.meta.yardstick.RewardGap;
import dev.flash.meta.yardstick.Spread;
import dev.flash.meta.yardstick.Yardstick;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.sim.AppSpec;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Case III (CPU frequency scaling) measured by the shared yardsticks ({@link dev.flash.meta.yardstick}):
 *
 * <ol>
 *   <li>train, on the training applications with the settings of {@code flash train dvfs}: FLASH
 *       (context encoder), the transfer-learning base (no context) and the history baseline
 *       (no encoder, the last C raw rows stacked into its input);</li>
 *   <li>choose transfer learning's online learning rate and schedule by a sweep on training
 *       applications ({@link FineTuneSweep}); every contestant learns online by that rule;</li>
 *   <li>per held-out application, the converged expert (from the cache, or trained from scratch
 *       on the application alone), then FLASH (encoder frozen, base learner online), FLASH
 *       frozen as the paper deploys it, transfer learning and the history baseline under the
 *       same budget, evaluated on the same fixed episodes: reward gap, adaptation cost in steps
 *       with censoring;</li>
 *   <li>the operator view: FLASH exported to ONNX and run as flashd runs it beside the
 *       governors and the oracle: applications within the 5% budget, energy saving, slowdown,
 *       the in-budget share of the oracle's saving.</li>
 * </ol>
 */
public final class YardstickReproduction {
    private YardstickReproduction() {
    }

    /**
     * Part of every expert's cache key: bump it when the simulated node or the DVFS environment
     * changes what an application's episodes look like, so no expert of an older simulator is read.
     */
    public static final String SIMULATOR_VERSION = "dvfs-sim/2026-12-06";

    /**
     * DVFS's do-nothing policy: {@code max} every step, the performance governor. The reward is
     * saving minus the overrun penalty against fmax, so it scores 0 by construction (measured on
     * the evaluation episodes all the same). An expert has to beat it by 0.005 per step (half a
     * percent of energy net of penalties) and by twice the noise of its points.
     */
    public static final DoNothing DO_NOTHING = new DoNothing(DvfsActions.DEFAULT.indexOf("max"), 0.005,
            "performance governor (max every step)");

    /**
     * What to run.
     *
     * @param settings         FLASH's training settings; the baselines use the same with C = 0
     * @param testApps         held-out applications measured (the first of the split)
     * @param onlineEpisodes   online budget per held-out application, in episodes
     * @param evalEpisodes     fixed evaluation episodes per point
     * @param operatorEpisodes operator-view episodes per held-out application
     * @param sweepApps        training applications of the fine-tuning sweep
     * @param grid             fine-tuning settings the sweep chooses from
     * @param expertEnvs       replicas of the application stepped per rollout by an expert's training
     */
    public record Plan(String label, DvfsTrainer.Settings settings, int testApps, int onlineEpisodes,
                       int evalEpisodes, int operatorEpisodes, int sweepApps, List<FineTuneSweep.Setting> grid,
                       int expertEnvs) implements Serializable {

        public static Plan full(long seed) {
            return new Plan("full", DvfsTrainer.Settings.defaults(seed), 40, 200, 16, 10, 6,
                    FineTuneSweep.defaultGrid(), 8);
        }

        public static Plan quick(long seed) {
            return new Plan("quick", DvfsTrainer.Settings.defaults(seed).withIterations(60), 5, 24, 8, 2, 2,
                    List.of(new FineTuneSweep.Setting(3e-4, false), new FineTuneSweep.Setting(1e-3, false),
                            new FineTuneSweep.Setting(3e-3, true)), 8);
        }

        /** Seconds, for tests of the whole path: nothing here means anything. */
        public static Plan tiny(long seed) {
            return new Plan("tiny", DvfsTrainer.Settings.quick(seed).withContextLength(4), 2, 3, 2, 1, 1,
                    List.of(new FineTuneSweep.Setting(1e-3, false), new FineTuneSweep.Setting(3e-3, true)), 2);
        }

        /** The same plan with {@code n} training iterations for every contestant (label gains "-iN"). */
        public Plan withIterations(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("iterations must be at least 1, not " + n);
            }
            return new Plan(label + "-i" + n, settings.withIterations(n), testApps, onlineEpisodes, evalEpisodes,
                    operatorEpisodes, sweepApps, grid, expertEnvs);
        }

        /**
         * The same plan with FLASH's context, and the history baseline's stacked rows, laid out as
         * {@code layout} (label gains "-w" and the windows).
         */
        public Plan withContextLayout(ContextLayout layout) {
            return new Plan(label + "-w" + layout.key().replace(',', '.'), settings.withContextLayout(layout), testApps,
                    onlineEpisodes, evalEpisodes, operatorEpisodes, sweepApps, grid, expertEnvs);
        }

        /**
         * The same plan with FLASH's encoder told which row is which window ({@link
         * NetworkConfig#rowPositions}; label gains "-pos"). The history baseline stacks its rows in
         * order, so it knows their positions already and does not change.
         */
        public Plan withContextPositions() {
            return new Plan(label + "-pos", settings.withContextPositions(true), testApps, onlineEpisodes, evalEpisodes,
                    operatorEpisodes, sweepApps, grid, expertEnvs);
        }

        /** The same plan on the first {@code n} held-out applications (label gains "-aN"). */
        public Plan withTestApps(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("held-out applications must be at least 1, not " + n);
            }
            return new Plan(label + "-a" + n, settings, n, onlineEpisodes, evalEpisodes, operatorEpisodes, sweepApps,
                    grid, expertEnvs);
        }

        public long seed() {
            return settings.seed();
        }

        int episodeSteps() {
            return settings.env().episodeSteps();
        }

        Budget budget() {
            int steps = episodeSteps();
            return new Budget((long) onlineEpisodes * steps, steps, steps, evalEpisodes);
        }

        /** Online PPO of every contestant before the sweep sets its rate: one update per episode. */
        PpoConfig online() {
            return settings.withContextLength(0).ppo().withRollout(1, episodeSteps(), Math.min(4, episodeSteps()));
        }

        /** The expert's PPO: the training settings at a constant rate, replicas of one application. */
        PpoConfig expertPpo() {
            return settings.withContextLength(0).ppo().withRollout(expertEnvs, settings.rolloutSteps(),
                    Math.min(4, expertEnvs * settings.rolloutSteps())).withLearningRate(settings.learningRate(), false);
        }
    }

    /**
     * Everything measured.
     *
     * @param expertsBuilt experts trained in this run (their training time: {@code expertSeconds}, summed
     *                     over processes), {@code expertsCached} read from the cache
     * @param cpuSeconds   CPU time of this JVM and its workers, whole run
     * @param processes    JVMs that shared the work
     */
    public record Result(Plan plan, Yardstick.Report yardstick, FineTuneSweep.Result sweep,
                         OperatorEvaluation.Report operator, List<HiddenStateReferences.App> references,
                         int expertsBuilt, int expertsCached, double expertSeconds, double trainSeconds,
                         double totalSeconds, double cpuSeconds, int processes) {

        /**
         * Reward gap at start of {@code contestant} against a clairvoyant reference of the same
         * evaluation episodes ({@link HiddenStateReferences}), per application, mean and spread.
         */
        public Spread gapTo(String reference, String contestant) {
            double[] starts = yardstick.starts(contestant);
            double[] gaps = new double[starts.length];
            for (int i = 0; i < gaps.length; i++) {
                gaps[i] = RewardGap.of(references.get(i).perStep().get(reference), starts[i]);
            }
            return Spread.of(gaps);
        }

        public double costRatio() {
            return yardstick.costRatio("transfer", "flash");
        }
    }

    /** The history baseline's network: the base agent (C = 0) over the stacked input. */
    static NetworkConfig historyNetwork(DvfsTrainer.Settings s) {
        return HistoryStacking.network(s.withContextLength(0).network(), s.contextLength());
    }

    /** The population with each environment wrapped in the history baseline's stacking. */
    static ApplicationSet stacked(DvfsApplications apps, ContextLayout layout) {
        return HistoryStacking.training(apps, layout);
    }

    /** Runs everything in this process; writes the ONNX models into {@code modelDir}. */
    public static Result run(List<AppSpec> population, Plan plan, Path modelDir, ExpertCache cache,
                             Reproduction.Listener progress) throws IOException, ModelRejectedException {
        try {
            return run(population, plan, modelDir, cache, progress, 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * Runs everything on up to {@code processes} JVMs ({@link ReproductionWorkers}; DJL trains on
     * one thread per process). With two: a worker pre-trains transfer learning's base and runs
     * the fine-tuning sweep while this JVM trains FLASH and then the history baseline; the
     * held-out applications (expert and contestants) are then dealt round-robin to this JVM and
     * the worker, and this JVM runs the operator view after its share. Every training, expert and
     * run seeds itself, so the figures are those of one process ({@code YardstickReproductionTest}).
     */
    public static Result run(List<AppSpec> population, Plan plan, Path modelDir, ExpertCache cache,
                             Reproduction.Listener listener, int processes)
            throws IOException, ModelRejectedException, InterruptedException {
        if (processes < 1) {
            throw new IllegalArgumentException("processes must be at least 1, not " + processes);
        }
        long start = System.nanoTime();
        Djl.init();
        DvfsTrainer.Settings flashSettings = plan.settings();
        if (flashSettings.contextLength() < 1) {
            throw new IllegalArgumentException("FLASH needs a context: C = " + flashSettings.contextLength());
        }
        DvfsApplications apps = applications(population, plan);
        int tests = Math.min(plan.testApps(), apps.size(Split.TEST));
        if (tests == 0) {
            throw new IllegalArgumentException("no held-out applications");
        }
        Reproduction.Listener progress = Reproduction.locked(listener);
        double workerCpu = 0;
        try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE);
             ReproductionWorkers workers = processes > 1 ? new ReproductionWorkers(progress) : null) {
            // 1. The three networks, on the same training applications with the same settings, and
            //    transfer learning's online rule chosen on training applications (the sweep).
            progress.phase("train FLASH, transfer base (+ sweep), history baseline", 3 * flashSettings.iterations()
                    + plan.grid().size());
            ReproductionWorkers.Worker pretrainer = workers == null ? null
                    : workers.start(new PretrainJob(population, plan));
            FlashAgentNetwork flash = trainFlash(apps, plan, manager, progress);
            FlashAgentNetwork history = trainHistory(apps, plan, manager, progress);
            Pretrained pre;
            if (pretrainer == null) {
                pre = pretrain(apps, plan, manager, progress);
            } else {
                pre = pretrainer.await(Pretrained.class);
                workerCpu += pre.cpuSeconds();
            }
            FlashAgentNetwork base = FlashAgentNetwork.create(plan.settings().withContextLength(0).network(), manager,
                    plan.seed());
            Reproduction.readWeights(base, pre.baseWeights());
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            FineTuneSweep.Result sweep = pre.sweep();

            // 2. Experts, then every contestant on every held-out application, in shares.
            progress.phase("held-out apps: expert + contestants", tests);
            int[][] shares = Reproduction.shares(tests, processes);
            List<ReproductionWorkers.Worker> measurers = new ArrayList<>();
            if (workers != null) {
                byte[] fw = Reproduction.weights(flash);
                byte[] bw = pre.baseWeights();
                byte[] hw = Reproduction.weights(history);
                for (int p = 1; p < shares.length; p++) {
                    measurers.add(workers.start(new MeasureJob(population, plan, fw, bw, hw, sweep.chosen(),
                            cache.directory().toString(), cache.rebuild(), shares[p])));
                }
            }
            Measured mine = measure(apps, shares[0], plan, flash, base, history, sweep.chosen(), cache, manager,
                    progress);

            // 3. The operator view of the deployed networks, as flashd runs them (while the worker measures).
            OperatorEvaluation.Report operator = Reproduction.operatorView(flash, base, flashSettings,
                    flashSettings.withContextLength(0), apps.apps(Split.TEST).subList(0, tests),
                    plan.operatorEpisodes(), plan.seed(), provenance(plan), modelDir, progress);

            Yardstick.AppResult[] results = new Yardstick.AppResult[tests];
            HiddenStateReferences.App[] references = new HiddenStateReferences.App[tests];
            int hits = 0;
            int builds = 0;
            double expertSeconds = 0;
            for (int p = 0; p < shares.length; p++) {
                Measured m = p == 0 ? mine : measurers.get(p - 1).await(Measured.class);
                if (p > 0) {
                    workerCpu += m.cpuSeconds();
                }
                for (int j = 0; j < shares[p].length; j++) {
                    results[shares[p][j]] = m.apps().get(j);
                    references[shares[p][j]] = m.references().get(j);
                }
                hits += m.expertsCached();
                builds += m.expertsBuilt();
                expertSeconds += m.expertSeconds();
            }
            Yardstick.Report report = Yardstick.report(contestants(flash, base, history, plan, sweep.chosen()),
                    plan.budget(), List.of(results));
            double cpu = processCpuSeconds() + workerCpu;
            return new Result(plan, report, sweep, operator, List.of(references), builds, hits, expertSeconds,
                    trainSeconds, (System.nanoTime() - start) / 1e9, cpu, Math.min(processes, Math.max(1, tests)));
        }
    }

    /** The population as environments with the plan's options. */
    static DvfsApplications applications(List<AppSpec> population, Plan plan) {
        return new DvfsApplications(population, DvfsEnvironment.defaultNode(), plan.settings().env());
    }

    static FlashAgentNetwork trainFlash(DvfsApplications apps, Plan plan, NDManager manager,
                                        Reproduction.Listener progress) {
        FlashAgentNetwork flash = FlashAgentNetwork.create(plan.settings().network(), manager, plan.seed());
        new PpoTrainer(flash, plan.settings().ppo()).train(apps, bar(progress, "FLASH"));
        return flash;
    }

    static FlashAgentNetwork trainHistory(DvfsApplications apps, Plan plan, NDManager manager,
                                          Reproduction.Listener progress) {
        FlashAgentNetwork history = FlashAgentNetwork.create(historyNetwork(plan.settings()), manager, plan.seed());
        new PpoTrainer(history, plan.settings().withContextLength(0).ppo()).train(
                stacked(apps, plan.settings().contextLayout()),
                bar(progress, "history"));
        return history;
    }

    /** Transfer learning's base pre-trained, then its online rule chosen by the sweep on training apps. */
    static Pretrained pretrain(DvfsApplications apps, Plan plan, NDManager manager, Reproduction.Listener progress)
            throws IOException {
        DvfsTrainer.Settings baseSettings = plan.settings().withContextLength(0);
        FlashAgentNetwork base = FlashAgentNetwork.create(baseSettings.network(), manager, plan.seed());
        new PpoTrainer(base, baseSettings.ppo()).train(apps, bar(progress, "PPO"));
        FineTuneSweep.Result sweep = FineTuneSweep.choose(apps, plan.sweepApps(), base, plan.online(), plan.grid(),
                plan.budget(), plan.seed(), manager, progress::step);
        return new Pretrained(Reproduction.weights(base), sweep, 0);
    }

    static List<Contestant> contestants(FlashAgentNetwork flash, FlashAgentNetwork base, FlashAgentNetwork history,
                                        Plan plan, FineTuneSweep.Setting chosen) {
        PpoConfig rule = plan.online().withLearningRate(chosen.learningRate(), chosen.anneal());
        return List.of(
                Contestant.flash(flash, rule, plan.episodeSteps()),
                Contestant.transfer(base, rule),
                Contestant.history(history, plan.settings().contextLayout(), rule),
                Contestant.frozenFlash(flash, rule, plan.episodeSteps()));
    }

    /** The experts of the held-out applications, from {@code cache} or trained on a miss. */
    static Yardstick.Experts experts(DvfsApplications apps, Plan plan, ExpertCache cache, NDManager manager,
                                     Reproduction.Listener progress) {
        DvfsTrainer.Settings baseSettings = plan.settings().withContextLength(0);
        Budget budget = plan.budget();
        NetworkConfig expertNet = baseSettings.network();
        PpoConfig expertPpo = plan.expertPpo();
        PlateauRule plateau = PlateauRule.forBudget(budget.onlineSteps());
        String config = String.join("|", expertNet.toString(), expertPpo.withSeed(0).toString(), plateau.toString(),
                plan.settings().env().toString(), "eval=" + budget.evalEpisodes(), "seed=" + plan.seed());
        String node = apps.node().toString();
        return Yardstick.cachedExperts(apps, cache, i -> ExpertCache.key(SIMULATOR_VERSION, node,
                appContent(apps.app(Split.TEST, i)), config), expertNet, expertPpo, plateau, DO_NOTHING, budget,
                plan.seed(), manager, progress::step);
    }

    /** One share of the held-out applications: experts, every contestant, the hidden-state references. */
    static Measured measure(DvfsApplications apps, int[] indices, Plan plan, FlashAgentNetwork flash,
                            FlashAgentNetwork base, FlashAgentNetwork history, FineTuneSweep.Setting chosen,
                            ExpertCache cache, NDManager manager, Reproduction.Listener progress) throws IOException {
        List<Yardstick.AppResult> results = Yardstick.measureApps(apps, indices,
                contestants(flash, base, history, plan, chosen), experts(apps, plan, cache, manager, progress),
                plan.budget(), plan.seed(), manager, progress::step);
        // What a policy could score at best on the same evaluation episodes, read from the
        // simulator's hidden state: the clairvoyant bound and the budget oracle.
        List<HiddenStateReferences.App> references = new ArrayList<>();
        for (int i : indices) {
            references.add(HiddenStateReferences.of(apps.name(Split.TEST, i),
                    Yardstick.evaluationEpisodes(apps, Split.TEST, i, plan.seed()), plan.evalEpisodes()));
        }
        return new Measured(results, references, cache.hits(), cache.builds(), cache.buildSeconds(), 0);
    }

    /** What {@link PretrainJob} returns: the base's weights and the sweep's choice. */
    record Pretrained(byte[] baseWeights, FineTuneSweep.Result sweep, double cpuSeconds) implements Serializable {
    }

    /** What {@link MeasureJob} returns, in the order of its indices. */
    record Measured(List<Yardstick.AppResult> apps, List<HiddenStateReferences.App> references, int expertsCached,
                    int expertsBuilt, double expertSeconds, double cpuSeconds) implements Serializable {
    }

    /** A worker's share of step 1: transfer learning's base and the sweep. */
    record PretrainJob(List<AppSpec> population, Plan plan) implements ReproductionWorkers.Job {
        @Override
        public String label() {
            return "pre-train transfer base + sweep";
        }

        @Override
        public Serializable run(Reproduction.Listener progress) throws Exception {
            Djl.init();
            try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE)) {
                Pretrained p = pretrain(applications(population, plan), plan, manager, progress);
                return new Pretrained(p.baseWeights(), p.sweep(), processCpuSeconds());
            }
        }
    }

    /** A worker's share of step 2: some held-out applications, with every trained network's weights. */
    record MeasureJob(List<AppSpec> population, Plan plan, byte[] flashWeights, byte[] baseWeights,
                      byte[] historyWeights, FineTuneSweep.Setting rule, String expertDir, boolean rebuildExperts,
                      int[] indices) implements ReproductionWorkers.Job {
        @Override
        public String label() {
            return "measure " + indices.length + " held-out apps";
        }

        @Override
        public Serializable run(Reproduction.Listener progress) throws Exception {
            Djl.init();
            try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE)) {
                FlashAgentNetwork flash = FlashAgentNetwork.create(plan.settings().network(), manager, plan.seed());
                Reproduction.readWeights(flash, flashWeights);
                FlashAgentNetwork base = FlashAgentNetwork.create(plan.settings().withContextLength(0).network(),
                        manager, plan.seed());
                Reproduction.readWeights(base, baseWeights);
                FlashAgentNetwork history = FlashAgentNetwork.create(historyNetwork(plan.settings()), manager,
                        plan.seed());
                Reproduction.readWeights(history, historyWeights);
                Measured m = measure(applications(population, plan), indices, plan, flash, base, history, rule,
                        new ExpertCache(Path.of(expertDir), rebuildExperts), manager, progress);
                return new Measured(m.apps(), m.references(), m.expertsCached(), m.expertsBuilt(), m.expertSeconds(),
                        processCpuSeconds());
            }
        }
    }

    /** CPU time this JVM has used so far (all its threads: JIT and GC included), in seconds. */
    static double processCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long ns = sun.getProcessCpuTime();
            return ns < 0 ? Double.NaN : ns / 1e9;
        }
        return Double.NaN;
    }

    /** What makes an application's episodes what they are: its phases and hidden parameters, not its name or split. */
    static String appContent(AppSpec app) {
        return app.phases() + "|" + app.hidden();
    }

    private static PpoTrainer.Progress bar(Reproduction.Listener progress, String who) {
        return (m, total) -> progress.step(String.format(Locale.ROOT, "%s it %d reward/step %.3f", who,
                m.iteration(), m.stepRewardMean()));
    }

    static String provenance(Plan plan) {
        JsonObject o = new JsonObject();
        o.addProperty("command", "flash reproduce dvfs" + (plan.label().equals("quick") ? " --quick" : ""));
        o.addProperty("seed", plan.seed());
        o.addProperty("date", java.time.Instant.now().toString());
        return Json.COMPACT.toJson(o);
    }

    /** The result as one JSON object (the --json output and reproduce.json). */
    public static JsonObject toJson(Result r) {
        JsonObject o = r.yardstick().toJson();
        Json.put(o, "adaptation_cost_ratio", r.costRatio());
        OperatorEvaluation.Report op = r.operator();
        OperatorEvaluation.Row flash = op.overall("flash");
        int n = op.apps().size();
        Json.put(o, "apps_within_budget", n == 0 ? Double.NaN : (double) op.appsWithinBudget("flash") / n);
        o.addProperty("apps_within_budget_count", op.appsWithinBudget("flash"));
        o.addProperty("apps_operator_view", n);
        Json.put(o, "energy_saving_vs_performance", flash.energySaving());
        Json.put(o, "slowdown_vs_performance", flash.slowdown());
        Json.put(o, "in_budget_share_of_oracle_saving", op.inBudgetShareOfOracleSaving("flash"));
        // The same behind the runtime slowdown guard, as flashd runs the model by default.
        String guarded = ModelEvaluation.GUARDED_AGENT;
        Json.put(o, "apps_within_budget_guard", n == 0 ? Double.NaN : (double) op.appsWithinBudget(guarded) / n);
        Json.put(o, "energy_saving_vs_performance_guard", op.overall(guarded).energySaving());
        Json.put(o, "slowdown_vs_performance_guard", op.overall(guarded).slowdown());
        Json.put(o, "in_budget_share_of_oracle_saving_guard", op.inBudgetShareOfOracleSaving(guarded));
        // The same shares against the upper reference (the budget-optimal clairvoyant plan) and
        // against the current-phase oracle used before 2026-12-07; the oracles' own rows beside.
        for (String[] ref : new String[][] {{OperatorEvaluation.OPTIMAL_ORACLE, "optimal_oracle"},
                {OperatorEvaluation.PHASE_ORACLE, "phase_oracle"}}) {
            Json.put(o, "in_budget_share_of_" + ref[1] + "_saving", op.inBudgetShareOf("flash", ref[0]));
            Json.put(o, "in_budget_share_of_" + ref[1] + "_saving_guard", op.inBudgetShareOf(guarded, ref[0]));
        }
        JsonObject oracles = new JsonObject();
        for (String ref : List.of(OperatorEvaluation.ORACLE, OperatorEvaluation.OPTIMAL_ORACLE,
                OperatorEvaluation.PHASE_ORACLE)) {
            JsonObject x = new JsonObject();
            x.addProperty("apps_within_budget_count", op.appsWithinBudget(ref));
            Json.put(x, "energy_saving_vs_performance", op.overall(ref).energySaving());
            Json.put(x, "slowdown_vs_performance", op.overall(ref).slowdown());
            oracles.add(ref, x);
        }
        o.add("oracles", oracles);
        for (String c : r.yardstick().contestants()) {
            Json.put(o, "reward_gap_" + c + "_vs_budget_oracle",
                    r.gapTo(HiddenStateReferences.BUDGET_ORACLE, c).mean());
        }
        o.add("hidden_state_references", HiddenStateReferences.toJson(r.references(),
                r.yardstick().starts("flash"), r.yardstick().starts("transfer")));
        List<Yardstick.AppResult> apps = r.yardstick().apps();
        double[] bounds = HiddenStateReferences.perStep(r.references(), HiddenStateReferences.CLAIRVOYANT);
        double[] oracle = HiddenStateReferences.perStep(r.references(), HiddenStateReferences.BUDGET_ORACLE);
        double[] expertGaps = new double[apps.size()];
        double[] expertOracleGaps = new double[apps.size()];
        int failedNoRoom = 0;
        int failedOracleNoRoom = 0;
        for (int i = 0; i < apps.size(); i++) {
            ConvergedExpert.Expert e = apps.get(i).expert();
            expertGaps[i] = e.failed() ? Double.NaN : RewardGap.of(bounds[i], e.rewardPerStep());
            expertOracleGaps[i] = e.failed() ? Double.NaN : RewardGap.of(oracle[i], e.rewardPerStep());
            // a failed expert where even the clairvoyant bound (best ladder level per step in
            // hindsight) does not clear the do-nothing margin: no policy on the ladder could; and
            // where the budget oracle (full frequency table) does not either
            if (e.failed() && bounds[i] - e.doNothingReward() <= DO_NOTHING.margin()) {
                failedNoRoom++;
            }
            if (e.failed() && oracle[i] - e.doNothingReward() <= DO_NOTHING.margin()) {
                failedOracleNoRoom++;
            }
        }
        // Per application, the two references beside its expert (the same evaluation episodes).
        JsonArray rows = o.getAsJsonArray("per_app");
        for (int i = 0; i < apps.size(); i++) {
            Json.put(rows.get(i).getAsJsonObject(), "clairvoyant_bound_reward_per_step", bounds[i]);
            Json.put(rows.get(i).getAsJsonObject(), "budget_oracle_reward_per_step", oracle[i]);
        }
        // How far the converged experts stay below what no policy on the ladder can pass, and
        // below the clairvoyant budget oracle (apps with an expert only).
        Json.put(o, "expert_gap_to_clairvoyant_bound", Spread.of(expertGaps).mean());
        Json.put(o, "expert_gap_to_budget_oracle", Spread.of(expertOracleGaps).mean());
        o.addProperty("experts_failed_where_clairvoyant_bound_is_within_margin", failedNoRoom);
        o.addProperty("experts_failed_where_budget_oracle_is_within_margin", failedOracleNoRoom);
        JsonObject paper = new JsonObject();
        paper.addProperty("reward_gap_flash", Reproduction.PAPER_GAP_FLASH);
        paper.addProperty("reward_gap_transfer", Reproduction.PAPER_GAP_TRANSFER);
        paper.addProperty("adaptation_cost_ratio", Reproduction.PAPER_COST_RATIO);
        o.add("paper", paper);
        o.add("fine_tune_sweep", r.sweep().toJson("training_apps"));
        JsonObject experts = new JsonObject();
        experts.addProperty("built", r.expertsBuilt());
        experts.addProperty("from_cache", r.expertsCached());
        Json.put(experts, "build_seconds", r.expertSeconds());
        experts.addProperty("simulator_version", SIMULATOR_VERSION);
        experts.addProperty("rule_version", ConvergedExpert.RULE_VERSION);
        experts.addProperty("do_nothing_policy", DO_NOTHING.policy());
        experts.addProperty("do_nothing_margin_reward_per_step", DO_NOTHING.margin());
        experts.addProperty("failed", r.yardstick().expertsFailed().size());
        experts.addProperty("retried", r.yardstick().expertsRetried());
        o.add("experts", experts);
        JsonObject plan = new JsonObject();
        plan.addProperty("plan", r.plan().label());
        plan.addProperty("seed", r.plan().seed());
        plan.addProperty("train_iterations", r.plan().settings().iterations());
        plan.addProperty("context_length", r.plan().settings().contextLength());
        plan.addProperty("context_windows", r.plan().settings().contextLayout().key());
        plan.addProperty("context_positions", r.plan().settings().contextPositions());
        plan.addProperty("test_apps", r.yardstick().apps().size());
        plan.addProperty("online_episodes", r.plan().onlineEpisodes());
        plan.addProperty("eval_episodes", r.plan().evalEpisodes());
        plan.addProperty("operator_episodes", r.plan().operatorEpisodes());
        o.add("plan", plan);
        Json.put(o, "train_seconds", r.trainSeconds());
        Json.put(o, "total_seconds", r.totalSeconds());
        Json.put(o, "cpu_seconds", r.cpuSeconds());
        o.addProperty("processes", r.processes());
        o.add("operator", ModelEvaluation.toJson(op));
        return o;
    }
}
