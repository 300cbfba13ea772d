package dev.flash.telemetry.linux;

import java.nio.file.Path;
import java.util.Arrays;
import oshi.SystemInfo;
import oshi.driver.linux.proc.CpuStat;
import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;

/**
 * Per-CPU utilization from {@code /proc/stat} tick counters, through OSHI. Busy is every tick
 * except idle and iowait (iowait is idle time with I/O outstanding: the CPU could run). Each
 * {@link #sample()} covers the time since the previous one; the constructor takes the first
 * reading, so the first sample covers the time since construction.
 *
 * <p>OSHI's {@code CentralProcessor.getProcessorCpuLoadTicks()} is memoized for 300 ms, which
 * would freeze utilization at faster ticks; the meter calls OSHI's un-memoized {@code /proc/stat}
 * driver ({@link CpuStat#getProcessorCpuLoadTicks(int)}) or, in the daemon ({@link #linux()}),
 * {@link ProcStatTicks}, which reads the same file without per-line garbage. It reads the
 * running kernel's {@code /proc/stat} whatever the sysfs root.
 */
public final class CpuLoadMeter {
    private static final int IDLE = TickType.IDLE.getIndex();
    private static final int IOWAIT = TickType.IOWAIT.getIndex();

    /**
     * Tick counters per CPU in OSHI's layout: {@code [cpu][TickType.getIndex()]}. The array may
     * be reused by the next call (the meter copies what it keeps).
     */
    @FunctionalInterface
    public interface TickSource {
        long[][] ticks();
    }

    private final TickSource source;
    private long[][] previous;
    private double[] last;

    public CpuLoadMeter(TickSource source) {
        this.source = source;
        this.previous = new long[0][];
        keep(source.ticks());
        this.last = new double[previous.length];
    }

    /**
     * The real machine: {@code /proc/stat} through {@link ProcStatTicks} (kept open, parsed
     * without garbage), sized from OSHI's logical processor count.
     */
    public static CpuLoadMeter linux() {
        return procStat(Path.of("/proc/stat"), logicalProcessors());
    }

    /** A {@code /proc/stat}-format file (a fake tree's in tests and benchmarks). */
    public static CpuLoadMeter procStat(Path file, int cpus) {
        return new CpuLoadMeter(new ProcStatTicks(file, cpus));
    }

    /** The real machine through OSHI's {@code /proc/stat} driver (allocates per call; kept for comparison). */
    public static CpuLoadMeter oshi() {
        int count = logicalProcessors();
        return new CpuLoadMeter(() -> CpuStat.getProcessorCpuLoadTicks(count));
    }

    private static int logicalProcessors() {
        CentralProcessor processor = new SystemInfo().getHardware().getProcessor();
        return processor.getLogicalProcessorCount();
    }

    /**
     * Busy fraction 0..1 per CPU since the previous call, indexed by CPU number. A CPU whose
     * counters did not move (a tick shorter than one jiffy, or offline) keeps its last value.
     */
    public double[] sample() {
        long[][] now = source.ticks();
        if (now.length != last.length) {
            last = Arrays.copyOf(last, now.length); // CPUs appeared or went (hotplug)
        }
        double[] busy = last; // owned by the meter: updated in place, a copy is returned
        for (int cpu = 0; cpu < now.length; cpu++) {
            long total = 0;
            long idle = 0;
            long[] cur = now[cpu];
            long[] prev = cpu < previous.length ? previous[cpu] : null;
            for (int t = 0; t < cur.length; t++) {
                long d = Math.max(0, cur[t] - (prev != null && t < prev.length ? prev[t] : 0));
                total += d;
                if (t == IDLE || t == IOWAIT) {
                    idle += d;
                }
            }
            if (total > 0) {
                busy[cpu] = (double) (total - idle) / total;
            } // else: the counters did not move, the CPU keeps its last value
        }
        keep(now);
        return busy.clone();
    }

    /** Copies a reading into {@link #previous}: the source may reuse its arrays. */
    private void keep(long[][] now) {
        if (previous.length != now.length) {
            long[][] resized = new long[now.length][];
            System.arraycopy(previous, 0, resized, 0, Math.min(previous.length, now.length));
            previous = resized;
        }
        for (int cpu = 0; cpu < now.length; cpu++) {
            long[] cur = now[cpu];
            if (previous[cpu] == null || previous[cpu].length != cur.length) {
                previous[cpu] = new long[cur.length];
            }
            System.arraycopy(cur, 0, previous[cpu], 0, cur.length);
        }
    }
}
