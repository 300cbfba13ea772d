package dev.flash.telemetry.perf;

import dev.flash.telemetry.perf.PerfEventOpen.Event;
import java.util.List;
import java.util.Optional;

/**
 * Hardware counters per CPU for the policy's features: instructions, cycles, cache-references
 * and cache-misses, counted system-wide on each CPU (pid -1, cpu N) in one group so IPC and MPKI
 * come from the same time slices.
 *
 * <p>Where the hardware events do not exist (virtual machines without a virtual PMU) the meter
 * is unavailable and says why; it never substitutes software events or estimates. If the
 * cache events alone are missing, IPC stays available and only MPKI is marked unavailable.
 */
public final class CounterMeter implements AutoCloseable {
    static final Event CYCLES = Event.hardware("cycles", PerfEventOpen.HW_CPU_CYCLES);
    static final Event INSTRUCTIONS = Event.hardware("instructions", PerfEventOpen.HW_INSTRUCTIONS);
    static final Event CACHE_REFERENCES = Event.hardware("cache-references", PerfEventOpen.HW_CACHE_REFERENCES);
    static final Event CACHE_MISSES = Event.hardware("cache-misses", PerfEventOpen.HW_CACHE_MISSES);
    private static final List<Event> ALL = List.of(CYCLES, INSTRUCTIONS, CACHE_REFERENCES, CACHE_MISSES);
    private static final List<Event> CORE_ONLY = List.of(CYCLES, INSTRUCTIONS);

    private final PerCpuCounters counters; // null when unavailable
    private final String ipcReason;
    private final String mpkiReason;

    private CounterMeter(PerCpuCounters counters, String ipcReason, String mpkiReason) {
        this.counters = counters;
        this.ipcReason = ipcReason;
        this.mpkiReason = mpkiReason;
    }

    /**
     * Opens the counters on {@code cpus}. Never throws: failures become unavailability with the
     * kernel's reason in words (not supported / permission / offline).
     */
    public static CounterMeter open(int[] cpus) {
        if (cpus.length == 0) {
            return unavailable("no CPUs to count on");
        }
        try {
            return new CounterMeter(PerCpuCounters.open(cpus, ALL), null, null);
        } catch (PerfException full) {
            if (!full.isUnsupported()) {
                return unavailable(full.getMessage());
            }
            try {
                PerCpuCounters core = PerCpuCounters.open(cpus, CORE_ONLY);
                return new CounterMeter(core, null, full.getMessage());
            } catch (PerfException coreFailure) {
                return unavailable(coreFailure.getMessage());
            }
        } catch (RuntimeException | LinkageError e) {
            // JNA could not load libc or bind the syscall: say so rather than crash the daemon
            return unavailable("perf_event_open unavailable: " + e);
        }
    }

    /** A meter that counts nothing and gives {@code reason} for IPC and MPKI. */
    public static CounterMeter unavailable(String reason) {
        return new CounterMeter(null, reason, reason);
    }

    public Optional<String> ipcUnavailableReason() {
        return Optional.ofNullable(ipcReason);
    }

    public Optional<String> mpkiUnavailableReason() {
        return Optional.ofNullable(mpkiReason);
    }

    /** True when anything is counted (IPC at least). */
    public boolean available() {
        return counters != null;
    }

    /**
     * Per-CPU counts since the previous call (since open on the first), scaled for
     * multiplexing; {@link Deltas#NONE} when unavailable. Allocates four small arrays per call.
     */
    public Deltas read() {
        if (counters == null) {
            return Deltas.NONE;
        }
        int w = counters.width();
        double[][] out = new double[counters.events().size()][w];
        counters.readDeltas(out);
        double[] nan = null;
        if (out.length < 4) {
            nan = new double[w];
            java.util.Arrays.fill(nan, Double.NaN);
        }
        return new Deltas(out[1], out[0], out.length > 2 ? out[2] : nan, out.length > 3 ? out[3] : nan);
    }

    public String describe() {
        if (counters == null) {
            return "hardware counters unavailable: " + ipcReason;
        }
        return "perf_event_open " + counters.events().stream().map(Event::name).toList() + " on "
                + counters.width() + " CPU slots" + (mpkiReason == null ? "" : " (no MPKI: " + mpkiReason + ")");
    }

    @Override
    public void close() {
        if (counters != null) {
            counters.close();
        }
    }

    /**
     * Per-CPU deltas over one tick, indexed by CPU number; NaN where a CPU was not counted.
     * Helpers aggregate over a policy's CPUs: ratios of sums, NaN when any CPU lacks a value.
     */
    public record Deltas(double[] instructions, double[] cycles, double[] cacheReferences, double[] cacheMisses) {
        public static final Deltas NONE = new Deltas(new double[0], new double[0], new double[0], new double[0]);

        /** Instructions over cycles on these CPUs; NaN when unknown or no cycle ran. */
        public double ipc(int[] cpus) {
            double cyc = sum(cycles, cpus);
            return cyc > 0 ? sum(instructions, cpus) / cyc : Double.NaN;
        }

        /** Cache misses per 1000 instructions on these CPUs; NaN when unknown or nothing retired. */
        public double mpki(int[] cpus) {
            double ins = sum(instructions, cpus);
            return ins > 0 ? 1000.0 * sum(cacheMisses, cpus) / ins : Double.NaN;
        }

        /** Instructions retired on these CPUs over the tick; NaN when unknown. */
        public double instructions(int[] cpus) {
            return sum(instructions, cpus);
        }

        private static double sum(double[] perCpu, int[] cpus) {
            if (cpus.length == 0) {
                return Double.NaN;
            }
            double s = 0;
            for (int cpu : cpus) {
                if (cpu < 0 || cpu >= perCpu.length) {
                    return Double.NaN;
                }
                s += perCpu[cpu]; // NaN propagates
            }
            return s;
        }
    }
}
