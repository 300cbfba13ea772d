package dev.flash.configsearch;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Table 2 of an evaluation: per method and k, the MAPE and the regret as mean and spread over
 * the seeds; as JSON with flat keys ({@code flash.mape.1}, {@code flash.mape.1.std},
 * {@code reference.regret.3}, the cost-under-deadline choice {@code flash.regret_cost_deadline.3}
 * and {@code flash.deadline_miss.3}, the regret after adaptive shots
 * {@code flash.regret_adaptive.3}, cost under a deadline from chosen shots
 * {@code flash-consensus.cost_regret_chosen.3} and {@code flash-consensus.deadline_missed_chosen.3},
 * ...) and as text with the paper's numbers beside ours.
 */
public final class EvaluationReport {
    private EvaluationReport() {
    }

    public static JsonObject json(FewShotEvaluation.Scores s, int[] shots, String paperDataset) {
        JsonObject o = new JsonObject();
        for (String m : FewShotEvaluation.METHODS) {
            for (int k : shots) {
                double[] mape = s.mape().get(m).get(k);
                double[] regret = s.regret().get(m).get(k);
                o.addProperty(m + ".mape." + k, mean(mape));
                o.addProperty(m + ".mape." + k + ".std", std(mape));
                o.addProperty(m + ".regret." + k, mean(regret));
                o.addProperty(m + ".regret." + k + ".std", std(regret));
                double[] cost = s.costRegret().get(m).get(k);
                double[] miss = s.deadlineMiss().get(m).get(k);
                o.addProperty(m + ".regret_cost_deadline." + k, mean(cost));
                o.addProperty(m + ".regret_cost_deadline." + k + ".std", std(cost));
                o.addProperty(m + ".deadline_miss." + k, mean(miss));
                o.addProperty(m + ".deadline_miss." + k + ".std", std(miss));
            }
        }
        // Regret after k measurements the searcher chose (the first at random): not the random-shot regret above.
        for (Map.Entry<String, Map<Integer, double[]>> e : s.adaptiveRegret().entrySet()) {
            for (int k : shots) {
                o.addProperty(e.getKey() + ".regret_adaptive." + k, mean(e.getValue().get(k)));
                o.addProperty(e.getKey() + ".regret_adaptive." + k + ".std", std(e.getValue().get(k)));
            }
        }
        for (Map.Entry<String, double[]> e : s.search().entrySet()) {
            o.addProperty("search." + e.getKey() + ".measurements", mean(e.getValue()));
            o.addProperty("search." + e.getKey() + ".measurements.std", std(e.getValue()));
        }
        // Regret after k measurements all chosen, the first by the training workloads' prior; and
        // the search loop from that first measurement.
        for (Map.Entry<String, Map<Integer, double[]>> e : s.chosenRegret().entrySet()) {
            for (int k : shots) {
                o.addProperty(e.getKey() + ".regret_chosen." + k, mean(e.getValue().get(k)));
                o.addProperty(e.getKey() + ".regret_chosen." + k + ".std", std(e.getValue().get(k)));
            }
        }
        // Cost under the median-runtime deadline after k measurements the searcher chose (DeadlineRule).
        for (Map.Entry<String, Map<Integer, double[]>> e : s.costChosen().entrySet()) {
            for (int k : shots) {
                double[] miss = s.missedChosen().get(e.getKey()).get(k);
                o.addProperty(e.getKey() + ".cost_regret_chosen." + k, mean(e.getValue().get(k)));
                o.addProperty(e.getKey() + ".cost_regret_chosen." + k + ".std", std(e.getValue().get(k)));
                o.addProperty(e.getKey() + ".deadline_missed_chosen." + k, mean(miss));
                o.addProperty(e.getKey() + ".deadline_missed_chosen." + k + ".std", std(miss));
                o.addProperty(e.getKey() + ".cost_near_chosen." + k, mean(s.nearChosen().get(e.getKey()).get(k)));
            }
        }
        for (Map.Entry<String, double[]> e : s.searchChosen().entrySet()) {
            o.addProperty("search_chosen." + e.getKey() + ".measurements", mean(e.getValue()));
            o.addProperty("search_chosen." + e.getKey() + ".measurements.std", std(e.getValue()));
        }
        // > 1: random search needs that many times FLASH's measurements to get within 5% of the best.
        o.addProperty("search.random_over_flash", mean(s.search().get("random")) / mean(s.search().get("flash")));
        o.addProperty("search.random_over_flash_optimistic",
                mean(s.search().get("random")) / mean(s.search().get("flash-optimistic")));
        for (int k : shots) {
            o.addProperty("workloads." + k, s.evaluated().get(k));
            o.addProperty("skipped." + k, s.skipped().get(k));
            double strongest = Double.POSITIVE_INFINITY;
            for (String m : FewShotEvaluation.METHODS) {
                if (!m.startsWith("flash")) {
                    strongest = Math.min(strongest, mean(s.mape().get(m).get(k)));
                }
            }
            // > 0: FLASH's error below the strongest non-FLASH method's, as a share of it (goal: >= 0.10).
            o.addProperty("flash.margin." + k, 1 - mean(s.mape().get("flash").get(k)) / strongest);
            for (String m : List.of("baseline", "flash")) {
                double p = PaperNumbers.of(paperDataset, m, k);
                if (!Double.isNaN(p)) {
                    o.addProperty("paper." + m + ".mape." + k, p);
                }
            }
        }
        return o;
    }

