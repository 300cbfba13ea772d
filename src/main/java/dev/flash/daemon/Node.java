package dev.flash.daemon;

import dev.flash.actuate.FrequencyActuator;
import dev.flash.telemetry.TelemetrySource;

/**
 * The machine flashd manages, real or simulated: where it senses and where it acts.
 *
 * @param source      Sense
 * @param actuator    Act (in dry-run an actuator whose mode is OBSERVE and that writes nothing)
 * @param simulated   true for the simulated node
 * @param description for the status, e.g. "linux cpufreq (acpi-cpufreq) under /" or
 *                    "simulated (embedded spec)"
 */
public record Node(TelemetrySource source, FrequencyActuator actuator, boolean simulated, String description)
        implements AutoCloseable {

    /** Restores the CPU first, then closes the source: never leave a CPU worse than found. */
    @Override
    public void close() throws Exception {
        try {
            actuator.close();
        } finally {
            source.close();
        }
    }
}
