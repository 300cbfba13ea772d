package dev.flash.policy;

import dev.flash.telemetry.TelemetryRecord;
import java.util.List;

/**
 * Decide: turns one tick's telemetry (and, for FLASH models, each policy's recent trajectory)
 * into a target frequency per cpufreq policy. Implemented by the ONNX model runner and by the
 * built-in rule controller that stands in whenever no valid model is present.
 */
public interface FrequencyPolicy extends AutoCloseable {

    /** Short name for the status: the model file name, or "fallback". */
    String name();

    /**
     * One decision per policy in the record, in the record's order. Called once per tick with
     * all policies, so a model runs one batched inference. The decisions' embedding arrays may be
     * reused by the next call (the ONNX policy does, to keep the tick free of garbage): copy what
     * you keep longer.
     *
     * @param contexts per-policy trajectories; a rule controller ignores them
     * @throws DecisionException when the model fails or produces non-finite output
     */
    List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) throws DecisionException;

    @Override
    default void close() {
    }
}