    public static String text(FewShotEvaluation.Scores s, int[] shots, String paperDataset) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-12s", "MAPE"));
        for (int k : shots) {
            b.append(String.format(Locale.ROOT, "  %-16s", k + " shot" + (k == 1 ? "" : "s")));
        }
        int last = shots[shots.length - 1];
        b.append(String.format(Locale.ROOT, "  regret at k=%d  cost regret under deadline (missed)%n", last));
        for (String m : FewShotEvaluation.METHODS) {
            b.append(String.format(Locale.ROOT, "%-12s", m));
            for (int k : shots) {
                double[] v = s.mape().get(m).get(k);
                b.append(String.format(Locale.ROOT, "  %5.3f +- %-7.3f", mean(v), std(v)));
            }
            double[] r = s.regret().get(m).get(last);
            b.append(String.format(Locale.ROOT, "  %5.1f%%       ", 100 * mean(r)));
            double[] c = s.costRegret().get(m).get(last);
            b.append(Double.isNaN(mean(c)) ? String.format(Locale.ROOT, "  -%n") : String.format(Locale.ROOT,
                    "  %5.1f%% (%.0f%%)%n", 100 * mean(c), 100 * mean(s.deadlineMiss().get(m).get(last))));
        }
        b.append(String.format(Locale.ROOT, "regret at k=%d from adaptive shots (the first random, the next chosen "
                + "by the searcher):", last));
        for (Map.Entry<String, Map<Integer, double[]>> e : s.adaptiveRegret().entrySet()) {
            double[] v = e.getValue().get(last);
            b.append(String.format(Locale.ROOT, " %s %.1f%% +- %.1f", e.getKey(), 100 * mean(v), 100 * std(v)));
        }
        b.append(String.format(Locale.ROOT, "%n"));
        b.append("regret from chosen shots (the first by the training workloads' prior), k =");
        for (int k : shots) {
            b.append(' ').append(k);
        }
        b.append(':');
        for (Map.Entry<String, Map<Integer, double[]>> e : s.chosenRegret().entrySet()) {
            b.append(' ').append(e.getKey());
            for (int k : shots) {
                b.append(String.format(Locale.ROOT, " %.1f%%", 100 * mean(e.getValue().get(k))));
            }
        }
        b.append(String.format(Locale.ROOT, "%n"));
        if (!s.costChosen().isEmpty() && !Double.isNaN(mean(s.costChosen().values().iterator().next().get(last)))) {
            b.append("cost under the median-runtime deadline from chosen shots, regret (missed, on time within 5%), k =");
            for (int k : shots) {
                b.append(' ').append(k);
            }
            b.append(':');
            for (Map.Entry<String, Map<Integer, double[]>> e : s.costChosen().entrySet()) {
                b.append(' ').append(e.getKey());
                for (int k : shots) {
                    b.append(String.format(Locale.ROOT, " %.1f%% (%.0f%%, %.0f%%)", 100 * mean(e.getValue().get(k)),
                            100 * mean(s.missedChosen().get(e.getKey()).get(k)),
                            100 * mean(s.nearChosen().get(e.getKey()).get(k))));
                }
            }
            b.append(String.format(Locale.ROOT, "%n"));
        }
        for (String m : List.of("baseline", "flash")) {
            if (!Double.isNaN(PaperNumbers.of(paperDataset, m, 1))) {
                b.append(String.format(Locale.ROOT, "%-12s", "paper " + m));
                for (int k : shots) {
                    double p = PaperNumbers.of(paperDataset, m, k);
                    b.append(String.format(Locale.ROOT, "  %-16s", Double.isNaN(p) ? "-" : String.format(Locale.ROOT,
                            "%5.2f", p)));
                }
                b.append(String.format(Locale.ROOT, "%n"));
            }
        }
        b.append(String.format(Locale.ROOT, "search loop, measurements until within %.0f%% of the best (from one "
                + "random start):", 100 * FewShotEvaluation.SEARCH_TOLERANCE));
        for (Map.Entry<String, double[]> e : s.search().entrySet()) {
            b.append(String.format(Locale.ROOT, " %s %.1f +- %.1f", e.getKey(), mean(e.getValue()), std(e.getValue())));
        }
        b.append(String.format(Locale.ROOT, "%n"));
        b.append("search loop from the prior's first measurement:");
        for (Map.Entry<String, double[]> e : s.searchChosen().entrySet()) {
            b.append(String.format(Locale.ROOT, " %s %.1f", e.getKey(), mean(e.getValue())));
        }
        b.append(String.format(Locale.ROOT, "%n"));
        b.append("workloads evaluated per k:");
        for (Map.Entry<Integer, Integer> e : s.evaluated().entrySet()) {
            b.append(String.format(Locale.ROOT, " k=%d: %d (skipped %d)", e.getKey(), e.getValue(),
                    s.skipped().get(e.getKey())));
        }
        return b.append(String.format(Locale.ROOT, "%n")).toString();
    }

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Sample standard deviation (0 for one value). */
    public static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
