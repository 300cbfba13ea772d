package dev.flash.dvfs.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * Re-scores finished {@code flash reproduce dvfs} runs from the per-episode evaluation rewards
 * their {@code reproduce.json} keeps, against a stronger expert than any one run has.
 *
 * <p>A run's expert is the best policy its own 200 episodes of fine-tuning (or FLASH's contexts)
 * reached; fine-tuning has often not converged by then, so the run's reward gaps are lower
 * bounds of the paper's (measured against an expert trained to convergence). Runs with the same
 * seed evaluate every point on the same episodes per held-out application (common random
 * numbers), so their points are comparable, and the best of all of them is an expert at least
 * as strong as any one run's. {@link #score} gives the first run's start points' gaps against
 * that pooled expert, both ways: best evaluated (picked and scored on the same episodes, biased
 * up by the pick's luck) and cross-validated ({@link AdaptationMetrics#crossValidatedExpert},
 * biased down); the true gap against this pool lies between them.
 *
 * <p>Reads only JSON (no DJL): {@code flash reproduce rescore} runs without the training stack.
 */
public final class ExpertPool {
    private ExpertPool() {
    }

    /** A reproduce.json that cannot be read or cannot be pooled with the others; names file and field. */
    public static final class InvalidRunException extends Exception {
        public InvalidRunException(String message) {
            super(message);
        }
    }

    /**
     * One held-out application of a run: its adaptation points and, per point, each evaluation
     * episode's total reward for each agent.
     */
    public record AppCurves(String app, int[] ks, double[][] flash, double[][] transfer) {

        /** FLASH's and transfer learning's curves from the first {@code m} evaluation episodes. */
        AdaptationMetrics.Curve flashCurve(int m, int steps) {
            return new AdaptationMetrics.Curve(ks, AdaptationMetrics.pointMeans(flash, m, steps));
        }

        AdaptationMetrics.Curve transferCurve(int m, int steps) {
            return new AdaptationMetrics.Curve(ks, AdaptationMetrics.pointMeans(transfer, m, steps));
        }

        /** Every evaluated policy of both agents: the expert's candidates. */
        List<double[]> candidates() {
            List<double[]> all = new ArrayList<>(List.of(flash));
            all.addAll(List.of(transfer));
            return all;
        }
    }

    /**
     * One finished run.
     *
     * @param kappa  the reward's penalty per unit of slowdown over the budget, NaN when the file
     *               predates recording it (then it cannot be checked)
     */
    public record Run(Path file, long seed, int evalEpisodes, int episodeSteps, double kappa, double budget,
                      List<AppCurves> apps) {
    }

    /** Gaps of one group of applications. */
    public record Gaps(int apps, double gapFlash, double gapTransfer, double gapFlashCrossValidated,
                       double gapTransferCrossValidated, double meanExpert, double meanFlashStart,
                       double meanTransferStart) {
    }

