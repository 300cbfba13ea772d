package dev.flash.dvfs.eval;

import com.google.gson.JsonObject;
import dev.flash.policy.DecisionException;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.SlowdownGuard;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppSpec;
import dev.flash.sim.NodeSpec;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How well the slowdown guard's estimate predicts the slowdown that follows: the model runs
 * behind the guard on the simulated node exactly as in the operator view (same seeds), and for
 * every 1 s interval of cpufreq policy 0 the slowdown the guard expected at the frequency it let
 * through (from the interval before) is set against the node's ground truth of that interval.
 * An underestimate is the dangerous side: the guard let through a step that lost more.
 *
 * <p>The same runs also say what the guard costs on idle seconds ({@link Idle}): how often it
 * held an idle interval's clock above the model's own target.
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
                         double underestimatedOverBudget, Idle idle) {

        Result(int intervals, double meanAbsError, double p95AbsError, double underestimated,
               double underestimatedOverBudget) {
            this(intervals, meanAbsError, p95AbsError, underestimated, underestimatedOverBudget, null);
        }

        Result withIdle(Idle i) {
            return new Result(intervals, meanAbsError, p95AbsError, underestimated, underestimatedOverBudget, i);
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("intervals", intervals);
            Json.put(o, "mean_abs_error", meanAbsError);
            Json.put(o, "p95_abs_error", p95AbsError);
            Json.put(o, "underestimated_share", underestimated);
            Json.put(o, "underestimated_over_budget_share", underestimatedOverBudget);
            if (idle != null) {
                o.add("idle", idle.toJson());
            }
            return o;
        }
    }

    /**
     * An interval of cpufreq policy 0 is idle when its busiest CPU was busy less than this share
     * of it, at the clock it ran (0.1: up to about 3% of a CPU at a third of fmax, all of a host at
     * 0-2% of a CPU whatever its clock).
     */
    public static final double IDLE_UTILIZATION = 0.1;

    /**
     * What the guard cost on idle intervals of cpufreq policy 0 (see {@link #IDLE_UTILIZATION}):
     * the share of them whose clock it held above the model's own target (as the actuator would
     * set both), and the mean clock of the two there; per application, in evaluation order.
     */
    public record Idle(int intervals, int raised, double meanGuardMhz, double meanModelMhz, List<String> apps,
                       List<Integer> appIntervals, List<Integer> appRaised) {

        public double raisedShare() {
            return intervals == 0 ? Double.NaN : (double) raised / intervals;
        }

        JsonObject toJson() {
            JsonObject o = new JsonObject();
            Json.put(o, "utilization_below", IDLE_UTILIZATION);
            o.addProperty("intervals", intervals);
            Json.put(o, "raised_above_model_share", raisedShare());
            Json.put(o, "mean_guard_mhz", meanGuardMhz);
            Json.put(o, "mean_model_mhz", meanModelMhz);
            com.google.gson.JsonArray per = new com.google.gson.JsonArray();
            for (int k = 0; k < apps.size(); k++) {
                JsonObject a = new JsonObject();
                a.addProperty("app", apps.get(k));
                a.addProperty("idle_intervals", appIntervals.get(k));
                Json.put(a, "raised_above_model_share", appIntervals.get(k) == 0 ? Double.NaN
                        : (double) appRaised.get(k) / appIntervals.get(k));
                per.add(a);
            }
            o.add("per_app", per);
            return o;
        }
    }

    /**
     * The model's own decisions for cpufreq policy 0, recorded on their way to the guard, with the
     * busiest CPU's utilization of the interval that had just ended. Never closes the model.
     */
    private static final class ModelTargets implements FrequencyPolicy {
        final FrequencyPolicy model;
        final List<Long> targetKhz = new ArrayList<>();
        final List<Double> busiest = new ArrayList<>();

        ModelTargets(FrequencyPolicy model) {
            this.model = model;
        }

        @Override
        public String name() {
            return model.name();
        }

        @Override
        public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts)
                throws DecisionException {
            PolicySample p = record.policies().get(0);
            busiest.add(p.busiestUtilization(record.cpuUtilization()));
            targetKhz.add(-1L); // replaced below unless the model throws (the fallback decides then)
            List<PolicyDecision> decisions = model.decide(record, contexts);
            for (PolicyDecision d : decisions) {
                if (d.policyId() == p.id()) {
                    targetKhz.set(targetKhz.size() - 1, d.targetKhz());
                }
            }
            return decisions;
        }

        @Override
        public void close() {
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
        int[] appIdle = new int[apps.size()];
        int[] appRaised = new int[apps.size()];
        double guardMhz = 0;
        double modelMhz = 0;
        for (int i = 0; i < apps.size(); i++) {
            ModelTargets model = new ModelTargets(policy);
            SlowdownGuard guard = new SlowdownGuard(model, OperatorEvaluation.SLOWDOWN_BUDGET);
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
                // The interval decision t governed is idle by the utilization read at t + 1.
                long asked = model.targetKhz.get(t);
                double u = model.busiest.get(t + 1);
                if (asked > 0 && u < IDLE_UTILIZATION) {
                    long set = SlowdownGuard.effectiveKhz(table, rows.get(t).targetKhz());
                    long own = SlowdownGuard.effectiveKhz(table, asked);
                    appIdle[i]++;
                    appRaised[i] += set > own ? 1 : 0;
                    guardMhz += set / 1000.0;
                    modelMhz += own / 1000.0;
                }
            }
        }
        int idle = java.util.stream.IntStream.of(appIdle).sum();
        Idle idleCost = new Idle(idle, java.util.stream.IntStream.of(appRaised).sum(),
                idle == 0 ? Double.NaN : guardMhz / idle, idle == 0 ? Double.NaN : modelMhz / idle,
                apps.stream().map(AppSpec::name).toList(), java.util.stream.IntStream.of(appIdle).boxed().toList(),
                java.util.stream.IntStream.of(appRaised).boxed().toList());
        return summarize(pairs, OperatorEvaluation.SLOWDOWN_BUDGET).withIdle(idleCost);
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
