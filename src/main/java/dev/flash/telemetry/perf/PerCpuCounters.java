package dev.flash.telemetry.perf;

import java.util.List;

/**
 * One perf group per CPU, system-wide (pid -1, cpu N): reads every CPU's counts and turns them
 * into per-tick deltas, scaled for multiplexing. Works with any events; {@link CounterMeter}
 * uses hardware ones, tests use software ones (they exist on every kernel, VMs included).
 */
final class PerCpuCounters implements AutoCloseable {
    private final List<PerfEventOpen.Event> events;
    /** Indexed by CPU number; null where the CPU is not counted (offline at open). */
    private final PerfGroup[] groups;
    /** Last raw read per CPU: [enabled, running, counts...]. */
    private final long[][] previous;
    private final long[] current;

    private PerCpuCounters(List<PerfEventOpen.Event> events, PerfGroup[] groups) {
        this.events = events;
        this.groups = groups;
        this.previous = new long[groups.length][2 + events.size()];
        this.current = new long[2 + events.size()];
    }

    /**
     * Opens and starts the group on every CPU. An offline CPU (ENODEV) is left out; any other
     * failure closes what was opened and is thrown, so the caller sees one clear reason.
     */
    static PerCpuCounters open(int[] cpus, List<PerfEventOpen.Event> events) throws PerfException {
        int width = 0;
        for (int cpu : cpus) {
            width = Math.max(width, cpu + 1);
        }
        PerfGroup[] groups = new PerfGroup[width];
        PerCpuCounters counters = new PerCpuCounters(List.copyOf(events), groups);
        boolean any = false;
        try {
            for (int cpu : cpus) {
                try {
                    groups[cpu] = PerfEventOpen.openGroup(-1, cpu, events);
                    any = true;
                } catch (PerfException e) {
                    if (e.errno() != PerfEventOpen.ENODEV) {
                        throw e;
                    }
                }
            }
            if (!any) {
                throw new PerfException(PerfEventOpen.ENODEV, "perf_event_open: no online CPU among the "
                        + cpus.length + " requested");
            }
            for (PerfGroup g : groups) {
                if (g != null) {
                    g.reset();
                    g.enable();
                }
            }
        } catch (PerfException | RuntimeException e) {
            counters.close();
            throw e;
        }
        return counters;
    }

    List<PerfEventOpen.Event> events() {
        return events;
    }

    /** Number of CPU slots (highest CPU number + 1). */
    int width() {
        return groups.length;
    }

    /**
     * Counts since the previous call (since open on the first), scaled by time enabled over time
     * running, into {@code out[event][cpu]}; NaN where a CPU is not counted or its group never
     * got on the PMU during the tick.
     */
    void readDeltas(double[][] out) {
        int n = events.size();
        for (int cpu = 0; cpu < groups.length; cpu++) {
            PerfGroup g = groups[cpu];
            boolean ok = false;
            if (g != null) {
                try {
                    g.read(current);
                    ok = true;
                } catch (PerfException e) {
                    ok = false; // this CPU's value is unknown for this tick
                }
            }
            long[] prev = previous[cpu];
            long enabled = current[0] - prev[0];
            long running = current[1] - prev[1];
            if (!ok || running <= 0) {
                for (int e = 0; e < n; e++) {
                    out[e][cpu] = Double.NaN;
                }
                if (ok) {
                    System.arraycopy(current, 0, prev, 0, current.length);
                }
                continue;
            }
            double scale = (double) enabled / running;
            for (int e = 0; e < n; e++) {
                out[e][cpu] = (current[2 + e] - prev[2 + e]) * scale;
            }
            System.arraycopy(current, 0, prev, 0, current.length);
        }
    }

    /** Allocating convenience for tests: [event][cpu]. */
    double[][] readDeltas() {
        double[][] out = new double[events.size()][groups.length];
        readDeltas(out);
        return out;
    }

    @Override
    public void close() {
        for (int i = 0; i < groups.length; i++) {
            if (groups[i] != null) {
                groups[i].close();
                groups[i] = null;
            }
        }
    }
}
