package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;

/**
 * The Kubernetes HPA ({@link HpaReference}, its defaults) as a teacher for the learned policy:
 * on each step it asks HPA for the replica count it would set on the workload as it stands (the
 * learner's own trajectory, so HPA's scale-down window follows what really ran; HPA's utilization
 * measured against the pod's CPU request, {@link StepMetrics#cpuRequest}, as {@link HpaFloorGuard}
 * reads it) and answers
 * with one of AWARE's horizontal moves (HPA never touches the limit):
 * <pre>
 *   DIRECTION (the teacher's rule): out when HPA scales out, in when it scales in, no-op when it holds
 *   NEAREST:  the move whose guarded result's replicas are nearest to HPA's (ties: no-op, out, in)
 *   DIRECTION_FLOOR: as DIRECTION, but no-op where HPA scales out (the guard's floor raises it)
 * </pre>
 * A perfect clone cannot be HPA exactly: AWARE's out adds a quarter, its in goes at once to the
 * replicas that would have run the last step at 60%. DIRECTION was chosen because, run as an
 * autoscaler behind the HPA floor on the 160 TRAINING services (480 steps from the operator's
 * set-up, {@code HpaTeacherExperiment}), it came nearest to HPA: 11.57% missed at 1.038x HPA's
 * core-seconds (HPA 11.52%); NEAREST 10.28% at 1.071x, DIRECTION_FLOOR 15.65% at 0.963x
 * (docs/log/2026-12-07-autoscale-bc.md).
 *
 * <p>Stateful (HPA's window): one per workload, {@link #reset()} at the start of each episode,
 * and exactly one {@link #action} per step.
 */
public final class HpaTeacher implements Autoscaler {

    /** How HPA's replica count becomes one of AWARE's moves. */
    public enum Mapping {
        /** out when HPA scales out, in when it scales in, no-op when it holds (the teacher's rule) */
        DIRECTION,
        /** the move whose guarded replicas are nearest to HPA's; on a tie the first of no-op, out, in */
        NEAREST,
        /** DIRECTION with no-op where HPA scales out, left to the guard's floor */
        DIRECTION_FLOOR
    }

    private static final ScalingAction[] HORIZONTAL = {ScalingAction.NO_OP, ScalingAction.SCALE_OUT,
        ScalingAction.SCALE_IN};

    private final ServiceSpec spec;
    private final MoveGuard guard;
    private final Mapping mapping;
    private final HpaReference hpa = new HpaReference();
    private double previousRate = Double.NaN;

    public HpaTeacher(ServiceSpec spec, MoveGuard guard) {
        this(spec, guard, Mapping.DIRECTION);
    }

    public HpaTeacher(ServiceSpec spec, MoveGuard guard, Mapping mapping) {
        this.spec = spec;
        this.guard = guard;
        this.mapping = mapping;
    }

    @Override
    public String name() {
        return "hpa-teacher/" + mapping.name().toLowerCase(java.util.Locale.ROOT) + "/" + guard.id();
    }

    @Override
    public void reset() {
        hpa.reset();
        previousRate = Double.NaN;
    }

    /**
     * HPA's move after {@code last} from {@code now} (an index into {@link ScalingAction}).
     *
     * @param previousRate the arrival rate of the step before {@code last} (NaN when unknown), for the guard
     */
    public int action(StepMetrics last, double previousRate, Allocation now, Bounds bounds) {
        // the pod's request, as the step reports it (HpaFloorGuard's reading): until 2026-12-07 this took the
        // request an operator would set for the learner's current limit, which the pod does not carry
        // once the learner has moved the limit away from the operator's
        hpa.setRequestShare(HpaFloorGuard.request(last, now.cpuLimit()) / now.cpuLimit());
        int target = hpa.decide(last, now, bounds).replicas();
        if (mapping != Mapping.NEAREST) {
            ScalingAction a = target > now.replicas()
                    ? (mapping == Mapping.DIRECTION ? ScalingAction.SCALE_OUT : ScalingAction.NO_OP)
                    : target < now.replicas() ? ScalingAction.SCALE_IN : ScalingAction.NO_OP;
            return a.ordinal();
        }
        ScalingAction best = ScalingAction.NO_OP;
        int bestDistance = Integer.MAX_VALUE;
        for (ScalingAction a : HORIZONTAL) {
            Allocation r = guard.apply(last, previousRate, a.apply(last, now, bounds), bounds);
            int d = Math.abs(r.replicas() - target);
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best.ordinal();
    }

    /** The teacher as an autoscaler: its move, through the guard (what a perfect clone would do). */
    @Override
    public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
        int a = action(last, previousRate, now, bounds);
        Allocation next = guard.apply(last, previousRate, ScalingAction.of(a).apply(last, now, bounds), bounds);
        previousRate = last.arrivalRate();
        return next;
    }
}
