package dev.flash.dvfs.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Not a test: re-scores a {@code reproduce.json} written before
 * {@link Reproduction#crossValidatedGaps} existed, from the per-episode evaluation rewards every
 * such file keeps. Prints the headline gaps (recomputed, to check they match the file), the
 * cross-validated ones, and with {@code apps=FILE} (a file holding the held-out applications)
 * both again for the applications whose load noise (weighted by phase time) is above
 * {@code noise=X} (default 0.15) and for the rest.
 *
 * <pre>java -cp ... dev.flash.dvfs.eval.RescoreReproduction DIR/reproduce.json [apps=FILE [noise=X]]</pre>
 */
public final class RescoreReproduction {
    public static void main(String[] args) throws Exception {
        JsonObject root = JsonParser.parseString(Files.readString(Path.of(args[0]))).getAsJsonObject();
        int steps = root.getAsJsonObject("definitions").get("episode_steps").getAsInt();
        int m = root.getAsJsonObject("plan").get("eval_episodes").getAsInt();
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
        double[] in = Reproduction.figuresAt(apps, m);
        double[] cv = Reproduction.crossValidatedGaps(apps, m);
        System.out.printf("apps %d, eval episodes %d%n", apps.size(), m);
        System.out.printf("best evaluated expert:   gap FLASH %.1f%%, transfer %.1f%% (file: %.1f%%, %.1f%%)%n",
                100 * in[0], 100 * in[1], 100 * root.get("reward_gap_flash").getAsDouble(),
                100 * root.get("reward_gap_transfer").getAsDouble());
        System.out.printf("cross-validated expert:  gap FLASH %.1f%%, transfer %.1f%%%n", 100 * cv[0], 100 * cv[1]);
        if (args.length > 1) { // apps=FILE [noise=X]: the same by the noisiest phase of each application
            java.util.Map<String, String> kv = new java.util.HashMap<>();
            for (int i = 1; i < args.length; i++) {
                String[] p = args[i].split("=", 2);
                kv.put(p[0], p[1]);
            }
            double threshold = Double.parseDouble(kv.getOrDefault("noise", "0.15"));
            java.util.Map<String, Double> noise = new java.util.HashMap<>();
            for (dev.flash.sim.AppSpec spec : EvalApps.load(Path.of(kv.get("apps")))) {
                double time = spec.phases().stream().mapToDouble(dev.flash.sim.Phase::durationSeconds).sum();
                noise.put(spec.name(), spec.phases().stream()
                        .mapToDouble(p -> p.loadNoise() * p.durationSeconds()).sum() / time);
            }
            for (boolean bursty : new boolean[] {false, true}) {
                List<Reproduction.AppResult> group = apps.stream()
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
