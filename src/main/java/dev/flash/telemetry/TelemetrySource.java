package dev.flash.telemetry;

/**
 * Sense: produces one {@link TelemetryRecord} per call. Implemented by the Linux node
 * (sysfs, OSHI, perf_event_open, RAPL) and by the simulated node; the loop cannot tell them
 * apart.
 */
public interface TelemetrySource extends AutoCloseable {

    /** A short description for the status, e.g. "linux (/sys)" or "simulated (spec.toml)". */
    String describe();

    /**
     * Reads one record. Values covering an interval (utilization, power, IPC) cover the time
     * since the previous call.
     *
     * @throws TelemetryException when the node cannot be read at all (the loop then falls back)
     */
    TelemetryRecord sample() throws TelemetryException;

    @Override
    default void close() {
    }
}
