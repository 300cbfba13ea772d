package dev.flash.telemetry.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryException;
import dev.flash.testing.FakeSysfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpufreqReaderTest {
    @TempDir
    Path tmp;

    @Test
    void acpiCpufreqPoliciesSpanSeveralCpusAndHaveATable() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp, 8, 4);
        try (CpufreqReader reader = new CpufreqReader(fake.sysfs())) {
            assertTrue(reader.present());
            List<PolicySample> ps = reader.read();
            assertEquals(List.of(0, 4), ps.stream().map(PolicySample::id).toList());
            PolicySample p = ps.get(1);
            assertArrayEquals(new int[] {4, 5, 6, 7}, p.cpus());
            assertEquals("acpi-cpufreq", p.driver());
            assertEquals("schedutil", p.governor());
            assertTrue(p.offersUserspace());
            assertEquals(800000, p.cpuinfoMinKhz());
            assertEquals(2601000, p.cpuinfoMaxKhz());
            assertEquals(800000, p.scalingMinKhz());
            assertEquals(2601000, p.scalingMaxKhz());
            assertEquals(1800000, p.curKhz());
            assertEquals(11, p.availableKhz().length);
            assertEquals(800000, p.availableKhz()[0], "table is ascending");
            assertTrue(Double.isNaN(p.utilization()) && Double.isNaN(p.ipc())
                    && Double.isNaN(p.mpki()) && Double.isNaN(p.instructionsPerSecond()));
            assertEquals("acpi-cpufreq: 2 policies", reader.driverSummary());
        }
    }

    @Test
    void intelPstateActiveHasOnePolicyPerCpuAndNoUserspace() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp, 4);
        try (CpufreqReader reader = new CpufreqReader(fake.sysfs())) {
            List<PolicySample> ps = reader.read();
            assertEquals(4, ps.size());
            for (PolicySample p : ps) {
                assertArrayEquals(new int[] {p.id()}, p.cpus());
                assertEquals("intel_pstate", p.driver());
                assertEquals(List.of("performance", "powersave"), p.availableGovernors());
                assertFalse(p.offersUserspace());
                assertEquals(0, p.availableKhz().length);
                assertEquals(2100000, p.curKhz());
            }
            assertEquals("intel_pstate (status active): 4 policies", reader.driverSummary());
        }
    }

    @Test
    void intelCpufreqPassiveOffersUserspaceWithoutTable() throws Exception {
        FakeSysfs fake = FakeSysfs.intelCpufreqPassive(tmp, 2);
        try (CpufreqReader reader = new CpufreqReader(fake.sysfs())) {
            List<PolicySample> ps = reader.read();
            assertEquals(2, ps.size());
            assertEquals("intel_cpufreq", ps.get(0).driver());
            assertTrue(ps.get(0).offersUserspace());
            assertEquals(0, ps.get(0).availableKhz().length);
            assertTrue(reader.driverSummary().contains("status passive"), reader.driverSummary());
        }
    }

    @Test
    void amdPstateModesShowTheirDrivers() throws Exception {
        FakeSysfs active = FakeSysfs.amdPstate(tmp.resolve("a"), 2, "active");
        FakeSysfs guided = FakeSysfs.amdPstate(tmp.resolve("g"), 2, "guided");
        try (CpufreqReader a = new CpufreqReader(active.sysfs());
                CpufreqReader g = new CpufreqReader(guided.sysfs())) {
            PolicySample pa = a.read().get(0);
            PolicySample pg = g.read().get(0);
            assertEquals("amd-pstate-epp", pa.driver());
            assertFalse(pa.offersUserspace());
            assertEquals("amd-pstate", pg.driver());
            assertTrue(pg.offersUserspace());
            assertEquals(4500000, pg.cpuinfoMaxKhz());
            assertTrue(a.driverSummary().contains("status active"), a.driverSummary());
            assertTrue(g.driverSummary().contains("status guided"), g.driverSummary());
        }
        assertThrows(IllegalArgumentException.class, () -> FakeSysfs.amdPstate(tmp.resolve("x"), 2, "bogus"));
    }

    @Test
    void dynamicValuesFollowTheFilesWithinSlowEveryTicks() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp, 2, 1);
        try (CpufreqReader reader = new CpufreqReader(fake.sysfs(), 4)) {
            reader.read();
            fake.set(1, "scaling_cur_freq", "1200000");
            assertEquals(1200000, reader.read().get(1).curKhz(), "cur is read every tick");
            fake.set(1, "scaling_governor", "performance");
            fake.set(1, "scaling_max_freq", "2000000");
            PolicySample seen = null;
            for (int i = 0; i < 4; i++) {
                seen = reader.read().get(1);
            }
            assertEquals("performance", seen.governor());
            assertEquals(2000000, seen.scalingMaxKhz());
        }
    }

    @Test
    void unreadableCurrentFrequencyIsMinusOneNotAnError() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp, 2, 1);
        fake.set(0, "scaling_cur_freq", "<unknown>");
        try (CpufreqReader reader = new CpufreqReader(fake.sysfs())) {
            assertEquals(-1, reader.read().get(0).curKhz());
        }
    }

    @Test
    void policyRemovedMidRunIsSkippedAndComesBack() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp, 4);
        try (CpufreqReader reader = new CpufreqReader(fake.sysfs())) {
            assertEquals(4, reader.read().size());
            fake.unplugPolicy(2);
            assertEquals(List.of(0, 1, 3), ids(reader.read()));
            fake.replugPolicy(2);
            fake.set(2, "scaling_cur_freq", "3000000");
            List<PolicySample> back = reader.read();
            assertEquals(List.of(0, 1, 2, 3), ids(back));
            assertEquals(3000000, back.get(2).curKhz());
        }
    }

    @Test
    void policyWithVanishedFilesIsSkippedUntilTheyReturn() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp, 2);
        Path affected = fake.policyDir(1).resolve("affected_cpus");
        Files.delete(affected); // half-gone policy: its static files cannot be read at scan
        try (CpufreqReader reader = new CpufreqReader(fake.sysfs(), 2)) {
            assertEquals(List.of(0), ids(reader.read()));
            Files.writeString(affected, "1\n");
            List<Integer> seen = List.of();
            for (int i = 0; i < 3 && seen.size() < 2; i++) {
                seen = ids(reader.read());
            }
            assertEquals(List.of(0, 1), seen, "retried after slowEvery ticks");
        }
    }

    @Test
    void offlineCpusLeaveAffectedCpusAndAnEmptyPolicyIsSkipped() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp, 8, 4);
        try (CpufreqReader reader = new CpufreqReader(fake.sysfs())) {
            reader.read();
            fake.offlineCpu(5);
            assertArrayEquals(new int[] {4, 6, 7}, reader.read().get(1).cpus());
            fake.offlineCpu(4);
            fake.offlineCpu(6);
            fake.offlineCpu(7);
            assertEquals(List.of(0), ids(reader.read()), "policy4 has no online CPU");
            fake.onlineCpu(6);
            List<PolicySample> back = reader.read();
            assertEquals(List.of(0, 4), ids(back));
            assertArrayEquals(new int[] {6}, back.get(1).cpus());
        }
    }

    @Test
    void missingCpufreqIsAbsentAndReadSaysWhere() throws Exception {
        Files.createDirectories(tmp.resolve(SysfsRoot.CPU));
        try (CpufreqReader reader = new CpufreqReader(new SysfsRoot(tmp))) {
            assertFalse(reader.present());
            TelemetryException e = assertThrows(TelemetryException.class, reader::read);
            assertTrue(e.getMessage().contains("cpufreq"), e.getMessage());
            assertTrue(reader.driverSummary().startsWith("no cpufreq"));
        }
    }

    @Test
    void twoHundredFiftySixPoliciesReadWellWithinBudget() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp, 256);
        try (CpufreqReader reader = new CpufreqReader(fake.sysfs())) {
            for (int i = 0; i < 300; i++) {
                assertEquals(256, reader.read().size());
            }
            // CPU time of this thread (user + system: the reads are syscalls), not wall time: on a
            // loaded 2-core machine a read may wait for a core, but it costs the same CPU
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long[] nanos = new long[200];
            for (int i = 0; i < nanos.length; i++) {
                long t0 = threads.getCurrentThreadCpuTime();
                reader.read();
                nanos[i] = threads.getCurrentThreadCpuTime() - t0;
            }
            Arrays.sort(nanos);
            long median = nanos[nanos.length / 2];
            long p99 = nanos[(int) (nanos.length * 0.99) - 1];
            System.out.printf("CpufreqReader, 256 policies, fake tree in page cache: median %.3f ms, p99 %.3f ms"
                    + " of CPU%n", median / 1e6, p99 / 1e6);
            // The goal (p99 < 2 ms on real sysfs) is for the JMH benchmark on a quiet machine; this
            // guards the median's CPU cost only: reopening the ~1000 files every tick instead of
            // re-reading kept-open ones would cost several milliseconds of CPU and fail here.
            assertTrue(median < 3_000_000, "median " + median / 1e6 + " ms");
        }
    }

    private static List<Integer> ids(List<PolicySample> ps) {
        return ps.stream().map(PolicySample::id).toList();
    }
}
