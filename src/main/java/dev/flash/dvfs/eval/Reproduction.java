package dev.flash.dvfs.eval;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.dvfs.train.DvfsApplications;
import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.dvfs.train.DvfsTrainer;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.AdaptationResult;
import dev.flash.meta.ContextBuffer;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.IterationMetrics;
import dev.flash.meta.OnnxExport;
import dev.flash.meta.PpoTrainer;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppSpec;
import dev.flash.sim.NodeSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FLASH case III (CPU frequency scaling) side by side with transfer learning, on the simulated
 * node:
 *
 * <ol>
 *   <li>meta-train FLASH (PPO + context encoder) on the training applications, and pre-train the
 *       transfer-learning baseline (the same PPO, no context) with the same settings;</li>
 *   <li>on each held-out application: FLASH adapts from context only
 *       ({@link PpoTrainer#adaptFrozen}, no weight update); transfer learning fine-tunes a copy
 *       of its pre-trained network with PPO ({@link PpoTrainer#fineTune}) for the same number of
 *       episodes, and that run continued to its plateau is the per-application expert;</li>
 *   <li>reward gap and adaptation cost ({@link AdaptationMetrics}) of both;</li>
 *   <li>the operator view: both networks exported to ONNX and run as flashd runs them
 *       ({@link OperatorEvaluation}) next to the governors, the fallback and the oracle.</li>
 * </ol>
 *
 * Both adaptation curves are on-policy: actions sampled from the policy, as PPO fine-tuning
 * needs; the operator view uses the daemon's argmax.
 */
public final class Reproduction {
    private Reproduction() {
    }

    /** The paper's case III figures (FLASH README). */
    public static final double PAPER_GAP_TRANSFER = 0.39;
    public static final double PAPER_GAP_FLASH = 0.071;
    public static final double PAPER_IMPROVEMENT = 0.818;
    public static final double PAPER_COST_RATIO = 9.2;

    /** Expert plateau: last 10 episodes improved by less than 2% on the 10 before. */
    public static final int EXPERT_WINDOW = 10;
    public static final double EXPERT_PLATEAU = 0.02;

    /**
     * What to run.
     *
     * @param settings          FLASH's training settings ({@code flash train dvfs}); the baseline
     *                          uses the same with C = 0
     * @param testApps          held-out applications adapted to (the first ones of the split)
     * @param adaptEpisodes     episodes per held-out application, for both agents
     * @param operatorEpisodes  operator-view episodes per held-out application (all of them)
     */
    public record Plan(boolean quick, DvfsTrainer.Settings settings, int testApps, int adaptEpisodes,
                       int operatorEpisodes) {

        public static Plan full(long seed) {
            return new Plan(false, DvfsTrainer.Settings.defaults(seed), 40, 200, 10);
        }

        public static Plan quick(long seed) {
            return new Plan(true, DvfsTrainer.Settings.defaults(seed).withIterations(60), 5, 60, 2);
        }

        public long seed() {
            return settings.seed();
        }
    }

    /** One held-out application's adaptation. */
    public record AppResult(String app, List<Double> flash, List<Double> transfer, double expertReward,
                            boolean expertConverged, double gapFlash, double gapTransfer, int costFlash,
                            int costTransfer, boolean transferCensored, double cpuPerEpisodeFlash,
                            double cpuPerEpisodeTransfer) {
    }

    /** Everything measured. */
    public record Result(Plan plan, List<AppResult> apps, double gapFlash, double gapTransfer,
                         double costFlashEpisodes, double costTransferEpisodes, double costFlashCpu,
                         double costTransferCpu, OperatorEvaluation.Report operator, List<IterationMetrics> flashCurve,
                         List<IterationMetrics> transferCurve, double trainSeconds, double totalSeconds,
                         int episodeSteps) {

        public double costRatioEpisodes() {
            return AdaptationMetrics.costRatio(costTransferEpisodes, costFlashEpisodes);
        }

        public double costRatioCpu() {
            return AdaptationMetrics.costRatio(costTransferCpu, costFlashCpu);
        }

        public double gapImprovement() {
            return AdaptationMetrics.relativeImprovement(gapTransfer, gapFlash);
        }
    }

    /** Progress callbacks: phase name, step, total. */
    public interface Listener {
        void phase(String name, int total);

        void step(String detail);
    }

    /** Runs everything; writes the two ONNX models into {@code modelDir}. */
    public static Result run(List<AppSpec> population, Plan plan, Path modelDir, Listener listener)
            throws IOException, ModelRejectedException, InterruptedException {
        long start = System.nanoTime();
        Djl.init();
        DvfsTrainer.Settings flashSettings = plan.settings();
        DvfsTrainer.Settings baseSettings = flashSettings.withContextLength(0);
        DvfsApplications apps = new DvfsApplications(population, DvfsEnvironment.defaultNode(), flashSettings.env());
        int tests = Math.min(plan.testApps(), apps.size(Split.TEST));
        if (tests == 0) {
            throw new IllegalArgumentException("no held-out applications");
        }
        // Everything on the calling thread: DJL's PyTorch engine allows one gradient collector at
        // a time per process, and PyTorch's grad mode is per thread (on by default in new threads,
        // which breaks in-place weight initialisation), so training and fine-tuning cannot overlap.
        try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE)) {
            // 1. Meta-train FLASH, then pre-train the baseline with the same settings.
            FlashAgentNetwork flash = FlashAgentNetwork.create(flashSettings.network(), manager, flashSettings.seed());
            FlashAgentNetwork base = FlashAgentNetwork.create(baseSettings.network(), manager, baseSettings.seed());
            PpoTrainer flashTrainer = new PpoTrainer(flash, flashSettings.ppo());
            PpoTrainer baseTrainer = new PpoTrainer(base, baseSettings.ppo());
            listener.phase("train FLASH + baseline", 2 * flashSettings.iterations());
            List<IterationMetrics> flashCurve = flashTrainer.train(apps,
                    (m, total) -> listener.step(String.format(java.util.Locale.ROOT, "FLASH it %d reward/step %.3f",
                            m.iteration(), m.stepRewardMean())));
            List<IterationMetrics> baseCurve = baseTrainer.train(apps,
                    (m, total) -> listener.step(String.format(java.util.Locale.ROOT, "PPO it %d reward/step %.3f",
                            m.iteration(), m.stepRewardMean())));
            double trainSeconds = (System.nanoTime() - start) / 1e9;

            // 2. Adapt on held-out applications.
            listener.phase("adapt on held-out apps", tests);
            List<AppResult> results = new ArrayList<>();
            for (int i = 0; i < tests; i++) {
                AppResult r = adapt(apps, i, flash, base, baseSettings, plan, manager);
                listener.step(String.format(java.util.Locale.ROOT, "%s gap FLASH %.1f%% TL %.1f%%", r.app(),
                        100 * r.gapFlash(), 100 * r.gapTransfer()));
                results.add(r);
            }

            // 3. Operator view through ONNX, as flashd runs the models.
            double[] ctxReward = {0, 1};
            String provenance = provenance(plan);
            Path flashModel = modelDir.resolve("flash-dvfs.onnx");
            Path baseModel = modelDir.resolve("transfer-pretrained-dvfs.onnx");
            OnnxExport.write(flash, DvfsTrainer.metadata(flashSettings, ctxReward, provenance), flashModel);
            OnnxExport.write(base, DvfsTrainer.metadata(baseSettings, ctxReward, provenance), baseModel);
            List<AppSpec> heldOut = apps.apps(Split.TEST);
            listener.phase("operator view", heldOut.size() * (OperatorEvaluation.referenceAgents().size() + 2));
            OperatorEvaluation.Report report;
            try (OnnxDvfsPolicy fp = OnnxDvfsPolicy.load(flashModel);
                 OnnxDvfsPolicy bp = OnnxDvfsPolicy.load(baseModel)) {
                Map<String, OperatorEvaluation.Agent> agents = new LinkedHashMap<>();
                agents.put("flash", n -> fp);
                agents.put("transfer-pretrained", n -> bp);
                NodeSpec node = dev.flash.sim.SimSpec.embeddedDefault().node();
                double seconds = plan.operatorEpisodes() * flashSettings.env().episodeSteps() * DvfsEnvironment.STEP_SECONDS;
                report = OperatorEvaluation.evaluate(agents, Map.of("flash", fp.description().contextLength()),
                        fp.description().actions().size(), node, heldOut, seconds, plan.seed(),
                        (agent, app) -> listener.step(agent + " on " + app));
            }

            // 4. Aggregate: pooled gaps (sum over apps) so an app whose best is ~0 cannot dominate.
            double expertSum = 0;
            double flashStart = 0;
            double tlStart = 0;
            double costF = 0;
            double costT = 0;
            double cpuF = 0;
            double cpuT = 0;
            for (AppResult r : results) {
                expertSum += r.expertReward();
                flashStart += AdaptationMetrics.startReward(r.flash(), AdaptationMetrics.START_EPISODES);
                tlStart += AdaptationMetrics.startReward(r.transfer(), AdaptationMetrics.START_EPISODES);
                costF += r.costFlash();
                costT += r.costTransfer();
                cpuF += r.costFlash() * r.cpuPerEpisodeFlash();
                cpuT += r.costTransfer() * r.cpuPerEpisodeTransfer();
            }
            int n = results.size();
            double gapF = (expertSum - flashStart) / Math.abs(expertSum);
            double gapT = (expertSum - tlStart) / Math.abs(expertSum);
            return new Result(plan, results, gapF, gapT, costF / n, costT / n, cpuF / n, cpuT / n, report, flashCurve,
                    baseCurve, trainSeconds, (System.nanoTime() - start) / 1e9, flashSettings.env().episodeSteps());
        }
    }

    /** FLASH frozen and transfer learning fine-tuning on held-out application {@code index}. */
    static AppResult adapt(DvfsApplications apps, int index, FlashAgentNetwork flash, FlashAgentNetwork base,
                           DvfsTrainer.Settings baseSettings, Plan plan, NDManager manager) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long seed = DvfsApplications.episodeSeed(plan.seed(), Split.TEST, index);
        int episodes = plan.adaptEpisodes();
        String name = apps.name(Split.TEST, index);

        ContextBuffer ctx = new ContextBuffer(flash.config().contextLength(), flash.config().stateSize(),
                flash.config().actionCount(), ContextBuffer.Mode.LATEST, 1);
        long c0 = mx.getCurrentThreadCpuTime();
        AdaptationResult f = PpoTrainer.adaptFrozen(flash, apps.environment(Split.TEST, index, seed), episodes, false,
                ctx, seed);
        double cpuF = (mx.getCurrentThreadCpuTime() - c0) / 1e9 / episodes;

        AdaptationResult t;
        double cpuT;
        try (NDManager sub = manager.newSubManager()) {
            FlashAgentNetwork copy = base.copy(sub);
            PpoTrainer tuner = new PpoTrainer(copy, baseSettings.ppo().withSeed(seed));
            long c1 = mx.getCurrentThreadCpuTime();
            t = tuner.fineTune(apps.environment(Split.TEST, index, seed), episodes);
            cpuT = (mx.getCurrentThreadCpuTime() - c1) / 1e9 / episodes;
        }
        List<Double> fc = f.episodeRewards();
        List<Double> tc = t.episodeRewards();
        double expert = AdaptationMetrics.convergedReward(tc, EXPERT_WINDOW);
        boolean converged = AdaptationMetrics.plateaued(tc, EXPERT_WINDOW, EXPERT_PLATEAU);
        double floor = 0.01 * baseSettings.env().episodeSteps(); // 0.01 reward per step
        int costF = AdaptationMetrics.adaptationCostWithNoise(fc, AdaptationMetrics.COST_TOLERANCE,
                AdaptationMetrics.COST_SMOOTHING, AdaptationMetrics.CONVERGED_TAIL, floor);
        int costT = AdaptationMetrics.adaptationCostWithNoise(tc, AdaptationMetrics.COST_TOLERANCE,
                AdaptationMetrics.COST_SMOOTHING, AdaptationMetrics.CONVERGED_TAIL, floor);
        return new AppResult(name, fc, tc, expert, converged,
                AdaptationMetrics.rewardGap(expert, fc, AdaptationMetrics.START_EPISODES),
                AdaptationMetrics.rewardGap(expert, tc, AdaptationMetrics.START_EPISODES), costF, costT,
                costT >= tc.size(), cpuF, cpuT);
    }

    static String provenance(Plan plan) {
        JsonObject o = new JsonObject();
        o.addProperty("command", "flash reproduce dvfs" + (plan.quick() ? " --quick" : ""));
        o.addProperty("seed", plan.seed());
        o.addProperty("date", java.time.Instant.now().toString());
        return Json.COMPACT.toJson(o);
    }


    /** The result as one JSON object (the --json output and reproduce.json). */
    public static JsonObject toJson(Result r) {
        JsonObject o = new JsonObject();
        Json.put(o, "reward_gap_flash", r.gapFlash());
        Json.put(o, "reward_gap_transfer", r.gapTransfer());
        Json.put(o, "reward_gap_improvement", r.gapImprovement());
        Json.put(o, "adaptation_cost_ratio", r.costRatioEpisodes());
        Json.put(o, "adaptation_cost_ratio_cpu", r.costRatioCpu());
        Json.put(o, "adaptation_cost_flash_episodes", r.costFlashEpisodes());
        Json.put(o, "adaptation_cost_transfer_episodes", r.costTransferEpisodes());
        Json.put(o, "adaptation_cost_flash_cpu_seconds", r.costFlashCpu());
        Json.put(o, "adaptation_cost_transfer_cpu_seconds", r.costTransferCpu());
        OperatorEvaluation.Row flash = r.operator().overall("flash");
        Json.put(o, "energy_saving_vs_performance", flash.energySaving());
        Json.put(o, "slowdown_vs_performance", flash.slowdown());
        Json.put(o, "share_of_oracle_saving", flash.shareOfOracleSaving());
        o.addProperty("slowdown_budget_held", flash.budgetHeld());
        JsonObject paper = new JsonObject();
        paper.addProperty("reward_gap_flash", PAPER_GAP_FLASH);
        paper.addProperty("reward_gap_transfer", PAPER_GAP_TRANSFER);
        paper.addProperty("reward_gap_improvement", PAPER_IMPROVEMENT);
        paper.addProperty("adaptation_cost_ratio", PAPER_COST_RATIO);
        o.add("paper", paper);
        JsonObject def = new JsonObject();
        def.addProperty("start_episodes_k", AdaptationMetrics.START_EPISODES);
        def.addProperty("cost_tolerance", AdaptationMetrics.COST_TOLERANCE);
        def.addProperty("cost_smoothing_episodes", AdaptationMetrics.COST_SMOOTHING);
        def.addProperty("converged_tail_episodes", AdaptationMetrics.CONVERGED_TAIL);
        def.addProperty("cost_noise_band_standard_errors", AdaptationMetrics.NOISE_Z);
        def.addProperty("expert_window_episodes", EXPERT_WINDOW);
        def.addProperty("expert_plateau_tolerance", EXPERT_PLATEAU);
        def.addProperty("episode_steps", r.episodeSteps());
        def.addProperty("gap_aggregation", "pooled: (sum expert - sum start) / |sum expert| over held-out apps");
        o.add("definitions", def);
        JsonObject plan = new JsonObject();
        plan.addProperty("quick", r.plan().quick());
        plan.addProperty("seed", r.plan().seed());
        plan.addProperty("train_iterations", r.plan().settings().iterations());
        plan.addProperty("num_envs", r.plan().settings().numEnvs());
        plan.addProperty("rollout_steps", r.plan().settings().rolloutSteps());
        plan.addProperty("context_length", r.plan().settings().contextLength());
        plan.addProperty("encoder", r.plan().settings().encoder().name());
        plan.addProperty("test_apps_adapted", r.apps().size());
        plan.addProperty("adapt_episodes", r.plan().adaptEpisodes());
        plan.addProperty("operator_episodes", r.plan().operatorEpisodes());
        o.add("plan", plan);
        Json.put(o, "train_seconds", r.trainSeconds());
        Json.put(o, "total_seconds", r.totalSeconds());
        JsonObject training = new JsonObject();
        training.add("flash_reward_per_step", Json.array(r.flashCurve().stream().map(IterationMetrics::stepRewardMean).toList()));
        training.add("transfer_reward_per_step", Json.array(r.transferCurve().stream().map(IterationMetrics::stepRewardMean).toList()));
        o.add("training", training);
        JsonArray apps = new JsonArray();
        for (AppResult a : r.apps()) {
            JsonObject j = new JsonObject();
            j.addProperty("app", a.app());
            Json.put(j, "expert_reward", a.expertReward());
            j.addProperty("expert_converged", a.expertConverged());
            Json.put(j, "reward_gap_flash", a.gapFlash());
            Json.put(j, "reward_gap_transfer", a.gapTransfer());
            j.addProperty("adaptation_cost_flash_episodes", a.costFlash());
            j.addProperty("adaptation_cost_transfer_episodes", a.costTransfer());
            j.addProperty("transfer_cost_censored", a.transferCensored());
            Json.put(j, "cpu_seconds_per_episode_flash", a.cpuPerEpisodeFlash());
            Json.put(j, "cpu_seconds_per_episode_transfer", a.cpuPerEpisodeTransfer());
            j.add("flash_episode_rewards", Json.array(a.flash()));
            j.add("transfer_episode_rewards", Json.array(a.transfer()));
            apps.add(j);
        }
        o.add("per_app", apps);
        o.add("operator", ModelEvaluation.toJson(r.operator()));
        return o;
    }
}
