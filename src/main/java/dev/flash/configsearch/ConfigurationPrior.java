package dev.flash.configsearch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the training workloads say about a new workload's configurations before anything of it is
 * measured: each configuration's log target relative to each training workload's own best
 * ({@code log y_j(c) - min log y_j}), averaged over the training workloads that measured it.
 * Absolute levels differ by orders of magnitude between workloads; which configurations are
 * near a workload's best is what they share.
 *
 * <p>Two uses: the first measurement a searcher makes when it chooses every shot itself
 * ({@link #first}: the configuration that was closest to the best on average), and a non-learned
 * reference for chosen shots ({@link #portfolio}: the k configurations that together came
 * closest to each training workload's best, measured blind).
 *
 * <p>A configuration measured by fewer than half of the training workloads is not a candidate:
 * with two or three workloads behind it, a low mean says more about which workloads ran it than
 * about the configuration.
 */
public final class ConfigurationPrior {

    /** Per training workload: configuration key -> log target minus the workload's lowest. */
    private final List<Map<String, Double>> relative;
    /** Per configuration: mean relative log target over the workloads that measured it. */
    private final Map<String, Double> meanRelative;
    private final int minSupport;

    private ConfigurationPrior(List<Map<String, Double>> relative) {
        this.relative = relative;
        this.minSupport = (relative.size() + 1) / 2;
        Map<String, double[]> sums = new HashMap<>();
        for (Map<String, Double> t : relative) {
            for (Map.Entry<String, Double> e : t.entrySet()) {
                // not computeIfAbsent's lambda: `recommend --first` runs this once, and a lambda's
                // linkage loaded 71 java.lang.invoke and ASM classes into every answer's class list
                double[] s = sums.get(e.getKey());
                if (s == null) {
                    s = new double[2];
                    sums.put(e.getKey(), s);
                }
                s[0] += e.getValue();
                s[1]++;
            }
        }
        Map<String, Double> mean = new HashMap<>();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            if (e.getValue()[1] >= minSupport) {
                mean.put(e.getKey(), e.getValue()[0] / e.getValue()[1]);
            }
        }
        this.meanRelative = mean;
    }

    /** Fits on the training workloads' {@code target} (workloads without measurements are left out). */
    public static ConfigurationPrior fit(List<Workload> training, Target target) {
        return fromLogTables(Workload.logTables(training, target));
    }

    /**
     * The prior of training workloads given as their log-target tables (configuration key -> log
     * target; the attention's tables in a model's {@code flash.params}): the same prior
     * {@link #fit} gives on those workloads, without the data file.
     */
    public static ConfigurationPrior fromLogTables(List<Map<String, Double>> logTables) {
        List<Map<String, Double>> relative = new ArrayList<>();
        for (Map<String, Double> t : logTables) {
            if (t.isEmpty()) {
                continue;
            }
            double lowest = Double.POSITIVE_INFINITY;
            for (double v : t.values()) {
                lowest = Math.min(lowest, v);
            }
            Map<String, Double> r = new HashMap<>();
            for (Map.Entry<String, Double> e : t.entrySet()) {
                r.put(e.getKey(), e.getValue() - lowest);
            }
            relative.add(r);
        }
        return new ConfigurationPrior(relative);
    }

    /** The mean log target over each training workload's best; NaN for a configuration with too little support. */
    public double meanRelativeLog(String key) {
        Double v = meanRelative.get(key);
        return v == null ? Double.NaN : v;
    }

    /**
     * The index in {@code w} of the configuration with the lowest {@link #meanRelativeLog}; the
     * first configuration when none has support (a workload on configurations no training workload knows).
     */
    public int first(Workload w) {
        List<String> keys = new ArrayList<>();
        for (Measurement m : w.measurements()) {
            keys.add(m.configKey());
        }
        return firstIndex(keys);
    }

    /**
     * {@link #first} over configuration keys (a model's candidates): the key with the lowest
     * {@link #meanRelativeLog}, the first key when none has support; null when {@code keys} is empty.
     */
    public String first(List<String> keys) {
        return keys.isEmpty() ? null : keys.get(firstIndex(keys));
    }

    private int firstIndex(List<String> keys) {
        int pick = 0;
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < keys.size(); i++) {
            double v = meanRelativeLog(keys.get(i));
            if (v < best) {
                best = v;
                pick = i;
            }
        }
        return pick;
    }

    /**
     * Up to {@code k} indices of {@code w}'s configurations chosen greedily so that, on the
     * training workloads, the best of them is as close as possible to each workload's best: each
     * step adds the configuration that lowers the training workloads' mean of
     * {@code min over the chosen of y_j(c) / min y_j} the most (a workload that measured none
     * of the chosen counts as twice its best, so that support matters). Only configurations with
     * support are candidates.
     */
    public List<Integer> portfolio(Workload w, int k) {
        List<Integer> chosen = new ArrayList<>();
        double[] bestSoFar = new double[relative.size()];
        java.util.Arrays.fill(bestSoFar, Double.POSITIVE_INFINITY);
        while (chosen.size() < Math.min(k, w.size())) {
            int pick = -1;
            double pickScore = Double.POSITIVE_INFINITY;
            for (int i = 0; i < w.size(); i++) {
                String key = w.get(i).configKey();
                if (chosen.contains(i) || !meanRelative.containsKey(key)) {
                    continue;
                }
                double score = 0;
                for (int j = 0; j < relative.size(); j++) {
                    Double r = relative.get(j).get(key);
                    double with = Math.min(bestSoFar[j], r == null ? Double.POSITIVE_INFINITY : Math.exp(r));
                    score += Double.isInfinite(with) ? 2 : with;
                }
                if (score < pickScore) {
                    pickScore = score;
                    pick = i;
                }
            }
            if (pick < 0) {
                break;
            }
            chosen.add(pick);
            String key = w.get(pick).configKey();
            for (int j = 0; j < relative.size(); j++) {
                Double r = relative.get(j).get(key);
                if (r != null) {
                    bestSoFar[j] = Math.min(bestSoFar[j], Math.exp(r));
                }
            }
        }
        return chosen;
    }
}
