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
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The real node: cpufreq policies (through a {@link PolicyScanner}), per-CPU utilization
 * ({@link CpuLoadMeter}), hardware counters ({@link CounterMeter}, often unavailable in VMs),
 * run-queue wait ({@link RunQueueMeter}, absent on kernels without schedstats) and RAPL energy
 * ({@link EnergyMeter}) joined into one {@link TelemetryRecord} per tick.
 *
 * <p>Signals the node cannot give are named in {@link TelemetryRecord#unavailable()} with a
 * reason: {@code ipc}, {@code mpki}, {@code power}, {@code frequency}, {@code run_wait}.
 */
public final class LinuxTelemetrySource implements TelemetrySource {
    public static final String IPC = "ipc";
    public static final String MPKI = "mpki";
    public static final String POWER = "power";
    public static final String FREQUENCY = "frequency";
    public static final String RUN_WAIT = "run_wait";

    private final SysfsRoot root;
    private final PolicyScanner scanner;
    private final CpuLoadMeter load;
    private final CounterMeter counters;
    private final EnergyMeter energy;
    private final RunQueueMeter runQueue;
    private final LongSupplier clock;
    /** Signals unavailable from open to close (counters, energy). */
    private final Map<String, String> fixedUnavailable;
    /**
     * The record's unavailable map with and without cpufreq. Rebuilt only when the run-queue
     * meter's problem changes (it may fail mid-run or read a malformed file), so a tick reuses
     * them instead of building a map.
     */
    private Map<String, String> unavailableWithFrequency;
    private Map<String, String> unavailableWithoutFrequency;
    private String runWaitProblemInMaps;
    private long previousNanos = Long.MIN_VALUE;
    private final UtilizationHistory history = new UtilizationHistory();

    /**
     * With injected meters (tests, or a caller that wires its own).
     *
     * @param root     used for messages and the status
     * @param runQueue {@code /proc/schedstat} or a fake copy; an unavailable one is reported
     * @param clock    monotonic nanoseconds, normally {@link System#nanoTime()}
     */
    public LinuxTelemetrySource(SysfsRoot root, PolicyScanner scanner, CpuLoadMeter load, CounterMeter counters,
            EnergyMeter energy, RunQueueMeter runQueue, LongSupplier clock) {
        this.root = root;
        this.scanner = scanner;
        this.load = load;
        this.counters = counters;
        this.energy = energy;
        this.runQueue = runQueue;
        this.clock = clock;
        Map<String, String> fixed = new LinkedHashMap<>();
        counters.ipcUnavailableReason().ifPresent(r -> fixed.put(IPC, r));
        counters.mpkiUnavailableReason().ifPresent(r -> fixed.put(MPKI, r));
        energy.unavailableReason().ifPresent(r -> fixed.put(POWER, r));
        this.fixedUnavailable = fixed;
        buildUnavailable(runQueue.problem());
    }

    /** The unavailable maps for this run-queue problem (null: run_wait is measured). */
    private void buildUnavailable(String runWaitProblem) {
        Map<String, String> signals = new LinkedHashMap<>(fixedUnavailable);
        if (runWaitProblem != null) {
            signals.put(RUN_WAIT, runWaitProblem);
        }
        unavailableWithFrequency = Map.copyOf(signals);
        signals.put(FREQUENCY, "no cpufreq policies under " + root.resolve(SysfsRoot.CPUFREQ)
                + " (no cpufreq driver loaded; typical in virtual machines)");
        unavailableWithoutFrequency = Map.copyOf(signals);
        runWaitProblemInMaps = runWaitProblem;
    }

    /**
     * Wires the real meters: utilization from /proc/stat ({@link CpuLoadMeter#linux()}), perf
     * counters on the online CPUs (only when {@code root} is the real "/": counters always come from the running kernel, so a fake
     * tree must not pretend to have them), run-queue wait from /proc/schedstat
     * ({@link RunQueueMeter#linux()}, the running kernel's as /proc/stat is), and the first
     * energy meter that works.
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
                RunQueueMeter.linux(), System::nanoTime);
    }

    @Override
    public String describe() {
        return "linux (" + root + "); energy: " + energy.describe() + "; counters: " + counters.describe()
                + "; run queue: " + runQueue.unavailableReason().orElse(runQueue.file().toString());
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
        runQueue.read();
        List<PowerZoneSample> zones = energy.read(now);

        PolicySample[] policies = new PolicySample[scanned.size()];
        for (int i = 0; i < policies.length; i++) {
            PolicySample p = scanned.get(i);
            policies[i] = withMeasurements(p, utilization, deltas, interval, history, runQueue.waitShare(p.cpus()));
        }
        String runWaitProblem = runQueue.problem();
        if (!Objects.equals(runWaitProblem, runWaitProblemInMaps)) {
            buildUnavailable(runWaitProblem); // the meter failed, or a reading was malformed or whole again
        }
        // one array, wrapped read-only (List.copyOf would copy it once more per tick)
        return new TelemetryRecord(now, epochMillis, interval, Collections.unmodifiableList(Arrays.asList(policies)),
                utilization, zones,
                energy.referenceWatts(), scanned.isEmpty() ? unavailableWithoutFrequency : unavailableWithFrequency);
    }

    /**
     * A policy with its utilization (mean over its CPUs), counter values (aggregated over its
     * CPUs; instructions per second needs an interval, so it is NaN on the first record),
     * utilization history ({@code history} is advanced by this interval) and run-queue wait
     * share ({@link RunQueueMeter#waitShare}), in one copy.
     */
    static PolicySample withMeasurements(PolicySample p, double[] utilization, CounterMeter.Deltas deltas,
            double intervalSeconds, UtilizationHistory history, double runWaitShare) {
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
                history.deviation(p.id()), runWaitShare);
    }

    @Override
    public void close() {
        counters.close();
        energy.close();
        runQueue.close();
    }
}
