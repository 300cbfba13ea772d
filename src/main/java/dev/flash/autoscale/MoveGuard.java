package dev.flash.autoscale;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import dev.flash.policy.onnx.ModelDescription;
import dev.flash.policy.onnx.ModelRejectedException;
import java.util.Arrays;
import java.util.List;

/**
 * Which safety layer stands between a learned move and the workload. A model is served behind
 * the guard it was trained behind: the trainer writes its id to the model's params
 * ({@value #PARAM}) and every place that serves a model ({@code flash evaluate autoscale}, the
 * recommend stream, the controller, {@code flash reproduce autoscale --model}) reads it back; a
 * model without the key was trained before there was a choice, behind {@link #UTILIZATION}.
 */
public enum MoveGuard {
    /** {@link UtilizationGuard}: predicted utilization kept at or below 0.8 (models before 2026-12-07 night). */
    UTILIZATION("utilization", UtilizationGuard.DEFINITION),
    /** {@link HpaFloorGuard}: never fewer replicas than HPA would set on the same step. */
    HPA_FLOOR("hpa-floor", HpaFloorGuard.DEFINITION);

    /** The key in the model's {@code flash.params}. */
    public static final String PARAM = "guard";
    /** What {@code flash train autoscale} trains behind unless told otherwise. */
    public static final MoveGuard DEFAULT = HPA_FLOOR;
    public static final List<String> IDS = Arrays.stream(values()).map(MoveGuard::id).toList();

    private final String id;
    private final String definition;

    MoveGuard(String id, String definition) {
        this.id = id;
        this.definition = definition;
    }

    public String id() {
        return id;
    }

    public String definition() {
        return definition;
    }

    /**
     * {@code proposed}, or what this guard sets instead after {@code last}.
     *
     * @param previousRate the arrival rate of the step before {@code last} (NaN when unknown)
     */
    public Allocation apply(StepMetrics last, double previousRate, Allocation proposed, Bounds bounds) {
        return switch (this) {
            case UTILIZATION -> UtilizationGuard.apply(last, previousRate, proposed, bounds);
            case HPA_FLOOR -> HpaFloorGuard.apply(last, proposed, bounds);
        };
    }

    /** The guard named {@code id}; IllegalArgumentException naming the known ones otherwise. */
    public static MoveGuard of(String id) {
        for (MoveGuard g : values()) {
            if (g.id.equals(id)) {
                return g;
            }
        }
        throw new IllegalArgumentException("unknown guard '" + id + "'; known: " + IDS);
    }

    /** The guard {@code d} was trained behind: its params' {@value #PARAM}, {@link #UTILIZATION} when absent. */
    public static MoveGuard ofModel(ModelDescription d) throws ModelRejectedException {
        try {
            return named(d);
        } catch (IllegalArgumentException ex) {
            throw new ModelRejectedException(d.file(), "params." + PARAM + ": " + ex.getMessage());
        }
    }

    /** {@link #ofModel} for a model already checked ({@code OnnxAutoscaler.check}); IllegalArgumentException otherwise. */
    public static MoveGuard ofCheckedModel(ModelDescription d) {
        return named(d);
    }

    private static MoveGuard named(ModelDescription d) {
        JsonObject params = d.paramsJson();
        JsonElement e = params == null ? null : params.get(PARAM);
        if (e == null || e.isJsonNull()) {
            return UTILIZATION;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("not a string: " + e);
        }
        return of(e.getAsString());
    }
}
