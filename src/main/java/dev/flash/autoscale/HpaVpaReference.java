package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * HPA ({@link HpaReference}) plus a vertical recommender in the style of the Kubernetes Vertical
 * Pod Autoscaler's: the CPU target is the {@value #PERCENTILE}th percentile of the per-replica
 * CPU usage over the last {@value #WINDOW_STEPS} steps, plus a {@value #MARGIN} safety margin
 * (VPA's recommender: P90 of a usage histogram, 15% margin); like VPA's updater, the limit is
 * only changed when the current one falls outside [P50, P95] of the same window (with the
 * margin), and at most once per {@value #MIN_STEPS_BETWEEN_UPDATES} steps (an eviction is not
 * free). Usage is throttled at the limit, so a saturated service's recommendation grows by the
 * margin per update, as VPA's does.
 *
 * <p>VPA recommends the CPU <em>request</em>; with its default {@code controlledValues:
 * RequestsAndLimits} it sets the request to the recommendation and scales the limit with it,
 * keeping the pod's limit-to-request ratio. So here the operator's request share (the same as
 * HPA's, {@link #setRequestShare}) stays, the recommendation is compared with and becomes the
 * request, and the limit is the request over that share. (Until 2026-12-07 the recommendation
 * was set as the limit, the request kept equal to it: where the operator's request is below the
 * limit, that shrank each replica's capacity by the share.)
 */
public final class HpaVpaReference extends HpaReference {

    public static final double PERCENTILE = 90;
    public static final double MARGIN = 0.15;
    public static final int WINDOW_STEPS = 60;
    public static final int MIN_STEPS_BETWEEN_UPDATES = 10;

    private final ArrayDeque<Double> usage = new ArrayDeque<>();
    private int sinceUpdate = MIN_STEPS_BETWEEN_UPDATES;

    @Override
    public String name() {
        return "hpa+vpa";
    }

    @Override
    public void reset() {
        super.reset();
        usage.clear();
        sinceUpdate = MIN_STEPS_BETWEEN_UPDATES;
    }

    @Override
    public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
        int replicas = replicas(last, now.replicas(), bounds);
        if (last.readyReplicas() > 0) {
            usage.addLast(last.cpuUsageCores());
            while (usage.size() > WINDOW_STEPS) {
                usage.removeFirst();
            }
        }
        sinceUpdate++;
        double limit = now.cpuLimit();
        double request = limit * requestShare();
        if (!usage.isEmpty() && sinceUpdate >= MIN_STEPS_BETWEEN_UPDATES) {
            double[] u = usage.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double lower = percentile(u, 50) * (1 + MARGIN);
            double upper = percentile(u, 95) * (1 + MARGIN);
            if (request < lower || request > upper) {
                limit = percentile(u, PERCENTILE) * (1 + MARGIN) / requestShare();
                sinceUpdate = 0;
            }
        }
        return bounds.clamp(new Allocation(replicas, limit));
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double[] sorted(double... v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c;
    }
}
