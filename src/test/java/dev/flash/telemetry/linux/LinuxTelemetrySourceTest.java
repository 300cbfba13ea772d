package dev.flash.telemetry.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import dev.flash.telemetry.UtilizationHistory;
import dev.flash.telemetry.perf.CounterMeter;
import dev.flash.telemetry.rapl.PowercapEnergyMeter;
import dev.flash.testing.FakePowercap;
import dev.flash.testing.FakeSchedstat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxTelemetrySourceTest {
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    private static PolicySample policy(int id, int... cpus) {
        return new PolicySample(id, cpus, "acpi-cpufreq", "userspace", List.of("userspace", "performance"),
                800_000, 3_000_000, 800_000, 3_000_000, 2_000_000, new long[] {800_000, 2_000_000, 3_000_000},
                Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Four CPUs; each call adds busy ticks 10, 30, 50, 70 out of 100 per CPU. */
    private static CpuLoadMeter fourCpus() {
        AtomicLong calls = new AtomicLong();
        return new CpuLoadMeter(() -> {
            long k = calls.getAndIncrement();
            long[][] t = new long[4][8];
            for (int cpu = 0; cpu < 4; cpu++) {
                long busy = (10 + 20L * cpu) * k;
                t[cpu][0] = busy;
                t[cpu][3] = 100 * k - busy;
            }
            return t;
        });
    }

    @Test
    void aProcStatThatVanishesIsATelemetryErrorNamingIt() throws Exception {
        Path stat = dir.resolve("stat");
        java.io.UncheckedIOException atStart = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.UncheckedIOException.class, () -> CpuLoadMeter.procStat(stat, 1));
        assertTrue(atStart.getMessage().contains(stat.toString()), atStart.getMessage());
        try (LinuxTelemetrySource source = new LinuxTelemetrySource(new SysfsRoot(dir), List::of,
                failingMeter(stat), CounterMeter.unavailable("none"), new PowercapEnergyMeter(new SysfsRoot(dir)),
                noSchedstat(), System::nanoTime)) {
            dev.flash.telemetry.TelemetryException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.flash.telemetry.TelemetryException.class, source::sample);
            assertTrue(e.getMessage().contains(stat.toString()), e.getMessage());
        }
    }

    /** A run-queue meter on a kernel without CONFIG_SCHEDSTATS (like this VM's). */
    private RunQueueMeter noSchedstat() {
        return new RunQueueMeter(dir.resolve("proc/schedstat"), 4);
    }

    /** A meter whose file disappears after its first reading. */
    private static CpuLoadMeter failingMeter(Path stat) throws Exception {
        Files.writeString(stat, "cpu  1 0 1 5\ncpu0 1 0 1 5 0 0 0 0\nintr 0\n");
        ProcStatTicks ticks = new ProcStatTicks(stat, 1);
        CpuLoadMeter meter = new CpuLoadMeter(ticks);
        ticks.close(); // the next reading reopens the file...
        Files.delete(stat); // ...which is gone
        return meter;
    }

    @Test
    void recordShapeWithPowercapAndNoCounters() throws Exception {
        FakePowercap fake = FakePowercap.intelTwoPackages(dir, 120_000_000L);
        AtomicLong clock = new AtomicLong(5 * SECOND);
        List<PolicySample> policies = List.of(policy(0, 0, 1), policy(2, 2, 3));
        try (LinuxTelemetrySource source = new LinuxTelemetrySource(new SysfsRoot(dir), () -> policies,
                fourCpus(), CounterMeter.unavailable("perf_event_open(cycles, pid=-1, cpu=0): not supported"),
                new PowercapEnergyMeter(new SysfsRoot(dir)), noSchedstat(), clock::get)) {
            TelemetryRecord first = source.sample();
            assertEquals(0.0, first.intervalSeconds());
            assertEquals(2, first.policies().size());
            assertEquals(8, first.powerZones().size());
            assertEquals(240.0, first.powerReferenceWatts(), 1e-9);
            assertTrue(Double.isNaN(first.packageWatts()), "first tick only primes energy");

            fake.setEnergy("intel-rapl:0", 60_000_000);
            fake.setEnergy("intel-rapl:1", 40_000_000);
            clock.addAndGet(2 * SECOND);
            TelemetryRecord second = source.sample();
            assertEquals(2.0, second.intervalSeconds(), 1e-12);
            assertEquals(50.0, second.packageWatts(), 1e-9);
            assertEquals(100.0, second.packageJoules(), 1e-9);
            assertEquals(4, second.cpuUtilization().length);
            assertEquals(0.2, second.policy(0).utilization(), 1e-12);  // mean of 0.1 and 0.3
            assertEquals(0.6, second.policy(2).utilization(), 1e-12);  // mean of 0.5 and 0.7
            assertTrue(Double.isNaN(first.policy(0).utilizationAverage()), "no interval, no history");
            assertEquals(0.3, second.policy(0).utilizationAverage(), 1e-12);  // its busiest CPU
            assertEquals(0.0, second.policy(0).utilizationDeviation(), 1e-12);
            assertTrue(Double.isNaN(second.policy(0).ipc()), "no counters: NaN, not a guess");
            assertTrue(Double.isNaN(second.policy(0).instructionsPerSecond()));
            assertEquals(2_000_000, second.policy(0).curKhz(), "cpufreq fields pass through");

            assertTrue(second.unavailable().get(LinuxTelemetrySource.IPC).contains("not supported"));
            assertTrue(second.unavailable().containsKey(LinuxTelemetrySource.MPKI));
            assertFalse(second.unavailable().containsKey(LinuxTelemetrySource.POWER));
            assertFalse(second.unavailable().containsKey(LinuxTelemetrySource.FREQUENCY));
        }
    }

    @Test
    void eachPolicyCarriesTheRunQueueWaitOfItsCpus() throws Exception {
        Path schedstat = Files.createDirectories(dir.resolve("proc")).resolve("schedstat");
        long ms = 1_000_000L;
        FakeSchedstat.of(15, 4).cpu(0, 1000 * ms, 100 * ms).cpu(1, 1000 * ms, 100 * ms)
                .cpu(2, 1000 * ms, 100 * ms).cpu(3, 1000 * ms, 100 * ms).writeTo(schedstat);
        List<PolicySample> policies = List.of(policy(0, 0, 1), policy(2, 2, 3));
        try (LinuxTelemetrySource source = new LinuxTelemetrySource(new SysfsRoot(dir), () -> policies,
                fourCpus(), CounterMeter.unavailable("none"), new PowercapEnergyMeter(new SysfsRoot(dir)),
                new RunQueueMeter(schedstat, 4), System::nanoTime)) {
            TelemetryRecord first = source.sample();
            assertTrue(Double.isNaN(first.policy(0).runWaitShare()), "no delta on the first record");
            assertFalse(first.unavailable().containsKey(LinuxTelemetrySource.RUN_WAIT), "measured, just not yet");

            // policy 0 runs 1 s on each CPU while tasks wait 0.5 s; policy 2 ran 1 s on cpu2 alone, no waiting
            FakeSchedstat.of(15, 4).cpu(0, 2000 * ms, 600 * ms).cpu(1, 2000 * ms, 600 * ms)
                    .cpu(2, 2000 * ms, 100 * ms).cpu(3, 1000 * ms, 100 * ms).writeTo(schedstat);
            TelemetryRecord second = source.sample();
            assertEquals(1000.0 / 3000, second.policy(0).runWaitShare(), 1e-12);
            assertEquals(0.0, second.policy(2).runWaitShare(), 1e-12);
            assertEquals(0.2, second.policy(0).utilization(), 1e-12, "the other measurements as before");
            assertFalse(second.unavailable().containsKey(LinuxTelemetrySource.RUN_WAIT));

            Files.writeString(schedstat, "version 15\ntimestamp 1\ncpu0 1 2\n");
            TelemetryRecord malformed = source.sample();
            assertTrue(Double.isNaN(malformed.policy(0).runWaitShare()));
            assertTrue(malformed.unavailable().get(LinuxTelemetrySource.RUN_WAIT).contains("cpu0"),
                    "a malformed reading says what was wrong: " + malformed.unavailable());
        }
    }

    @Test
    void withoutSchedstatTheShareIsNanAndTheRecordSaysWhy() throws Exception {
        List<PolicySample> policies = List.of(policy(0, 0, 1));
        try (LinuxTelemetrySource source = new LinuxTelemetrySource(new SysfsRoot(dir), () -> policies,
                fourCpus(), CounterMeter.unavailable("none"), new PowercapEnergyMeter(new SysfsRoot(dir)),
                noSchedstat(), System::nanoTime)) {
            source.sample();
            TelemetryRecord r = source.sample();
            assertTrue(Double.isNaN(r.policy(0).runWaitShare()));
            String reason = r.unavailable().get(LinuxTelemetrySource.RUN_WAIT);
            assertTrue(reason != null && reason.contains("schedstat absent") && reason.contains("CONFIG_SCHEDSTATS"),
                    String.valueOf(r.unavailable()));
            assertEquals(0.2, r.policy(0).utilization(), 1e-12, "everything else is measured");
        }
    }

    @Test
    void countersAggregateOverEachPolicysCpus() {
        CounterMeter.Deltas deltas = new CounterMeter.Deltas(
                new double[] {4e9, 2e9, 1e9, 1e9},
                new double[] {2e9, 2e9, 1e9, 1e9},
                new double[] {1e7, 1e7, 1e7, 1e7},
                new double[] {3e6, 3e6, 1e6, 1e6});
        double[] util = {1.0, 0.5, 0.0, 0.0};
        PolicySample p = LinuxTelemetrySource.withMeasurements(policy(0, 0, 1), util, deltas, 2.0, new UtilizationHistory(),
                0.25);
        assertEquals(0.75, p.utilization(), 1e-12);
        assertEquals(1.5, p.ipc(), 1e-12);                 // 6e9 instructions / 4e9 cycles
        assertEquals(1.0, p.mpki(), 1e-12);                // 1000 * 6e6 / 6e9
        assertEquals(3e9, p.instructionsPerSecond(), 1e-3); // 6e9 over 2 s
        assertEquals(0.25, p.runWaitShare(), "the run-queue share is set in the same copy");
        assertTrue(Double.isNaN(LinuxTelemetrySource.withMeasurements(policy(0, 0, 1), util, deltas, 0, new UtilizationHistory(), 0.25)
                .instructionsPerSecond()), "no interval on the first record");
    }

    @Test
    void thisVmSaysWhatIsMissingAndWhy() throws Exception {
        try (LinuxTelemetrySource source = LinuxTelemetrySource.open(SysfsRoot.system(), List::of)) {
            source.sample();
            TelemetryRecord r = source.sample();
            assertTrue(r.intervalSeconds() > 0);
            assertEquals(dev.flash.testing.ThisMachine.logicalCpus(), r.cpuUtilization().length);
            assertTrue(r.policies().isEmpty());
            assertTrue(r.unavailable().get(LinuxTelemetrySource.FREQUENCY).contains("no cpufreq"));
            for (String signal : r.unavailable().keySet()) {
                assertFalse(r.unavailable().get(signal).isBlank(), signal + " has a reason");
            }
            // Energy and counters, on every machine: a value, or the reason there is none.
            String power = r.unavailable().get(LinuxTelemetrySource.POWER);
            if (power == null) {
                assertFalse(r.powerZones().isEmpty(), "power available: zones are read");
            } else {
                assertTrue(r.powerZones().isEmpty() && Double.isNaN(r.powerReferenceWatts()));
                // the reason names what this machine has: powercap zones, MSR devices (a VM with the
                // msr module loaded whose RAPL registers fail), or neither
                if (Files.isDirectory(Path.of("/sys/class/powercap"))) {
                    assertTrue(power.contains("energy_uj") || power.contains("RAPL"), power);
                } else if (msrDevices()) {
                    assertTrue(power.contains("msr") || power.contains("MSR") || power.contains("RAPL"), power);
                } else {
                    assertTrue(power.contains("energy unavailable"), power);
                }
            }
            String ipc = r.unavailable().get(LinuxTelemetrySource.IPC);
            if (ipc != null) { // with a PMU it is measured (per policy; this source scans none)
                assertTrue(ipc.contains("not supported") || ipc.contains("perf_event_paranoid"), ipc);
                assertTrue(r.unavailable().containsKey(LinuxTelemetrySource.MPKI));
            }
            assertTrue(source.describe().contains("linux (/)"), source.describe());
        }
    }

    private static boolean msrDevices() throws java.io.IOException {
        Path devCpu = Path.of("/dev/cpu");
        if (!Files.isDirectory(devCpu)) {
            return false;
        }
        try (java.util.stream.Stream<Path> cpus = Files.list(devCpu)) {
            return cpus.anyMatch(c -> Files.exists(c.resolve("msr")));
        }
    }
}
