package dev.flash.configsearch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The non-learned reference a careful engineer tries first: predict the target at configuration
 * b from a shot measured at a as {@code y_a * r(a, b)}, with r the median of {@code y_b / y_a}
 * over the training workloads that measured both; with several shots, the geometric mean of the
 * per-shot predictions. A pair no training workload measured falls back to the ratio of the two
 * configurations' typical levels (median over workloads of the log target minus the workload's
 * mean log target); a configuration never seen has level 0.
 *
 * <p>Works in log space throughout: {@link #predictLog} returns log(target).
 */
public final class RatioReference implements LogPredictor {

    private final Target target;
    private final List<String> configs;
    private final Map<String, Integer> index = new HashMap<>();
    /** median log(y_b / y_a); NaN where no training workload measured both. */
    private final double[][] logRatio;
    private final double[] level;

    private RatioReference(Target target, List<String> configs, double[][] logRatio, double[] level) {
        this.target = target;
        this.configs = List.copyOf(configs);
        this.logRatio = logRatio;
        this.level = level;
        for (int i = 0; i < configs.size(); i++) {
            index.put(configs.get(i), i);
        }
    }

    /** Fits the medians on {@code training} workloads. */
    public static RatioReference fit(List<Workload> training, Target target) {
        List<String> configs = new ArrayList<>();
        Map<String, Integer> idx = new HashMap<>();
        for (Workload w : training) {
            for (Measurement m : w.measurements()) {
                if (idx.putIfAbsent(m.configKey(), configs.size()) == null) {
                    configs.add(m.configKey());
                }
            }
        }
        int n = configs.size();
        List<List<Double>> pairs = new ArrayList<>(n * n);
        for (int i = 0; i < n * n; i++) {
            pairs.add(null);
        }
        List<List<Double>> levels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            levels.add(new ArrayList<>());
        }
        for (Workload w : training) {
            int m = w.size();
            int[] ci = new int[m];
            double[] ly = new double[m];
            double mean = 0;
            for (int i = 0; i < m; i++) {
                ci[i] = idx.get(w.get(i).configKey());
                ly[i] = Math.log(w.get(i).target(target));
                mean += ly[i] / m;
            }
            for (int i = 0; i < m; i++) {
                levels.get(ci[i]).add(ly[i] - mean);
                for (int j = 0; j < m; j++) {
                    int p = ci[i] * n + ci[j];
                    if (pairs.get(p) == null) {
                        pairs.set(p, new ArrayList<>());
                    }
                    pairs.get(p).add(ly[j] - ly[i]);
                }
            }
        }
        double[][] ratio = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                List<Double> v = pairs.get(a * n + b);
                ratio[a][b] = v == null ? Double.NaN : median(v);
            }
        }
        double[] lv = new double[n];
        for (int i = 0; i < n; i++) {
            lv[i] = levels.get(i).isEmpty() ? 0 : median(levels.get(i));
        }
        return new RatioReference(target, configs, ratio, lv);
    }

    /** The same reference fitted on every workload of {@code all} except {@code left}. */
    public static RatioReference fitWithout(List<Workload> all, Workload left, Target target) {
        List<Workload> rest = new ArrayList<>(all);
        rest.remove(left);
        return fit(rest, target);
    }

    public Target target() {
        return target;
    }

    @Override
    public double predictLog(List<Measurement> shots, String query) {
        double sum = 0;
        for (Measurement s : shots) {
            sum += Math.log(s.target(target)) + logRatio(s.configKey(), query);
        }
        return sum / shots.size();
    }

    /** The median log-ratio from configuration {@code from} to {@code to} (level fallback). */
    public double logRatio(String from, String to) {
        Integer a = index.get(from);
        Integer b = index.get(to);
        if (a != null && b != null && !Double.isNaN(logRatio[a][b])) {
            return logRatio[a][b];
        }
        return levelOf(b) - levelOf(a);
    }

    private double levelOf(Integer i) {
        return i == null ? 0 : level[i];
    }

    /** The fitted medians as JSON (configs, log-ratio rows with null for unseen pairs, levels). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("target", target.label());
        JsonArray cs = new JsonArray();
        configs.forEach(cs::add);
        o.add("configs", cs);
        JsonArray rows = new JsonArray();
        for (double[] row : logRatio) {
            JsonArray r = new JsonArray();
            for (double v : row) {
                if (Double.isNaN(v)) {
                    r.add(JsonNull.INSTANCE);
                } else {
                    r.add((float) v);
                }
            }
            rows.add(r);
        }
        o.add("log_ratio", rows);
        JsonArray lv = new JsonArray();
        for (double v : level) {
            lv.add((float) v);
        }
        o.add("level", lv);
        return o;
    }

    public static RatioReference fromJson(JsonObject o) {
        Target t = Target.parse(o.get("target").getAsString());
        List<String> cs = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("configs")) { // a loop, not a lambda: see Recommender
            cs.add(e.getAsString());
        }
        int n = cs.size();
        double[][] ratio = new double[n][n];
        JsonArray rows = o.getAsJsonArray("log_ratio");
        for (int a = 0; a < n; a++) {
            JsonArray r = rows.get(a).getAsJsonArray();
            for (int b = 0; b < n; b++) {
                JsonElement e = r.get(b);
                ratio[a][b] = e.isJsonNull() ? Double.NaN : JsonNumbers.asDouble(e);
            }
        }
        double[] lv = new double[n];
        JsonArray la = o.getAsJsonArray("level");
        for (int i = 0; i < n; i++) {
            lv[i] = JsonNumbers.asDouble(la.get(i));
        }
        return new RatioReference(t, cs, ratio, lv);
    }

    /** The reference of these medians (n configurations, an n x n log-ratio matrix, n levels), as {@link #fromJson} makes it. */
    static RatioReference of(Target t, List<String> configs, double[][] logRatio, double[] level) {
        return new RatioReference(t, configs, logRatio, level);
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
