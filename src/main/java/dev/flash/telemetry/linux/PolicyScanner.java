package dev.flash.telemetry.linux;

import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryException;
import java.util.List;

/**
 * Reads the cpufreq policies once per tick (the cpufreq reader plugs in as a method reference).
 * Returns the policies ascending by id with utilization and counter fields still NaN/unset:
 * {@link LinuxTelemetrySource} fills those in. An empty list means the node has no cpufreq.
 */
@FunctionalInterface
public interface PolicyScanner {
    List<PolicySample> scan() throws TelemetryException;
}
