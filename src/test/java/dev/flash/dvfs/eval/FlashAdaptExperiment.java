package dev.flash.dvfs.eval;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.dvfs.train.DvfsApplications;
import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.dvfs.train.DvfsEvaluator;
import dev.flash.dvfs.train.DvfsTrainExperiment;
import dev.flash.dvfs.train.DvfsTrainer;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.ContextBuffer;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.PpoTrainer;
import dev.flash.sim.AppSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Not a test: the FLASH half of {@code flash reproduce dvfs} as a yardstick for context and
 * training settings (run pinned to one core). Trains FLASH with {@code key=value} overrides of
 * {@link DvfsTrainer.Settings#defaults} ({@link DvfsTrainExperiment#override} keys), adapts it on
 * the held-out applications exactly as {@link Reproduction#adapt} does, and scores it against the
 * transfer-learning curves of a previous {@code reproduce.json} ({@code tl=PATH}): valid as long
 * as the change leaves transfer learning alone (context settings do; iterations, rollout or
 * learning-rate changes do not, since the baseline trains with the same settings).
 * {@code evalEps=N[,M...]} changes the evaluation episodes per point (for FLASH only: compare with care).
 */
public final class FlashAdaptExperiment {
    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> extras = new java.util.HashMap<>();
        DvfsTrainer.Settings s = DvfsTrainExperiment.parse(args, DvfsTrainer.Settings.defaults(7), extras, "tl", "evalEps");
        // a comma list: each is evaluated on the one trained network
        String[] evalEpsList = extras.getOrDefault("evalEps", "" + Reproduction.Plan.full(7).evalEpisodes()).split(",");
        Path tl = extras.containsKey("tl") ? Path.of(extras.get("tl")) : null;
        if (tl == null) {
            throw new IllegalArgumentException("tl=PATH of a reproduce.json with transfer-learning curves is required");
        }
        JsonObject base = JsonParser.parseString(Files.readString(tl)).getAsJsonObject();
        JsonArray perApp = base.getAsJsonArray("per_app");
        Reproduction.Plan full = Reproduction.Plan.full(7);
        System.out.println("settings: " + s);
        long t0 = System.nanoTime();
        Djl.init();
        List<AppSpec> population = EvalApps.load(null, 7);
        DvfsApplications apps = new DvfsApplications(population, DvfsEnvironment.defaultNode(), s.env());
        try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork flash = FlashAgentNetwork.create(s.network(), manager, s.seed());
            new PpoTrainer(flash, s.ppo()).train(apps, null);
            double trainSec = (System.nanoTime() - t0) / 1e9;
            for (String es : evalEpsList) {
            int evalEps = Integer.parseInt(es);
            Reproduction.Plan plan = new Reproduction.Plan(false, s, full.testApps(), full.adaptEpisodes(), evalEps,
                    full.operatorEpisodes());
            int steps = s.env().episodeSteps();
            int n = Math.min(plan.testApps(), apps.size(Split.TEST));
            int[] ks = AdaptationMetrics.schedule(plan.adaptEpisodes());
            double[] expert = new double[n];
            double[] fStart = new double[n];
            double[] tStart = new double[n];
            double costF = 0;
            double costT = 0;
            List<Integer> costs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final int index = i;
                final int ee = evalEps;
                var evalEnvs = Reproduction.evaluationEpisodes(apps, index, plan);
                Reproduction.FlashRun run = Reproduction.adaptFlash(apps, index, flash, plan);
                double[][] fe = PpoTrainer.evaluateGreedy(flash, evalEnvs, ee, run.contexts());
                double[] frReward = AdaptationMetrics.pointMeans(fe, ee, steps);
                JsonObject b = perApp.get(i).getAsJsonObject();
                if (!b.get("app").getAsString().equals(apps.name(Split.TEST, i))) {
                    throw new IllegalStateException("app order differs: " + b.get("app") + " vs " + apps.name(Split.TEST, i));
                }
                JsonArray tArr = b.getAsJsonArray("transfer_eval_reward_per_step");
                double[] tr = new double[tArr.size()];
                for (int j = 0; j < tr.length; j++) {
                    tr[j] = tArr.get(j).getAsDouble();
                }
                AdaptationMetrics.Curve fc = new AdaptationMetrics.Curve(ks, frReward);
                AdaptationMetrics.Curve tc = new AdaptationMetrics.Curve(ks, tr);
                expert[i] = AdaptationMetrics.bestEvaluated(fc, tc);
                fStart[i] = fc.at(AdaptationMetrics.START_FLASH);
                tStart[i] = tc.at(AdaptationMetrics.START_TRANSFER);
                int cf = AdaptationMetrics.adaptationCost(fc, AdaptationMetrics.START_FLASH);
                int ct = AdaptationMetrics.adaptationCost(tc, AdaptationMetrics.START_TRANSFER);
                costF += cf;
                costT += ct;
                costs.add(cf);
                System.out.printf("  %-12s expert %.3f F start %.3f conv %.3f cost %3d | TL start %.3f cost %3d | F %s%n",
                        apps.name(Split.TEST, i), expert[i], fStart[i], AdaptationMetrics.convergedReward(fc), cf,
                        tStart[i], ct, java.util.Arrays.toString(java.util.Arrays.stream(frReward)
                                .mapToObj(x -> String.format("%.3f", x)).toArray()));
            }
            var held = DvfsEvaluator.evaluate(apps, Split.TEST, flash, s.evalEpisodes(), s.seed());
            long ones = costs.stream().filter(c -> c <= 1).count();
            System.out.printf("RESULT %s reset=%.2f iters=%d evalEps=%d | gapF %.4f gapT %.4f | costF %.2f costT %.2f ratio %.2f"
                            + " | costF<=1 on %d/%d | held-out %s | train %.0f s total %.0f s%n",
                    s.label(), s.contextResetProbability(), s.iterations(), evalEps,
                    AdaptationMetrics.pooledGap(expert, fStart), AdaptationMetrics.pooledGap(expert, tStart),
                    costF / n, costT / n, AdaptationMetrics.costRatio(costT / n, costF / n), ones, n, held.summary(),
                    trainSec, (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
