package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.util.ArrayDeque;

/**
 * The Kubernetes Horizontal Pod Autoscaler's algorithm on CPU utilization, as the controller
 * manager runs it with its defaults (kubernetes.io, "Horizontal Pod Autoscaling", algorithm
 * details):
 * <ul>
 *   <li>ratio = utilization / target, utilization = usage / request over ready pods; the request
 *       is the CPU limit unless the operator set it lower ({@link #setRequestShare}: {@link
 *       OperatorRun} sets it to the cores a replica can burn under its limit); target
 *       {@value #DEFAULT_TARGET};</li>
 *   <li>no change while |ratio - 1| &lt;= tolerance ({@value #DEFAULT_TOLERANCE});</li>
 *   <li>scaling up with pods not yet ready, those count as using 0%, and the ratio is computed
 *       again (the change is dropped if it then falls within the tolerance or reverses);</li>
 *   <li>desired = ceil(current replicas * ratio), within [min, max];</li>
 *   <li>scale-down stabilization: the replicas set are the highest desired count of the last
 *       {@value #DEFAULT_WINDOW_SECONDS} s (the default window); scale-up is not stabilized. The
 *       default rate policies (scale up by 100% or 4 pods per 15 s, down by 100% per 15 s) do
 *       not bind at one decision per 60 s step and are not modelled.</li>
 * </ul>
 * It never touches the CPU limit.
 */
public class HpaReference implements Autoscaler {

    public static final double DEFAULT_TARGET = 0.7;
    public static final double DEFAULT_TOLERANCE = 0.1;
    public static final double DEFAULT_WINDOW_SECONDS = 300;

    private final double target;
    private final double tolerance;
    private final int windowSteps;
    /** The pods' CPU request over their limit, in (0, 1]: what utilization is measured against. */
    private double requestShare = 1;
    /** Desired replica counts of the last decisions, newest last. */
    private final ArrayDeque<Integer> recommendations = new ArrayDeque<>();

    public HpaReference() {
        this(DEFAULT_TARGET, DEFAULT_TOLERANCE, DEFAULT_WINDOW_SECONDS, SimulatedService.STEP_SECONDS);
    }

    public HpaReference(double target, double tolerance, double windowSeconds, double stepSeconds) {
        this.target = target;
        this.tolerance = tolerance;
        this.windowSteps = Math.max(1, (int) Math.round(windowSeconds / stepSeconds));
    }

    @Override
    public String name() {
        return "hpa";
    }

    /**
     * The operator's CPU request as a share of the limit (Kubernetes allows a request below the
     * limit; HPA's utilization is usage over the request). Kept across {@link #reset()}: it is
     * part of the workload's set-up, not learned.
     */
    public void setRequestShare(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("request share must be in (0, 1]: " + share);
        }
        this.requestShare = share;
    }

    /** The pods' CPU request over their limit. */
    protected double requestShare() {
        return requestShare;
    }

    /** Usage over the request, what HPA compares with its target. */
    protected double utilization(StepMetrics last) {
        return last.cpuUtilization() / requestShare;
    }

    @Override
    public void reset() {
        recommendations.clear();
    }

    @Override
    public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
        return new Allocation(replicas(last, now.replicas(), bounds), now.cpuLimit());
    }

    /** The replica count HPA sets after {@code last}. */
    protected int replicas(StepMetrics last, int current, Bounds bounds) {
        int desired = desired(last, current);
        desired = Math.max(bounds.minReplicas(), Math.min(bounds.maxReplicas(), desired));
        recommendations.addLast(desired);
        while (recommendations.size() > windowSteps) {
            recommendations.removeFirst();
        }
        int stabilized = desired;
        if (desired < current) {
            stabilized = Math.min(current, recommendations.stream().mapToInt(Integer::intValue).max().orElse(desired));
        }
        return stabilized;
    }

    /** Desired replicas before bounds and stabilization. */
    int desired(StepMetrics last, int current) {
        int ready = last.readyReplicas();
        if (ready <= 0 || current <= 0) {
            return current; // no metrics: HPA holds
        }
        double ratio = utilization(last) / target;
        if (Math.abs(ratio - 1) <= tolerance) {
            return current;
        }
        if (ratio < 1) {
            return (int) Math.ceil(current * ratio - 1e-9);
        }
        int out = scaleOut(ratio, ready, Math.max(0, last.replicas() - ready), current, tolerance);
        return out > 0 ? out : current;
    }

    /**
     * HPA's scale-out: {@code ceil(current x ratio)}, where {@code ratio} is the ready pods' mean
     * utilization over the target and, when pods are not ready, recomputed with them counted at
     * 0%; 0 when HPA would not scale out (a ratio within the tolerance). The utilization guard of
     * {@link HpaFloorGuard} asks the same rule at another CPU limit.
     */
    static int scaleOut(double ratio, int ready, int notReady, int current, double tolerance) {
        if (ratio <= 1 + tolerance) {
            return 0;
        }
        if (notReady > 0) {
            ratio = ratio * ready / (ready + notReady);
            if (ratio <= 1 + tolerance) {
                return 0;
            }
        }
        return (int) Math.ceil(current * ratio - 1e-9);
    }
}