    /** Reads a reproduce.json; every missing or malformed field is named with the file. */
    public static Run load(Path file) throws InvalidRunException {
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new InvalidRunException(file + ": cannot read: " + e.getMessage());
        } catch (JsonParseException | IllegalStateException e) {
            throw new InvalidRunException(file + ": not a reproduce.json (JSON object expected): " + e.getMessage());
        }
        if (root.has("experts") && root.has("fine_tune_sweep")) {
            throw new InvalidRunException(file + ": a run of the yardstick reproduction, whose experts are already "
                    + "converged per application; rescore reads runs of the earlier method only");
        }
        try {
            JsonObject plan = object(root, "plan", file);
            JsonObject definitions = object(root, "definitions", file);
            int steps = definitions.get("episode_steps") == null ? -1 : definitions.get("episode_steps").getAsInt();
            if (steps <= 0) {
                throw new InvalidRunException(file + ": definitions.episode_steps missing or not positive");
            }
            int m = positiveInt(plan, "eval_episodes", file);
            if (plan.get("seed") == null) {
                throw new InvalidRunException(file + ": plan.seed missing");
            }
            long seed = plan.get("seed").getAsLong();
            double kappa = plan.has("kappa") ? plan.get("kappa").getAsDouble() : Double.NaN;
            double budget = plan.has("slowdown_budget") ? plan.get("slowdown_budget").getAsDouble() : Double.NaN;
            JsonArray perApp = root.getAsJsonArray("per_app");
            if (perApp == null || perApp.isEmpty()) {
                throw new InvalidRunException(file + ": per_app missing or empty");
            }
            List<AppCurves> apps = new ArrayList<>();
            for (int i = 0; i < perApp.size(); i++) {
                JsonObject a = perApp.get(i).getAsJsonObject();
                String where = file + ": per_app[" + i + "]";
                if (a.get("app") == null) {
                    throw new InvalidRunException(where + ".app missing");
                }
                int[] ks = ints(a, "adaptation_points_k", where);
                try {
                    new AdaptationMetrics.Curve(ks, new double[ks.length]);
                } catch (IllegalArgumentException e) {
                    throw new InvalidRunException(where + ".adaptation_points_k: " + e.getMessage());
                }
                double[][] flash = matrix(a, "flash_eval_episode_rewards", where, ks.length, m);
                double[][] transfer = matrix(a, "transfer_eval_episode_rewards", where, ks.length, m);
                apps.add(new AppCurves(a.get("app").getAsString(), ks, flash, transfer));
            }
            return new Run(file, seed, m, steps, kappa, budget, List.copyOf(apps));
        } catch (ClassCastException | IllegalStateException | NumberFormatException | UnsupportedOperationException e) {
            throw new InvalidRunException(file + ": malformed field: " + e.getMessage());
        }
    }

    /**
     * Per application of the first run (in its order): the expert pooled over every run's
     * evaluated points, best evaluated and cross-validated, and the first run's start points
     * (FLASH at k = 1, transfer learning at k = 0). Reward per step.
     */
    public record PerApp(double[] expert, double[] expertCrossValidated, double[] flashStart,
                         double[] transferStart) {

        /** The gaps of the applications {@code include} accepts (indexes), pooled over them. */
        public Gaps gaps(IntPredicate include) {
            int[] idx = java.util.stream.IntStream.range(0, expert.length).filter(include).toArray();
            double[] e = pick(expert, idx);
            double[] ec = pick(expertCrossValidated, idx);
            double[] f = pick(flashStart, idx);
            double[] t = pick(transferStart, idx);
            return new Gaps(idx.length, AdaptationMetrics.pooledGap(e, f), AdaptationMetrics.pooledGap(e, t),
                    AdaptationMetrics.pooledGap(ec, f), AdaptationMetrics.pooledGap(ec, t), mean(e), mean(f), mean(t));
        }

        private static double[] pick(double[] v, int[] idx) {
            return java.util.Arrays.stream(idx).mapToDouble(i -> v[i]).toArray();
        }
    }

    /**
     * The first run's start points against the expert pooled over every run's evaluated points;
     * with one run, its own expert.
     *
     * @throws InvalidRunException when a run's evaluation episodes are not the first run's
     *                             (another seed, episode length, evaluation count, reward or
     *                             held-out applications)
     */
    public static PerApp perApp(List<Run> runs) throws InvalidRunException {
        Run first = runs.get(0);
        for (Run r : runs) {
            checkComparable(first, r);
        }
        return perApp(runs.stream().map(Run::apps).toList(), first.evalEpisodes(), first.episodeSteps());
    }

    /** {@link #perApp(List)} of runs already known to share their evaluation episodes. */
    static PerApp perApp(List<List<AppCurves>> runs, int m, int steps) {
        List<AppCurves> first = runs.get(0);
        int n = first.size();
        PerApp out = new PerApp(new double[n], new double[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++) {
            double best = Double.NEGATIVE_INFINITY;
            List<double[]> candidates = new ArrayList<>();
            for (List<AppCurves> run : runs) {
                AppCurves a = run.get(i);
                AdaptationMetrics.Curve flash = a.flashCurve(m, steps);
                AdaptationMetrics.Curve transfer = a.transferCurve(m, steps);
                best = Math.max(best, AdaptationMetrics.bestEvaluated(flash, transfer));
                candidates.addAll(a.candidates());
                if (run == first) {
                    out.flashStart()[i] = flash.at(AdaptationMetrics.START_FLASH);
                    out.transferStart()[i] = transfer.at(AdaptationMetrics.START_TRANSFER);
                }
            }
            out.expert()[i] = best;
            out.expertCrossValidated()[i] = AdaptationMetrics.crossValidatedExpert(candidates, m, steps);
        }
        return out;
    }

    /** {@code perApp(runs).gaps(include)}. */
    public static Gaps score(List<Run> runs, IntPredicate include) throws InvalidRunException {
        return perApp(runs).gaps(include);
    }

    /** Same evaluation episodes: same seed, episode length, evaluation count, reward and applications in order. */
    static void checkComparable(Run first, Run r) throws InvalidRunException {
        String both = r.file() + " cannot be pooled with " + first.file() + ": ";
        if (r.seed() != first.seed()) {
            throw new InvalidRunException(both + "plan.seed " + r.seed() + " vs " + first.seed()
                    + " (another seed plays other evaluation episodes)");
        }
        if (r.evalEpisodes() != first.evalEpisodes()) {
            throw new InvalidRunException(both + "plan.eval_episodes " + r.evalEpisodes() + " vs " + first.evalEpisodes());
        }
        if (r.episodeSteps() != first.episodeSteps()) {
            throw new InvalidRunException(both + "definitions.episode_steps " + r.episodeSteps() + " vs "
                    + first.episodeSteps());
        }
        if (differs(r.kappa(), first.kappa()) || differs(r.budget(), first.budget())) {
            throw new InvalidRunException(both + "plan.kappa/plan.slowdown_budget " + r.kappa() + "/" + r.budget()
                    + " vs " + first.kappa() + "/" + first.budget() + " (another reward)");
        }
        if (r.apps().size() != first.apps().size()) {
            throw new InvalidRunException(both + "per_app has " + r.apps().size() + " applications vs "
                    + first.apps().size());
        }
        for (int i = 0; i < r.apps().size(); i++) {
            if (!Objects.equals(r.apps().get(i).app(), first.apps().get(i).app())) {
                throw new InvalidRunException(both + "per_app[" + i + "] is " + r.apps().get(i).app() + ", not "
                        + first.apps().get(i).app() + " (other held-out applications)");
            }
        }
    }

    /** Both known and different (a file from before kappa was recorded matches any). */
    private static boolean differs(double a, double b) {
        return !Double.isNaN(a) && !Double.isNaN(b) && a != b;
    }

    private static JsonObject object(JsonObject root, String key, Path file) throws InvalidRunException {
        JsonElement e = root.get(key);
        if (e == null || !e.isJsonObject()) {
            throw new InvalidRunException(file + ": " + key + " missing");
        }
        return e.getAsJsonObject();
    }

    private static int positiveInt(JsonObject o, String key, Path file) throws InvalidRunException {
        JsonElement e = o.get(key);
        if (e == null || e.getAsInt() < 1) {
            throw new InvalidRunException(file + ": plan." + key + " missing or not positive");
        }
        return e.getAsInt();
    }

    private static int[] ints(JsonObject a, String key, String where) throws InvalidRunException {
        JsonArray arr = a.getAsJsonArray(key);
        if (arr == null || arr.isEmpty()) {
            throw new InvalidRunException(where + "." + key + " missing or empty");
        }
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).getAsInt();
        }
        return out;
    }

    /** [point][episode]; one row per adaptation point, at least {@code m} episodes each. */
    private static double[][] matrix(JsonObject a, String key, String where, int points, int m)
            throws InvalidRunException {
        JsonArray arr = a.getAsJsonArray(key);
        if (arr == null || arr.size() != points) {
            throw new InvalidRunException(where + "." + key + (arr == null ? " missing" : " has " + arr.size()
                    + " points, adaptation_points_k " + points));
        }
        double[][] out = new double[points][];
        for (int i = 0; i < points; i++) {
            JsonArray row = arr.get(i).getAsJsonArray();
            if (row.size() < m) {
                throw new InvalidRunException(where + "." + key + "[" + i + "] has " + row.size()
                        + " evaluation episodes, plan.eval_episodes " + m);
            }
            out[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                out[i][j] = row.get(j).getAsDouble();
            }
        }
        return out;
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }
}
