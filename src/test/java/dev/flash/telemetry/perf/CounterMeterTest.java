package dev.flash.telemetry.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CounterMeterTest {

    /** Runs on every machine: a PMU counts (IPC of work done is a number), its absence has a reason. */
    @Test
    void hardwareEventsCountOrAreUnavailableWithAReason() {
        int[] cpus = onlineCpus();
        try (CounterMeter meter = CounterMeter.open(cpus)) {
            if (meter.available()) {
                meter.read();
                PerfEventOpenTest.spinCpu(50); // instructions and cycles on at least this CPU
                double ipc = meter.read().ipc(cpus);
                assertTrue(ipc > 0 && Double.isFinite(ipc), "a PMU counts: IPC " + ipc + ", " + meter.describe());
                assertTrue(meter.ipcUnavailableReason().isEmpty());
                return;
            }
            String reason = meter.ipcUnavailableReason().orElseThrow();
            assertTrue(reason.contains("not supported (no hardware PMU, typical in VMs)")
                    || reason.contains("perf_event_paranoid"), reason);
            assertTrue(reason.contains("cycles"), "names the event: " + reason);
            assertTrue(meter.mpkiUnavailableReason().isPresent());
            CounterMeter.Deltas d = meter.read();
            assertSame(CounterMeter.Deltas.NONE, d, "nothing faked");
            assertTrue(Double.isNaN(d.ipc(cpus)));
        }
    }

    /**
     * The machine's online CPUs as the kernel lists them: not 0..n-1 from the JVM's count, which
     * misses CPUs past an offline one and counts only the test's affinity under taskset or a cpuset.
     */
    private static int[] onlineCpus() {
        try {
            return dev.flash.sysfs.SysfsRoot.parseCpuList(
                    java.nio.file.Files.readString(java.nio.file.Path.of("/sys/devices/system/cpu/online")).trim());
        } catch (java.io.IOException e) {
            int[] cpus = new int[Runtime.getRuntime().availableProcessors()];
            for (int i = 0; i < cpus.length; i++) {
                cpus[i] = i;
            }
            return cpus;
        }
    }

    @Test
    void derivedIpcAndMpkiAggregateOverThePolicysCpus() {
        CounterMeter.Deltas d = new CounterMeter.Deltas(
                new double[] {3000, 1000, 500},   // instructions
                new double[] {1000, 1000, 0},     // cycles
                new double[] {40, 10, 0},         // cache references
                new double[] {6, 2, 0});          // cache misses
        int[] policy = {0, 1};
        assertEquals(2.0, d.ipc(policy), 1e-12);       // 4000 / 2000
        assertEquals(2.0, d.mpki(policy), 1e-12);      // 1000 * 8 / 4000
        assertEquals(4000.0, d.instructions(policy), 1e-12);
        assertTrue(Double.isNaN(d.ipc(new int[] {2})), "no cycles ran: IPC undefined");
        assertTrue(Double.isNaN(d.ipc(new int[] {7})), "CPU not counted");
        CounterMeter.Deltas gap = new CounterMeter.Deltas(new double[] {1, Double.NaN}, new double[] {1, 1},
                new double[] {0, 0}, new double[] {0, 0});
        assertTrue(Double.isNaN(gap.instructions(policy)), "a CPU without a value makes the sum unknown");
    }

    @Test
    void unavailableMeterGivesBothReasons() {
        try (CounterMeter meter = CounterMeter.unavailable("test reason")) {
            assertEquals("test reason", meter.ipcUnavailableReason().orElseThrow());
            assertEquals("test reason", meter.mpkiUnavailableReason().orElseThrow());
            assertSame(CounterMeter.Deltas.NONE, meter.read());
        }
    }
}
