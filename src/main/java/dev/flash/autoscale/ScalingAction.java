package dev.flash.autoscale;

import java.util.Arrays;
import java.util.List;

/**
 * AWARE's five moves. Horizontal moves change the replica count by a quarter of it (at least one
 * replica) so that a large service can follow a burst in a few steps; vertical moves scale the CPU
 * limit per replica by 1.25 (down by 1/1.25), snapped to {@link #CPU_STEP} cores. Every move is
 * clamped to the bounds, so a move against a bound is a no-op.
 */
public enum ScalingAction {
    NO_OP("no-op"),
    SCALE_OUT("out"),
    SCALE_IN("in"),
    SCALE_UP("up"),
    SCALE_DOWN("down");

    /** Smallest and largest CPU limit per replica the simulator and the model know, cores. */
    public static final double MIN_CPU_LIMIT = 0.1;
    public static final double MAX_CPU_LIMIT = 8.0;
    /** CPU limits are multiples of this (Kubernetes millicores, rounded to 50m). */
    public static final double CPU_STEP = 0.05;
    /** Vertical move factor. */
    public static final double VERTICAL_FACTOR = 1.25;
    /** Horizontal move: this share of the current replicas, at least one. */
    public static final double HORIZONTAL_SHARE = 0.25;
    /**
     * Utilization a scale-in aims at when the last step's utilization is known
     * ({@link #apply(StepMetrics, Allocation, Bounds)}): replicas = ceil(busy replicas / this).
     */
    public static final double SCALE_IN_TARGET = 0.6;

    private final String label;

    ScalingAction(String label) {
        this.label = label;
    }

    /** The name in the model contract and in JSON ({@code no-op}, {@code out}, ...). */
    public String label() {
        return label;
    }

    /** Action names in index order: the model's action list. */
    public static final List<String> NAMES = Arrays.stream(values()).map(ScalingAction::label).toList();

    public static ScalingAction of(int index) {
        return values()[index];
    }

    /** Where this move takes (replicas, limit), within {@code bounds}. */
    public Allocation apply(Allocation now, Bounds bounds) {
        int step = Math.max(1, (int) Math.round(now.replicas() * HORIZONTAL_SHARE));
        Allocation next = switch (this) {
            case NO_OP -> now;
            case SCALE_OUT -> new Allocation(now.replicas() + step, now.cpuLimit());
            case SCALE_IN -> new Allocation(now.replicas() - step, now.cpuLimit());
            case SCALE_UP -> new Allocation(now.replicas(), now.cpuLimit() * VERTICAL_FACTOR);
            case SCALE_DOWN -> new Allocation(now.replicas(), now.cpuLimit() / VERTICAL_FACTOR);
        };
        return bounds.clamp(next);
    }

    /**
     * Where this move takes (replicas, limit) after step {@code last}: as {@link #apply(Allocation,
     * Bounds)}, except that a scale-in is proportional, as HPA's is: to the replicas that would have
     * run the last step's work at {@link #SCALE_IN_TARGET} utilization, at least one fewer (a
     * quarter of them when no replica was ready). The deployed model and the trainer both move
     * through here.
     */
    public Allocation apply(StepMetrics last, Allocation now, Bounds bounds) {
        if (this != SCALE_IN || last == null || last.readyReplicas() <= 0) {
            return apply(now, bounds);
        }
        double busy = UtilizationGuard.busyShare(last) * last.readyReplicas(); // busy share, not usage/limit
        int target = (int) Math.ceil(busy / SCALE_IN_TARGET - 1e-9);
        return bounds.clamp(new Allocation(Math.max(1, Math.min(now.replicas() - 1, target)), now.cpuLimit()));
    }

    /** Replicas and CPU limit per replica (cores). */
    public record Allocation(int replicas, double cpuLimit) {
        /** Cores allocated to the service. */
        public double cores() {
            return replicas * cpuLimit;
        }
    }

    /**
     * What an autoscaler may do to one workload: replica and CPU-limit ranges and, for the
     * controller, the largest step in replicas per decision (0: no limit).
     */
    public record Bounds(int minReplicas, int maxReplicas, double minCpu, double maxCpu, int maxStep) {
        public Bounds {
            if (minReplicas < 0 || maxReplicas < Math.max(1, minReplicas) || minCpu <= 0 || maxCpu < minCpu || maxStep < 0) {
                throw new IllegalArgumentException("invalid bounds: replicas [" + minReplicas + ", " + maxReplicas
                        + "], cpu [" + minCpu + ", " + maxCpu + "], max step " + maxStep);
            }
        }

        public static Bounds of(int maxReplicas) {
            return new Bounds(1, maxReplicas, MIN_CPU_LIMIT, MAX_CPU_LIMIT, 0);
        }

        /** {@code next} pulled into the bounds, its limit snapped to {@link #CPU_STEP}. */
        public Allocation clamp(Allocation next) {
            int r = Math.max(minReplicas, Math.min(maxReplicas, next.replicas()));
            double snapped = Math.round(next.cpuLimit() / CPU_STEP) * CPU_STEP;
            double c = Math.max(minCpu, Math.min(maxCpu, snapped));
            return new Allocation(r, Math.round(c * 1000) / 1000.0);
        }

        /** {@code next} clamped, and no more than {@link #maxStep} replicas away from {@code now}. */
        public Allocation clamp(Allocation now, Allocation next) {
            Allocation c = clamp(next);
            if (maxStep == 0 || Math.abs(c.replicas() - now.replicas()) <= maxStep) {
                return c;
            }
            int r = now.replicas() + (int) Math.signum(c.replicas() - now.replicas()) * maxStep;
            return new Allocation(r, c.cpuLimit());
        }
    }
}
