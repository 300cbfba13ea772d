package dev.flash.telemetry;

import java.util.List;
import java.util.Map;

/**
 * Everything one tick senses, in the same shape whether it came from a real Linux node or from
 * the simulated node. Immutable: the loop hands it to the policy, the status server and the
 * trajectory buffer without copying.
 *
 * @param monotonicNanos     when it was taken ({@link System#nanoTime()} or the simulated clock)
 * @param epochMillis        wall-clock time, for people
 * @param intervalSeconds    time covered since the previous record (0 on the first)
 * @param policies           cpufreq policies, ascending by id
 * @param cpuUtilization     busy fraction per logical CPU, indexed by CPU number
 * @param powerZones         RAPL zones; empty when the node has none
 * @param powerReferenceWatts a node power to normalise by (package PL1 limit, or the simulated
 *                           node's maximum); NaN if unknown
 * @param unavailable        signal name -> reason for every signal this node cannot provide
 *                           (e.g. {@code ipc -> "perf_event_open: hardware events not supported"})
 */
public record TelemetryRecord(
        long monotonicNanos,
        long epochMillis,
        double intervalSeconds,
        List<PolicySample> policies,
        double[] cpuUtilization,
        List<PowerZoneSample> powerZones,
        double powerReferenceWatts,
        Map<String, String> unavailable) {

    /** Sum of package zones' power in watts, NaN when no package zone has a value. */
    public double packageWatts() {
        double sum = 0;
        boolean any = false;
        // indexed, not for-each: called per policy per tick, and the daemon's JIT (C1) keeps
        // every iterator as garbage
        for (int i = 0; i < powerZones.size(); i++) {
            PowerZoneSample zone = powerZones.get(i);
            if (zone.isPackage() && !Double.isNaN(zone.watts())) {
                sum += zone.watts();
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    /** Sum of package zones' energy since start in joules, NaN when there is no package zone. */
    public double packageJoules() {
        double sum = 0;
        boolean any = false;
        for (int i = 0; i < powerZones.size(); i++) {
            PowerZoneSample zone = powerZones.get(i);
            if (zone.isPackage()) {
                sum += zone.joulesTotal();
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    /** The policy with this id, or null (it may have gone away with a hotplug). */
    public PolicySample policy(int id) {
        for (PolicySample p : policies) {
            if (p.id() == id) {
                return p;
            }
        }
        return null;
    }
}
