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

    @Test
    void aSpinningThreadRaisesRealUtilization() throws InterruptedException {
        CpuLoadMeter meter = CpuLoadMeter.linux();
        int cpus = Runtime.getRuntime().availableProcessors();
        Thread.sleep(300);
        double quiet = mean(meter.sample());
        Thread[] spinners = new Thread[cpus];
        for (int i = 0; i < cpus; i++) {
            spinners[i] = new Thread(() -> spin(400));
            spinners[i].start();
        }
        for (Thread t : spinners) {
            t.join();
        }
        double[] busy = meter.sample();
        assertEquals(dev.flash.testing.ThisMachine.logicalCpus(), busy.length, "one value per logical CPU");
        double spinning = mean(busy);
        // With every CPU ours, all are busy; under taskset (fewer CPUs ours) at least the share we spin on.
        assertTrue(spinning > 0.6 * cpus / busy.length, "spinning on every CPU we may use shows as busy: " + spinning);
        // The development machines are shared (other builds run), so the quiet interval may be
        // busy too; spinning on every CPU can only keep or raise it (small tolerance for rounding).
        assertTrue(spinning >= quiet - 0.1, "not less busy than the quiet interval: " + spinning + " vs " + quiet);
    }

    private static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.length;
    }

    private static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long x = 1;
        while (System.nanoTime() < end) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        if (x == 0) {
            System.out.print("");
        }
    }
}
