package dev.flash.telemetry.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

class CpuLoadMeterTest {

    @Test
    void busyExcludesIdleAndIowait() {
        // OSHI layout: user, nice, system, idle, iowait, irq, softirq, steal
        Deque<long[][]> readings = new ArrayDeque<>();
        readings.add(new long[][] {{0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0}});
        readings.add(new long[][] {{30, 0, 10, 40, 20, 0, 0, 0}, {0, 0, 0, 100, 0, 0, 0, 0}});
        readings.add(new long[][] {{30, 0, 10, 40, 20, 0, 0, 0}, {50, 0, 0, 150, 0, 0, 0, 0}});
        CpuLoadMeter meter = new CpuLoadMeter(readings::poll);
        assertArrayEquals(new double[] {0.4, 0.0}, meter.sample(), 1e-12);
        // CPU 0 did not move: it keeps its last value
        assertArrayEquals(new double[] {0.4, 0.5}, meter.sample(), 1e-12);
    }

    /**
     * The meter against this process's own CPU time over the same interval: the machine was busy
     * at least as long as our spinning threads ran, however busy other builds kept it. The spin
     * is measured in CPU time, not wall time, so a loaded machine only makes it take longer.
     */
    @Test
    void busyTimeCoversWhatThisProcessSpent() throws InterruptedException {
        CpuLoadMeter meter = CpuLoadMeter.linux();
        int cpus = Runtime.getRuntime().availableProcessors();
        meter.sample();
        long wallStart = System.nanoTime();
        long cpuStart = processCpuNanos();
        Thread[] spinners = new Thread[cpus];
        for (int i = 0; i < cpus; i++) {
            spinners[i] = new Thread(() -> spinCpu(300));
            spinners[i].start();
        }
        for (Thread t : spinners) {
            t.join();
        }
        double[] busy = meter.sample();
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        double ourSeconds = (processCpuNanos() - cpuStart) / 1e9;
        assertEquals(dev.flash.testing.ThisMachine.logicalCpus(), busy.length, "one value per logical CPU");
        double machineBusySeconds = 0;
        for (double b : busy) {
            assertTrue(b >= 0 && b <= 1, "a share: " + b);
            machineBusySeconds += b * wallSeconds;
        }
        // /proc/stat counts in jiffies (10 ms per CPU at worst), and the two intervals differ by
        // the time between the reads: a small slack for both
        double slack = 0.02 * busy.length + 0.1 * ourSeconds;
        assertTrue(ourSeconds >= 0.3 * cpus * 0.9, "the spinners ran: " + ourSeconds + " s of CPU");
        assertTrue(machineBusySeconds >= ourSeconds - slack, "busy " + machineBusySeconds + " CPU-s, we alone spent "
                + ourSeconds + " CPU-s over " + wallSeconds + " s");
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Spins until this thread has used {@code millis} of CPU time. */
    private static void spinCpu(long millis) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + millis * 1_000_000L;
        long x = 1;
        while (threads.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        if (x == 0) {
            System.out.print("");
        }
    }

}
