package dev.flash.telemetry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The signals a node may lack, grouped by the part of the machine that gives them: a model
 * states which groups it requires and which it tolerates missing, the daemon compares them with
 * {@link TelemetryRecord#unavailable()}, and {@code flash evaluate dvfs --drop-signals} removes
 * them from the simulated node the way a real node reports them.
 *
 * <pre>
 *   pmu        ipc, mpki (and instructions/s)  hardware counters, perf_event_open; absent in most VMs
 *   rapl       power (package energy)          powercap or the RAPL MSRs; absent in VMs and on many ARM hosts
 *   schedstat  run_wait                        /proc/schedstat, a kernel without CONFIG_SCHEDSTATS has none
 *   cpufreq    frequency                       without it there is nothing to manage
 * </pre>
 *
 * Signal names are the keys the Linux source writes into {@code unavailable()}
 * ({@code LinuxTelemetrySource.IPC} and its neighbours; a test keeps the two in step).
 */
public final class SignalGroups {
    private SignalGroups() {
    }

    public static final String PMU = "pmu";
    public static final String RAPL = "rapl";
    public static final String SCHEDSTAT = "schedstat";
    public static final String CPUFREQ = "cpufreq";

    /** Group -> the {@link TelemetryRecord#unavailable()} keys it covers, in report order. */
    public static final Map<String, List<String>> SIGNALS = signals();

    /** The groups a node commonly lacks while still being manageable (cpufreq is not one). */
    public static final List<String> DROPPABLE = List.of(PMU, RAPL, SCHEDSTAT);

    private static Map<String, List<String>> signals() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put(PMU, List.of("ipc", "mpki"));
        m.put(RAPL, List.of("power"));
        m.put(SCHEDSTAT, List.of("run_wait"));
        m.put(CPUFREQ, List.of("frequency"));
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Parses a comma-separated list of group names ("" is none).
     *
     * @throws IllegalArgumentException naming the unknown group and the known ones
     */
    public static Set<String> parse(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String part : list.split(",", -1)) {
            String g = part.trim();
            if (!SIGNALS.containsKey(g)) {
                throw new IllegalArgumentException("unknown signal group '" + g + "' (known: "
                        + String.join(", ", SIGNALS.keySet()) + ")");
            }
            out.add(g);
        }
        return out;
    }

    /**
     * Whether the node reports any signal of {@code group} unavailable. Allocation-free: the
     * daemon asks it for every policy on every tick (the missing-signal mask).
     */
    public static boolean isLacking(String group, Map<String, String> unavailable) {
        if (unavailable == null || unavailable.isEmpty()) {
            return false;
        }
        for (String signal : SIGNALS.getOrDefault(group, List.of())) {
            if (unavailable.containsKey(signal)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Of {@code groups}, those the node reports unavailable, each with its reasons as the record
     * gives them ("ipc: perf_event_open: ...; mpki: ..."); empty when the node provides them all.
     */
    public static Map<String, String> lacking(Collection<String> groups, Map<String, String> unavailable) {
        Map<String, String> out = new LinkedHashMap<>();
        if (unavailable == null || unavailable.isEmpty()) {
            return out;
        }
        for (String g : groups) {
            List<String> reasons = new ArrayList<>();
            for (String signal : SIGNALS.getOrDefault(g, List.of())) {
                String why = unavailable.get(signal);
                if (why != null) {
                    reasons.add(signal + ": " + why);
                }
            }
            if (!reasons.isEmpty()) {
                out.put(g, String.join("; ", reasons));
            }
        }
        return out;
    }

    /**
     * The record as a node without {@code groups} reports it: the PMU's readings (ipc, mpki,
     * instructions/s) and the run-queue share NaN, no power zones and no reference power, and
     * each missing signal named in {@code unavailable} with {@code reason}. Everything else
     * (utilization, frequency, its history) is the node's own reading.
     */
    public static TelemetryRecord without(TelemetryRecord r, Set<String> groups, String reason) {
        if (groups.isEmpty()) {
            return r;
        }
        if (!DROPPABLE.containsAll(groups)) {
            throw new IllegalArgumentException("only " + DROPPABLE + " can be removed from a node, not " + groups);
        }
        boolean pmu = groups.contains(PMU);
        boolean schedstat = groups.contains(SCHEDSTAT);
        List<PolicySample> policies = r.policies();
        if (pmu || schedstat) {
            policies = new ArrayList<>(r.policies().size());
            for (PolicySample p : r.policies()) {
                policies.add(new PolicySample(p.id(), p.cpus(), p.driver(), p.governor(), p.availableGovernors(),
                        p.cpuinfoMinKhz(), p.cpuinfoMaxKhz(), p.scalingMinKhz(), p.scalingMaxKhz(), p.curKhz(),
                        p.availableKhz(), p.utilization(), pmu ? Double.NaN : p.ipc(), pmu ? Double.NaN : p.mpki(),
                        pmu ? Double.NaN : p.instructionsPerSecond(), p.utilizationAverage(),
                        p.utilizationDeviation(), schedstat ? Double.NaN : p.runWaitShare()));
            }
            policies = List.copyOf(policies);
        }
        boolean rapl = groups.contains(RAPL);
        Map<String, String> unavailable = new LinkedHashMap<>(r.unavailable() == null ? Map.of() : r.unavailable());
        for (String g : groups) {
            for (String signal : SIGNALS.getOrDefault(g, List.of())) {
                unavailable.putIfAbsent(signal, reason);
            }
        }
        return new TelemetryRecord(r.monotonicNanos(), r.epochMillis(), r.intervalSeconds(), policies,
                r.cpuUtilization(), rapl ? List.of() : r.powerZones(), rapl ? Double.NaN : r.powerReferenceWatts(),
                Map.copyOf(unavailable));
    }
}
