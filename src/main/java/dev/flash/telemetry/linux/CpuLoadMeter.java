package dev.flash.telemetry.linux;

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
 * driver ({@link CpuStat#getProcessorCpuLoadTicks(int)}) instead. It reads the running kernel's
 * {@code /proc/stat} whatever the sysfs root.
 */
public final class CpuLoadMeter {
    private static final int IDLE = TickType.IDLE.getIndex();
    private static final int IOWAIT = TickType.IOWAIT.getIndex();

    /** Tick counters per CPU in OSHI's layout: {@code [cpu][TickType.getIndex()]}. */
    @FunctionalInterface
    public interface TickSource {
        long[][] ticks();
    }

    private final TickSource source;
    private long[][] previous;
    private double[] last;

    public CpuLoadMeter(TickSource source) {
        this.source = source;
        this.previous = source.ticks();
        this.last = new double[previous.length];
    }

    /** The real machine through OSHI. */
    public static CpuLoadMeter oshi() {
        CentralProcessor processor = new SystemInfo().getHardware().getProcessor();
        int count = processor.getLogicalProcessorCount();
        return new CpuLoadMeter(() -> CpuStat.getProcessorCpuLoadTicks(count));
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
        double[] busy = new double[now.length];
        for (int cpu = 0; cpu < now.length; cpu++) {
            long total = 0;
            long idle = 0;
            long[] cur = now[cpu];
            long[] prev = cpu < previous.length ? previous[cpu] : new long[cur.length];
            for (int t = 0; t < cur.length; t++) {
                long d = Math.max(0, cur[t] - (t < prev.length ? prev[t] : 0));
                total += d;
                if (t == IDLE || t == IOWAIT) {
                    idle += d;
                }
            }
            busy[cpu] = total > 0 ? (double) (total - idle) / total : last[cpu];
        }
        previous = now;
        last = busy;
        return busy.clone();
    }
}
