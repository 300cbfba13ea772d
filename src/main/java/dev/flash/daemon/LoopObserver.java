package dev.flash.daemon;

import dev.flash.policy.PolicyDecision;
import dev.flash.telemetry.PolicySample;

/**
 * What the loop reports as it happens, for an exporter that counts it ({@link MetricsExporter}).
 * Every method is called on the tick thread, inside the tick: an implementation must not block,
 * allocate per call or take a lock that a reader (a scrape) can hold.
 */
public interface LoopObserver {

    /** Observes nothing: the daemon without {@code --metrics}. */
    LoopObserver NONE = new LoopObserver() {
    };

    /** Why the loop stopped deciding with the model or stopped acting: few values, for labels. */
    enum Reason {
        /** the model threw, returned non-finite numbers or an unknown policy */
        MODEL_FAILED,
        /** telemetry failed or stopped changing */
        TELEMETRY_STALE,
        /** repeated failed cpufreq writes on a policy */
        WRITE_ERRORS,
        /** the fallback controller failed, or there is none */
        NO_FALLBACK,
        /** another tool changed a value flashd owns */
        FOREIGN_CHANGE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A decision was applied (or attempted) on a policy; {@code byModel} false for the fallback rule. */
    default void decided(PolicySample policy, PolicyDecision decision, boolean byModel) {
    }

    /** The model's decisions were dropped for the fallback rule. */
    default void fellBack(Reason reason) {
    }

    /** Another tool changed a value of this policy: flashd leaves the policy to it until resumed. */
    default void leftToOtherTool(PolicySample policy) {
    }

    /** The loop handed the CPUs back and stopped acting. */
    default void wentHandsOff(Reason reason) {
    }

    /** The active decider changed: a model (name, agent) or the fallback ({@code model} null). */
    default void modelSelected(String model, String agent) {
    }

    /** The loop's state changed (its {@link FlashDaemon.State#key()}). */
    default void stateChanged(String state) {
    }

    /** One tick ended: what it sensed (null when sensing failed) and how long it took. */
    default void ticked(dev.flash.telemetry.TelemetryRecord record, double joulesSinceStart, long tickNanos) {
    }
}
