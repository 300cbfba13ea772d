package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;

/**
 * The safety layer whose floor is HPA itself: a learned move may not leave fewer replicas than
 * the Kubernetes HPA would set on the same observation, and it is free everywhere else. The
 * operator's goal is fewer missed requests than HPA at no more core-seconds; the earlier
 * {@link UtilizationGuard} (rate extrapolation, x1.5 on saturation, the limit grown at the
 * maximum replicas) allocated more than HPA on its own, so no policy behind it could meet it
 * (docs/log/2026-12-07-autoscale-constraint.md).
 *
 * <p>HPA is a rule with no state beyond its scale-down stabilization window, so what it would
 * desire after one step is computed from that step alone ({@link HpaReference#desired}'s rule).
 * HPA's utilization is usage over the pods' CPU request, and the guard reads the same request from
 * the step ({@link StepMetrics#cpuRequest}: the pod spec's, as the controller reads it from the
 * Deployment and the simulator reports it, the same for every autoscaler on a service):
 * <pre>
 *   work    = usage per ready replica x ready            cores burned in the last step
 *   r(L')   = min(request, L')                           the request after a move to limit L' (a
 *                                                        request may not exceed its limit; the controller lowers it)
 *   ratio   = work / ready / (0.7 x r(L'))               HPA's ratio at the proposed limit
 *   HPA scales out when ratio &gt; 1.1 (its tolerance), pods not yet ready counted at 0% (the
 *   scale-out dropped when that brings the ratio within the tolerance), to ceil(replicas x ratio)
 *   floor   = that count when HPA scales out; otherwise ceil(work / (0.77 x r(L'))),
 *             the fewest replicas HPA would not scale out of at the next step
 * </pre>
 * So when HPA would scale out the move gets exactly HPA's replicas at least, and a learned
 * scale-in goes through as far as HPA's own band allows, without HPA's five-minute wait. What it
 * never does: extrapolate the rate, inflate a saturated step's work, or grow the CPU limit (HPA
 * does none of these; the policy may, and pays for it in the reward). A cut of the CPU limit that
 * the maximum replicas cannot carry in HPA's band is refused (the limit stays). Without a ready
 * replica (no utilization to read) a move may not remove replicas, as HPA holds without metrics.
 *
 * <p>Until 2026-12-07 evening the guard took the request as c(L) = min(L, 1) + 0.5 x max(0, L - 1)
 * (it did not see the pod spec), so above one core its floor was HPA's only for a service of
 * parallel efficiency 0.5 (docs/log/2026-12-07-autoscale-request.md).
 */
public final class HpaFloorGuard {
    private HpaFloorGuard() {
    }

    /** HPA's target utilization. */
    public static final double TARGET = HpaReference.DEFAULT_TARGET;
    /** HPA's tolerance: no scale-out while the ratio is within 1 + this. */
    public static final double TOLERANCE = HpaReference.DEFAULT_TOLERANCE;

    public static final String DEFINITION = "replicas >= what HPA (target " + TARGET + ", tolerance " + TOLERANCE
            + ", utilization = usage over the pod's CPU request, pods not ready at 0%) would set on the same step when it"
            + " scales out, else the fewest it would not scale out of (utilization <= " + TARGET * (1 + TOLERANCE)
            + "); no limit cut the maximum replicas"
            + " cannot carry; nothing removed without a ready replica";

    /** {@code proposed}, raised to HPA's floor on {@code last} when below it, within {@code bounds}. */
    public static Allocation apply(StepMetrics last, Allocation proposed, Bounds bounds) {
        Allocation p = bounds.clamp(proposed);
        int ready = last.readyReplicas();
        if (ready <= 0) {
            return p.replicas() >= last.replicas() ? p
                    : bounds.clamp(new Allocation(last.replicas(), p.cpuLimit()));
        }
        double limit = p.cpuLimit();
        if (limit < last.cpuLimit() && floor(last, limit) > bounds.maxReplicas()) {
            limit = last.cpuLimit(); // a cut the maximum replicas cannot carry: refused
        }
        int floor = floor(last, limit);
        if (p.replicas() >= floor && limit == p.cpuLimit()) {
            return p;
        }
        return bounds.clamp(new Allocation(Math.max(p.replicas(), floor), limit));
    }

    /** The fewest replicas at CPU limit {@code limit} the guard allows after {@code last} (see the class comment). */
    static int floor(StepMetrics last, double limit) {
        double work = Math.max(0, last.cpuUsageCores()) * last.readyReplicas();
        double request = request(last, limit);
        int hpa = hpaScaleOut(last, work, request);
        if (hpa > 0) {
            return hpa;
        }
        return (int) Math.ceil(work / (TARGET * (1 + TOLERANCE) * request) - 1e-9);
    }

    /** The pods' CPU request after a move to {@code limit}: the step's, lowered to the limit when above it. */
    static double request(StepMetrics last, double limit) {
        double r = last.cpuRequest() > 0 ? last.cpuRequest() : last.cpuLimit();
        return Math.min(r, limit);
    }

    /**
     * The replicas HPA would scale out to after {@code last} with CPU request {@code request}, or 0
     * when it would not scale out ({@link HpaReference#desired}: ratio over the ready pods' mean, the
     * not-ready pods counted at 0% when scaling out).
     */
    static int hpaScaleOut(StepMetrics last, double work, double request) {
        int ready = last.readyReplicas();
        double ratio = work / ready / (TARGET * request);
        return HpaReference.scaleOut(ratio, ready, Math.max(0, last.replicas() - ready), last.replicas(), TOLERANCE);
    }
}
