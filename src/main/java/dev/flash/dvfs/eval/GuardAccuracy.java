package dev.flash.dvfs.eval;

import com.google.gson.JsonObject;
import dev.flash.policy.SlowdownGuard;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppSpec;
import dev.flash.sim.NodeSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How well the slowdown guard's estimate predicts the slowdown that follows: the model runs
 * behind the guard on the simulated node exactly as in the operator view (same seeds), and for
 * every 1 s interval of cpufreq policy 0 the slowdown the guard expected at the frequency it let
 * through (from the interval before) is set against the node's ground truth of that interval.
 * An underestimate is the dangerous side: the guard let through a step that lost more.
 */
public final class GuardAccuracy {
    private GuardAccuracy() {
    }

    /**
     * @param intervals      intervals compared
     * @param meanAbsError   mean |estimated - true| slowdown
     * @param p95AbsError    95th percentile of the absolute error
     * @param underestimated share of intervals whose true slowdown exceeded the estimate by more than 0.5 point
     * @param underestimatedOverBudget share of intervals underestimated that way and truly over the budget
     */
    public record Result(int intervals, double meanAbsError, double p95AbsError, double underestimated,
                         double underestimatedOverBudget) {

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("intervals", intervals);
            Json.put(o, "mean_abs_error", meanAbsError);
            Json.put(o, "p95_abs_error", p95AbsError);
            Json.put(o, "underestimated_share", underestimated);
            Json.put(o, "underestimated_over_budget_share", underestimatedOverBudget);
            return o;
        }
    }

    /** Tolerance below which a too-low estimate does not count as an underestimate (half a point). */
    public static final double TOLERANCE = 0.005;

    /**
     * The guard's estimate against the simulated truth on {@code apps}, on the node the evaluation
     * ran on: with the {@code dropped} signal groups removed, as {@link ModelEvaluation#evaluate}
     * removes them, so the error is that of the estimator the guard could use there.
     */
    public static Result measure(OnnxDvfsPolicy policy, List<AppSpec> apps, NodeSpec node, double seconds, long seed,
                                 java.util.Set<String> dropped) {
        List<double[]> pairs = new ArrayList<>(); // {estimated, true}
        for (int i = 0; i < apps.size(); i++) {
            SlowdownGuard guard = new SlowdownGuard(policy, OperatorEvaluation.SLOWDOWN_BUDGET);
            List<OperatorEvaluation.TraceRow> rows = new ArrayList<>();
            List<Double> expected = new ArrayList<>();
            long[] table = node.frequencyTable();
            OperatorEvaluation.Agent onReducedNode = n -> {
                if (!dropped.isEmpty()) {
                    n.dropSignals(dropped, ModelEvaluation.DROPPED_REASON);
                }
                return guard;
            };
            OperatorEvaluation.run(ModelEvaluation.GUARDED_AGENT, onReducedNode, node, apps.get(i), seconds,
                    OperatorEvaluation.appSeed(seed, i), policy.description().contextLayout(), policy.featureSet(),
                    policy.description().actions().size(), row -> {
                        rows.add(row);
                        long set = SlowdownGuard.effectiveKhz(table, row.targetKhz());
                        expected.add(guard.expectedSlowdown(0, (double) set / node.maxKhz()));
                    });
            // Row t's decision governs the interval whose ground truth row t + 1 reports.
            for (int t = 0; t + 1 < rows.size(); t++) {
                pairs.add(new double[] {expected.get(t), rows.get(t + 1).slowdown()});
            }
        }
        return summarize(pairs, OperatorEvaluation.SLOWDOWN_BUDGET);
    }

    /** Errors of {estimated, true} pairs. */
    static Result summarize(List<double[]> pairs, double budget) {
        double[] abs = new double[pairs.size()];
        int under = 0;
        int underOver = 0;
        double sum = 0;
        for (int k = 0; k < abs.length; k++) {
            double[] p = pairs.get(k);
            abs[k] = Math.abs(p[0] - p[1]);
            sum += abs[k];
            if (p[1] > p[0] + TOLERANCE) {
                under++;
                if (p[1] > budget) {
                    underOver++;
                }
            }
        }
        if (abs.length == 0) {
            return new Result(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        Arrays.sort(abs);
        double p95 = abs[Math.min(abs.length - 1, (int) Math.ceil(0.95 * abs.length) - 1)];
        return new Result(abs.length, sum / abs.length, p95, (double) under / abs.length,
                (double) underOver / abs.length);
    }
}
