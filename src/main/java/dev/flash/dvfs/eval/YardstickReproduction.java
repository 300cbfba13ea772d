package dev.flash.dvfs.eval;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.dvfs.train.DvfsApplications;
import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.dvfs.train.DvfsTrainer;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.PpoTrainer;
import dev.flash.meta.yardstick.Budget;
import dev.flash.meta.yardstick.Contestant;
import dev.flash.meta.yardstick.ExpertCache;
import dev.flash.meta.yardstick.FineTuneSweep;
import dev.flash.meta.yardstick.HistoryStacking;
import dev.flash.meta.yardstick.PlateauRule;
import dev.flash.meta.yardstick.RewardGap;
import dev.flash.meta.yardstick.Spread;
import dev.flash.meta.yardstick.Yardstick;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.sim.AppSpec;
import java.io.IOException;
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
                       int expertEnvs) {

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
     * @param experts      experts trained in this run and read from the cache, and the training time
     */
    public record Result(Plan plan, Yardstick.Report yardstick, FineTuneSweep.Result sweep,
                         OperatorEvaluation.Report operator, List<HiddenStateReferences.App> references,
                         int expertsBuilt, int expertsCached, double expertSeconds, double trainSeconds,
                         double totalSeconds) {

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

    /** Runs everything in this process; writes the ONNX models into {@code modelDir}. */
    public static Result run(List<AppSpec> population, Plan plan, Path modelDir, ExpertCache cache,
                             Reproduction.Listener progress) throws IOException, ModelRejectedException {
        long start = System.nanoTime();
        Djl.init();
        DvfsTrainer.Settings flashSettings = plan.settings();
        DvfsTrainer.Settings baseSettings = flashSettings.withContextLength(0);
        if (flashSettings.contextLength() < 1) {
            throw new IllegalArgumentException("FLASH needs a context: C = " + flashSettings.contextLength());
        }
        DvfsApplications apps = new DvfsApplications(population, DvfsEnvironment.defaultNode(), flashSettings.env());
        int tests = Math.min(plan.testApps(), apps.size(Split.TEST));
        if (tests == 0) {
            throw new IllegalArgumentException("no held-out applications");
        }
        try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE)) {
            // 1. The three networks, on the same training applications with the same settings.
            progress.phase("train FLASH, transfer base, history baseline", 3 * flashSettings.iterations());
            FlashAgentNetwork flash = FlashAgentNetwork.create(flashSettings.network(), manager, plan.seed());
            new PpoTrainer(flash, flashSettings.ppo()).train(apps, bar(progress, "FLASH"));
            FlashAgentNetwork base = FlashAgentNetwork.create(baseSettings.network(), manager, plan.seed());
            new PpoTrainer(base, baseSettings.ppo()).train(apps, bar(progress, "PPO"));
            int rows = flashSettings.contextLength();
            FlashAgentNetwork history = FlashAgentNetwork.create(HistoryStacking.network(baseSettings.network(), rows),
                    manager, plan.seed());
            new PpoTrainer(history, baseSettings.ppo()).train(HistoryStacking.training(apps, rows),
                    bar(progress, "history"));
            double trainSeconds = (System.nanoTime() - start) / 1e9;

            // 2. Transfer learning's online rule, on training applications only.
            Budget budget = plan.budget();
            progress.phase("fine-tuning sweep on training apps", plan.grid().size());
            FineTuneSweep.Result sweep = FineTuneSweep.choose(apps, plan.sweepApps(), base, plan.online(), plan.grid(),
                    budget, plan.seed(), manager, progress::step);
            PpoConfig rule = plan.online().withLearningRate(sweep.chosen().learningRate(), sweep.chosen().anneal());

            // 3. Experts, then every contestant on every held-out application.
            NetworkConfig expertNet = baseSettings.network();
            PpoConfig expertPpo = plan.expertPpo();
            PlateauRule plateau = PlateauRule.forBudget(budget.onlineSteps());
            String config = String.join("|", expertNet.toString(), expertPpo.withSeed(0).toString(), plateau.toString(),
                    flashSettings.env().toString(), "eval=" + budget.evalEpisodes(), "seed=" + plan.seed());
            String node = apps.node().toString();
            Yardstick.Experts experts = Yardstick.cachedExperts(apps, cache, i -> ExpertCache.key(SIMULATOR_VERSION,
                    node, appContent(apps.app(Split.TEST, i)), config), expertNet, expertPpo, plateau, budget,
                    plan.seed(), manager, progress::step);
            List<Contestant> contestants = List.of(
                    Contestant.flash(flash, rule, plan.episodeSteps()),
                    Contestant.transfer(base, rule),
                    Contestant.history(history, rows, rule),
                    Contestant.frozenFlash(flash, rule, plan.episodeSteps()));
            progress.phase("held-out apps: expert + contestants", tests);
            Yardstick.Report report = Yardstick.measure(apps, tests, contestants, experts, budget, plan.seed(),
                    manager, progress::step);

            // What a policy could score at best on the same evaluation episodes, read from the
            // simulator's hidden state: the clairvoyant bound and the budget oracle.
            List<HiddenStateReferences.App> references = new ArrayList<>();
            for (int i = 0; i < tests; i++) {
                references.add(HiddenStateReferences.of(apps.name(Split.TEST, i),
                        Yardstick.evaluationEpisodes(apps, Split.TEST, i, plan.seed()), budget.evalEpisodes()));
            }

            // 4. The operator view of the deployed networks, as flashd runs them.
            OperatorEvaluation.Report operator = Reproduction.operatorView(flash, base, flashSettings, baseSettings,
                    apps.apps(Split.TEST).subList(0, tests), plan.operatorEpisodes(), plan.seed(),
                    provenance(plan), modelDir, progress);
            return new Result(plan, report, sweep, operator, references, cache.builds(), cache.hits(),
                    cache.buildSeconds(), trainSeconds, (System.nanoTime() - start) / 1e9);
        }
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
        for (String c : r.yardstick().contestants()) {
            Json.put(o, "reward_gap_" + c + "_vs_budget_oracle",
                    r.gapTo(HiddenStateReferences.BUDGET_ORACLE, c).mean());
        }
        o.add("hidden_state_references", HiddenStateReferences.toJson(r.references(),
                r.yardstick().starts("flash"), r.yardstick().starts("transfer")));
        double[] expertRewards = r.yardstick().apps().stream().mapToDouble(a -> a.expert().rewardPerStep())
                .toArray();
        double[] bounds = HiddenStateReferences.perStep(r.references(), HiddenStateReferences.CLAIRVOYANT);
        double[] expertGaps = new double[expertRewards.length];
        for (int i = 0; i < expertRewards.length; i++) {
            expertGaps[i] = RewardGap.of(bounds[i], expertRewards[i]);
        }
        // How far the converged experts stay below what no policy on the ladder can pass.
        Json.put(o, "expert_gap_to_clairvoyant_bound", Spread.of(expertGaps).mean());
        JsonObject paper = new JsonObject();
        paper.addProperty("reward_gap_flash", Reproduction.PAPER_GAP_FLASH);
        paper.addProperty("reward_gap_transfer", Reproduction.PAPER_GAP_TRANSFER);
        paper.addProperty("adaptation_cost_ratio", Reproduction.PAPER_COST_RATIO);
        o.add("paper", paper);
        JsonObject sweep = new JsonObject();
        sweep.addProperty("chosen_learning_rate", r.sweep().chosen().learningRate());
        sweep.addProperty("chosen_anneal", r.sweep().chosen().anneal());
        sweep.addProperty("training_apps", r.sweep().trainApps());
        JsonArray cands = new JsonArray();
        for (int i = 0; i < r.sweep().candidates().size(); i++) {
            JsonObject c = new JsonObject();
            c.addProperty("learning_rate", r.sweep().candidates().get(i).learningRate());
            c.addProperty("anneal", r.sweep().candidates().get(i).anneal());
            Json.put(c, "mean_evaluated_reward_per_step", r.sweep().scores()[i]);
            cands.add(c);
        }
        sweep.add("candidates", cands);
        o.add("fine_tune_sweep", sweep);
        JsonObject experts = new JsonObject();
        experts.addProperty("built", r.expertsBuilt());
        experts.addProperty("from_cache", r.expertsCached());
        Json.put(experts, "build_seconds", r.expertSeconds());
        experts.addProperty("simulator_version", SIMULATOR_VERSION);
        o.add("experts", experts);
        JsonObject plan = new JsonObject();
        plan.addProperty("plan", r.plan().label());
        plan.addProperty("seed", r.plan().seed());
        plan.addProperty("train_iterations", r.plan().settings().iterations());
        plan.addProperty("context_length", r.plan().settings().contextLength());
        plan.addProperty("test_apps", r.yardstick().apps().size());
        plan.addProperty("online_episodes", r.plan().onlineEpisodes());
        plan.addProperty("eval_episodes", r.plan().evalEpisodes());
        plan.addProperty("operator_episodes", r.plan().operatorEpisodes());
        o.add("plan", plan);
        Json.put(o, "train_seconds", r.trainSeconds());
        Json.put(o, "total_seconds", r.totalSeconds());
        o.add("operator", ModelEvaluation.toJson(op));
        return o;
    }
}
