package dev.flash.telemetry.linux;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.PowerZoneSample;
import dev.flash.telemetry.TelemetryException;
import dev.flash.telemetry.TelemetryRecord;
import dev.flash.telemetry.TelemetrySource;
import dev.flash.telemetry.UtilizationHistory;
import dev.flash.telemetry.perf.CounterMeter;
import dev.flash.telemetry.rapl.EnergyMeter;
import dev.flash.telemetry.rapl.EnergyMeters;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The real node: cpufreq policies (through a {@link PolicyScanner}), per-CPU utilization
 * ({@link CpuLoadMeter}), hardware counters ({@link CounterMeter}, often unavailable in VMs) and
 * RAPL energy ({@link EnergyMeter}) joined into one {@link TelemetryRecord} per tick.
 *
 * <p>Signals the node cannot give are named in {@link TelemetryRecord#unavailable()} with a
 * reason: {@code ipc}, {@code mpki}, {@code power}, {@code frequency}.
 */
public final class LinuxTelemetrySource implements TelemetrySource {
    public static final String IPC = "ipc";
    public static final String MPKI = "mpki";
    public static final String POWER = "power";
    public static final String FREQUENCY = "frequency";

    private final SysfsRoot root;
    private final PolicyScanner scanner;
    private final CpuLoadMeter load;
    private final CounterMeter counters;
    private final EnergyMeter energy;
    private final LongSupplier clock;
    /** Unavailability is fixed at open except for cpufreq, so both maps are built once. */
    private final Map<String, String> unavailableWithFrequency;
    private final Map<String, String> unavailableWithoutFrequency;
    private long previousNanos = Long.MIN_VALUE;
    private final UtilizationHistory history = new UtilizationHistory();

    /**
     * With injected meters (tests, or a caller that wires its own).
     *
     * @param root  used for messages and the status
     * @param clock monotonic nanoseconds, normally {@link System#nanoTime()}
     */
    public LinuxTelemetrySource(SysfsRoot root, PolicyScanner scanner, CpuLoadMeter load, CounterMeter counters,
            EnergyMeter energy, LongSupplier clock) {
        this.root = root;
        this.scanner = scanner;
        this.load = load;
        this.counters = counters;
        this.energy = energy;
        this.clock = clock;
        Map<String, String> fixed = new LinkedHashMap<>();
        counters.ipcUnavailableReason().ifPresent(r -> fixed.put(IPC, r));
        counters.mpkiUnavailableReason().ifPresent(r -> fixed.put(MPKI, r));
        energy.unavailableReason().ifPresent(r -> fixed.put(POWER, r));
        this.unavailableWithFrequency = Map.copyOf(fixed);
        fixed.put(FREQUENCY, "no cpufreq policies under " + root.resolve(SysfsRoot.CPUFREQ)
                + " (no cpufreq driver loaded; typical in virtual machines)");
        this.unavailableWithoutFrequency = Map.copyOf(fixed);
    }

    /**
     * Wires the real meters: utilization from /proc/stat ({@link CpuLoadMeter#linux()}), perf
     * counters on the online CPUs (only when {@code root} is the real "/": counters always come from the running kernel, so a fake
     * tree must not pretend to have them), and the first energy meter that works.
     */
    public static LinuxTelemetrySource open(SysfsRoot root, PolicyScanner scanner) {
        CounterMeter counters;
        if (root.isSystemRoot()) {
            int[] online = SysfsRoot.readCpuList(root.resolve(SysfsRoot.CPU + "/online"));
            if (online.length == 0) {
                online = java.util.stream.IntStream.range(0, Runtime.getRuntime().availableProcessors()).toArray();
            }
            counters = CounterMeter.open(online);
        } else {
            counters = CounterMeter.unavailable("hardware counters come from the running kernel; not read with"
                    + " sysfs root " + root);
        }
        return new LinuxTelemetrySource(root, scanner, CpuLoadMeter.linux(), counters, EnergyMeters.detect(root),
                System::nanoTime);
    }

    @Override
    public String describe() {
        return "linux (" + root + "); energy: " + energy.describe() + "; counters: " + counters.describe();
    }

    @Override
    public TelemetryRecord sample() throws TelemetryException {
        long now = clock.getAsLong();
        long epochMillis = System.currentTimeMillis();
        double interval = previousNanos == Long.MIN_VALUE ? 0 : (now - previousNanos) / 1e9;
        previousNanos = now;

        List<PolicySample> scanned = scanner.scan();
        double[] utilization;
        try {
            utilization = load.sample();
        } catch (java.io.UncheckedIOException e) {
            throw new TelemetryException("cpu utilization: " + e.getMessage(), e);
        }
        CounterMeter.Deltas deltas = counters.read();
        List<PowerZoneSample> zones = energy.read(now);

        PolicySample[] policies = new PolicySample[scanned.size()];
        for (int i = 0; i < policies.length; i++) {
            policies[i] = withMeasurements(scanned.get(i), utilization, deltas, interval, history);
        }
        // one array, wrapped read-only (List.copyOf would copy it once more per tick)
        return new TelemetryRecord(now, epochMillis, interval, Collections.unmodifiableList(Arrays.asList(policies)),
                utilization, zones,
                energy.referenceWatts(), scanned.isEmpty() ? unavailableWithoutFrequency : unavailableWithFrequency);
    }

    /**
     * A policy with its utilization (mean over its CPUs), counter values (aggregated over its
     * CPUs; instructions per second needs an interval, so it is NaN on the first record) and
     * utilization history ({@code history} is advanced by this interval), in one copy.
     */
    static PolicySample withMeasurements(PolicySample p, double[] utilization, CounterMeter.Deltas deltas,
            double intervalSeconds, UtilizationHistory history) {
        double sum = 0;
        int n = 0;
        for (int cpu : p.cpus()) {
            if (cpu >= 0 && cpu < utilization.length) {
                sum += utilization[cpu];
                n++;
            }
        }
        double util = n > 0 ? sum / n : Double.NaN;
        double ips = intervalSeconds > 0 ? deltas.instructions(p.cpus()) / intervalSeconds : Double.NaN;
        // the scanned sample's own utilization is NaN, so its busiest CPU comes from the per-CPU
        // values alone: the same as the measured sample's wherever one of them is readable
        history.add(p, utilization, intervalSeconds);
        return p.withMeasurements(util, deltas.ipc(p.cpus()), deltas.mpki(p.cpus()), ips, history.average(p.id()),
                history.deviation(p.id()));
    }

    @Override
    public void close() {
        counters.close();
        energy.close();
    }
}
