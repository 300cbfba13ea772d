package dev.flash.configsearch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A non-learned reference for cost under a runtime deadline from chosen shots: the k
 * configurations that, measured blind, would have served the training workloads best when each
 * one's deadline is its own median runtime (the evaluation's deadline). Greedy: each step adds the
 * configuration that leaves the fewest training workloads with no chosen configuration on time,
 * then the lowest sum over the others of (cheapest chosen on time) / (cheapest on time).
 *
 * <p>It knows where the deadline sits in a workload's runtimes (the median), which a searcher given
 * only the deadline in seconds does not: a privileged reference, and so a strong one. Only
 * configurations measured by at least half the training workloads are candidates.
 */
public final class DeadlinePortfolio {

    /** Per training workload: configuration key -> {runtime over the deadline, cost over the cheapest on time}. */
    private final List<Map<String, double[]>> relative;
    private final Map<String, Integer> support = new HashMap<>();
    private final int minSupport;

    private DeadlinePortfolio(List<Map<String, double[]>> relative) {
        this.relative = relative;
        this.minSupport = (relative.size() + 1) / 2;
        for (Map<String, double[]> t : relative) {
            for (String key : t.keySet()) {
                support.merge(key, 1, Integer::sum);
            }
        }
    }

    /** Fits on the training workloads' runtimes and costs (measurements lacking either are left out). */
    public static DeadlinePortfolio fit(List<Workload> training) {
        List<Map<String, double[]>> relative = new ArrayList<>();
        for (Workload w : training) {
            List<Measurement> both = new ArrayList<>();
            for (Measurement m : w.measurements()) {
                if (m.runtime() > 0 && m.cost() > 0) {
                    both.add(m);
                }
            }
            if (both.isEmpty()) {
                continue;
            }
            double deadline = FewShotEvaluation.deadline(new Workload(w.name(), both));
            double cheapest = Double.POSITIVE_INFINITY;
            for (Measurement m : both) {
                if (m.runtime() <= deadline) {
                    cheapest = Math.min(cheapest, m.cost());
                }
            }
            Map<String, double[]> t = new HashMap<>();
            for (Measurement m : both) {
                t.put(m.configKey(), new double[] {m.runtime() / deadline, m.cost() / cheapest});
            }
            relative.add(t);
        }
        return new DeadlinePortfolio(relative);
    }

    /** Up to {@code k} indices of {@code w}'s configurations, in the order chosen. */
    public List<Integer> choose(Workload w, int k) {
        List<Integer> chosen = new ArrayList<>();
        double[] bestSoFar = new double[relative.size()];
        Arrays.fill(bestSoFar, Double.POSITIVE_INFINITY);
        while (chosen.size() < Math.min(k, w.size())) {
            int pick = -1;
            int pickMisses = Integer.MAX_VALUE;
            double pickCost = Double.POSITIVE_INFINITY;
            for (int i = 0; i < w.size(); i++) {
                String key = w.get(i).configKey();
                if (chosen.contains(i) || support.getOrDefault(key, 0) < minSupport) {
                    continue;
                }
                int misses = 0;
                double cost = 0;
                for (int j = 0; j < relative.size(); j++) {
                    double[] r = relative.get(j).get(key);
                    double with = r != null && r[0] <= 1 ? Math.min(bestSoFar[j], r[1]) : bestSoFar[j];
                    if (Double.isInfinite(with)) {
                        misses++;
                    } else {
                        cost += with;
                    }
                }
                if (misses < pickMisses || (misses == pickMisses && cost < pickCost)) {
                    pick = i;
                    pickMisses = misses;
                    pickCost = cost;
                }
            }
            if (pick < 0) {
                break;
            }
            chosen.add(pick);
            String key = w.get(pick).configKey();
            for (int j = 0; j < relative.size(); j++) {
                double[] r = relative.get(j).get(key);
                if (r != null && r[0] <= 1) {
                    bestSoFar[j] = Math.min(bestSoFar[j], r[1]);
                }
            }
        }
        return chosen;
    }
}
