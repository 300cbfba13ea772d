package dev.flash.dvfs.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.sim.AppSpec;
import dev.flash.sim.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Not a test: re-scores a {@code reproduce.json} from the per-episode evaluation rewards every
 * such file keeps. Prints
 *
 * <ul>
 *   <li>the headline gaps, recomputed (to check they match the file), and the gaps against
 *       {@link Reproduction#crossValidatedGaps the cross-validated expert};</li>
 *   <li>with {@code apps=FILE} (a file holding the held-out applications), both again for the
 *       applications whose load noise, weighted by phase time, is above {@code noise=X}
 *       (default 0.15) and for the rest;</li>
 *   <li>with more {@code reproduce.json} files of other runs on the same held-out applications
 *       and evaluation episodes (same seed), the gaps of the first run against an expert pooled
 *       over every evaluated point of every run. A run's expert is only as good as the policies
 *       its own fine-tuning reached from its own pre-trained network; another run's can reach
 *       higher, and the gap against the best any run reached is the fairer one.</li>
 * </ul>
 *
 * <pre>java -cp ... dev.flash.dvfs.eval.RescoreReproduction RUN/reproduce.json [OTHER/reproduce.json...] [apps=FILE [noise=X]]</pre>
 */
public final class RescoreReproduction {

    /** One run: its held-out applications' results and what fixes its evaluation episodes. */
    record Run(Path file, JsonObject root, List<Reproduction.AppResult> apps, int evalEpisodes, long seed) {
    }

    public static void main(String[] args) throws Exception {
        List<Run> runs = new ArrayList<>();
        Map<String, String> kv = new HashMap<>();
        for (String a : args) {
            if (a.contains("=")) {
                String[] p = a.split("=", 2);
                kv.put(p[0], p[1]);
            } else {
                runs.add(load(Path.of(a)));
            }
        }
        Run run = runs.get(0);
        int m = run.evalEpisodes();
        double[] in = Reproduction.figuresAt(run.apps(), m);
        double[] cv = Reproduction.crossValidatedGaps(run.apps(), m);
        System.out.printf("apps %d, eval episodes %d%n", run.apps().size(), m);
        System.out.printf("best evaluated expert:   gap FLASH %.1f%%, transfer %.1f%% (file: %.1f%%, %.1f%%)%n",
                100 * in[0], 100 * in[1], 100 * run.root().get("reward_gap_flash").getAsDouble(),
                100 * run.root().get("reward_gap_transfer").getAsDouble());
        System.out.printf("cross-validated expert:  gap FLASH %.1f%%, transfer %.1f%%%n", 100 * cv[0], 100 * cv[1]);
        double threshold = Double.parseDouble(kv.getOrDefault("noise", "0.15"));
        Map<String, Double> noise = kv.containsKey("apps") ? noise(Path.of(kv.get("apps"))) : Map.of();
        if (!noise.isEmpty()) {
            byNoise(run, noise, threshold);
        }
        if (runs.size() > 1) {
            pooled(runs, noise, threshold);
        }
    }

    static Run load(Path file) throws Exception {
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        int steps = root.getAsJsonObject("definitions").get("episode_steps").getAsInt();
        int m = root.getAsJsonObject("plan").get("eval_episodes").getAsInt();
        long seed = root.getAsJsonObject("plan").get("seed").getAsLong();
        List<Reproduction.AppResult> apps = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray("per_app")) {
            JsonObject a = e.getAsJsonObject();
            int[] ks = ints(a.getAsJsonArray("adaptation_points_k"));
            double[][] flash = matrix(a.getAsJsonArray("flash_eval_episode_rewards"));
            double[][] transfer = matrix(a.getAsJsonArray("transfer_eval_episode_rewards"));
            Reproduction.Scored sc = Reproduction.Scored.of(ks, flash, transfer, m, steps);
            apps.add(new Reproduction.AppResult(a.get("app").getAsString(), sc.flash(), sc.transfer(), List.of(),
                    List.of(), sc.expert(), Double.NaN, false, Double.NaN, sc.gapFlash(), sc.gapTransfer(),
                    sc.costFlash(), sc.costTransfer(), false, false, 0, 0, 0, flash, transfer, steps));
        }
        return new Run(file, root, apps, m, seed);
    }

    /** Each application's load noise, weighted by phase time. */
    private static Map<String, Double> noise(Path appsFile) throws Exception {
        Map<String, Double> noise = new HashMap<>();
        for (AppSpec spec : EvalApps.load(appsFile)) {
            double time = spec.phases().stream().mapToDouble(Phase::durationSeconds).sum();
            noise.put(spec.name(), spec.phases().stream()
                    .mapToDouble(p -> p.loadNoise() * p.durationSeconds()).sum() / time);
        }
        return noise;
    }

    private static void byNoise(Run run, Map<String, Double> noise, double threshold) {
        int m = run.evalEpisodes();
        for (boolean bursty : new boolean[] {false, true}) {
            List<Reproduction.AppResult> group = run.apps().stream()
                    .filter(a -> noise.getOrDefault(a.app(), 0.0) > threshold == bursty).toList();
            if (group.isEmpty()) {
                continue;
            }
            double[] g = Reproduction.figuresAt(group, m);
            double[] c = Reproduction.crossValidatedGaps(group, m);
            System.out.printf("load noise %s %.2f (%d apps): gap FLASH %.1f%% (cross-validated %.1f%%), "
                    + "transfer %.1f%% (%.1f%%)%n", bursty ? ">" : "<=", threshold, group.size(), 100 * g[0],
                    100 * c[0], 100 * g[1], 100 * c[1]);
        }
    }

    /** The first run's start rewards against experts pooled over every run's evaluated points. */
    private static void pooled(List<Run> runs, Map<String, Double> noise, double threshold) {
        Run first = runs.get(0);
        int m = first.evalEpisodes();
        for (Run r : runs) {
            if (r.evalEpisodes() != m || r.seed() != first.seed() || r.apps().size() != first.apps().size()) {
                throw new IllegalArgumentException(r.file() + ": another seed, evaluation or application count than "
                        + first.file() + ": its evaluation episodes are not the same");
            }
        }
        int n = first.apps().size();
        double[] bestIn = new double[n];
        double[] bestCv = new double[n];
        for (int i = 0; i < n; i++) {
            List<double[]> candidates = new ArrayList<>();
            double best = Double.NEGATIVE_INFINITY;
            for (Run r : runs) {
                Reproduction.AppResult a = r.apps().get(i);
                if (!a.app().equals(first.apps().get(i).app())) {
                    throw new IllegalArgumentException(r.file() + ": application " + i + " is " + a.app() + ", not "
                            + first.apps().get(i).app());
                }
                candidates.addAll(List.of(a.flashEvalEpisodes()));
                candidates.addAll(List.of(a.transferEvalEpisodes()));
                best = Math.max(best, a.expertReward());
            }
            bestIn[i] = best;
            bestCv[i] = AdaptationMetrics.crossValidatedExpert(candidates, m, first.apps().get(i).episodeSteps());
        }
        String label = "expert pooled over " + runs.size() + " runs";
        printPooled(label, first.apps(), bestIn, bestCv, i -> true);
        if (!noise.isEmpty()) {
            for (boolean bursty : new boolean[] {false, true}) {
                printPooled(String.format("  load noise %s %.2f", bursty ? ">" : "<=", threshold), first.apps(), bestIn,
                        bestCv, i -> noise.getOrDefault(first.apps().get(i).app(), 0.0) > threshold == bursty);
            }
        }
    }

    private static void printPooled(String label, List<Reproduction.AppResult> apps, double[] bestIn, double[] bestCv,
                                    java.util.function.IntPredicate include) {
        int[] idx = java.util.stream.IntStream.range(0, apps.size()).filter(include).toArray();
        if (idx.length == 0) {
            return;
        }
        double[] in = new double[idx.length];
        double[] cv = new double[idx.length];
        double[] own = new double[idx.length];
        double[] f = new double[idx.length];
        double[] t = new double[idx.length];
        for (int j = 0; j < idx.length; j++) {
            Reproduction.AppResult a = apps.get(idx[j]);
            in[j] = bestIn[idx[j]];
            cv[j] = bestCv[idx[j]];
            own[j] = a.expertReward();
            f[j] = a.flashStart();
            t[j] = a.transferStart();
        }
        System.out.printf("%s (%d apps): gap FLASH %.1f%% (cross-validated %.1f%%), transfer %.1f%% (%.1f%%); "
                        + "mean per step: expert %.4f (this run's own %.4f), FLASH start %.4f%n", label, idx.length,
                100 * AdaptationMetrics.pooledGap(in, f), 100 * AdaptationMetrics.pooledGap(cv, f),
                100 * AdaptationMetrics.pooledGap(in, t), 100 * AdaptationMetrics.pooledGap(cv, t), mean(in), mean(own),
                mean(f));
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static double[][] matrix(JsonArray a) {
        double[][] out = new double[a.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonArray row = a.get(i).getAsJsonArray();
            out[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                out[i][j] = row.get(j).getAsDouble();
            }
        }
        return out;
    }
}
