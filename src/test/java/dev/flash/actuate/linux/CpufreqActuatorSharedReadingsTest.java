package dev.flash.actuate.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.actuate.ForeignChangeException;
import dev.flash.actuate.StateStore;
import dev.flash.sysfs.LimitReadings;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.testing.FakeKernel;
import dev.flash.testing.FakeSysfs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The actuator wired to the telemetry's cpufreq reader ({@link LimitReadings}), as the daemon
 * wires it: another tool's change is noticed from the reader's reading, a reading from before
 * flash's own write is never taken for another tool's, and without fresh readings the actuator
 * still reads the files itself within {@link CpufreqActuator#VERIFY_EVERY} calls.
 */
class CpufreqActuatorSharedReadingsTest {
    @TempDir
    Path tmp;

    private final FakeKernel kernel = new FakeKernel();
    private final FakeKernel otherTool = new FakeKernel();

    /** A reader's readings set by hand: values and the time they were taken. */
    private static final class Readings implements LimitReadings {
        long at = NEVER;
        String governor = "";
        long min = -1;
        long max = -1;

        void took(String g, long lo, long hi) {
            governor = g;
            min = lo;
            max = hi;
            at = System.nanoTime();
        }

        @Override
        public long readNanos(int policyId) {
            return at;
        }

        @Override
        public String governor(int policyId) {
            return governor;
        }

        @Override
        public long minKhz(int policyId) {
            return min;
        }

        @Override
        public long maxKhz(int policyId) {
            return max;
        }
    }

    private static PolicySample first(FakeSysfs fake) throws Exception {
        try (CpufreqReader r = new CpufreqReader(fake.sysfs())) {
            return r.read().get(0);
        }
    }

    @Test
    void anotherToolsGovernorIsNoticedFromTheReadersReadingAtOnce() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("tree"), 1, 1);
        PolicySample p = first(fake);
        Readings readings = new Readings();
        CpufreqActuator a = new CpufreqActuator(fake.sysfs(kernel), new StateStore(tmp.resolve("run")), false, readings);
        a.apply(p, 1_500_000); // attaches userspace
        otherTool.write(fake.policyDir(0).resolve("scaling_governor"), "performance");
        readings.took("performance", p.scalingMinKhz(), p.scalingMaxKhz());

        ForeignChangeException e = assertThrows(ForeignChangeException.class, () -> a.apply(p, 1_500_000),
                "the first call after the reading compares it, not the tenth");
        assertTrue(e.getMessage().contains("scaling_governor userspace -> performance"), e.getMessage());
    }

    @Test
    void aReadingFromBeforeFlashsLastContactIsNotAnotherTool() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("tree"), 1, 1);
        PolicySample p = first(fake);
        Readings readings = new Readings();
        CpufreqActuator a = new CpufreqActuator(fake.sysfs(kernel), new StateStore(tmp.resolve("run")), false, readings);
        a.apply(p, 1_500_000); // attaches userspace
        readings.took("userspace", p.scalingMinKhz(), p.scalingMaxKhz()); // the next tick's reading
        a.restore(); // hands-off: the original governor is back, and flash meets the policy afresh
        for (int call = 0; call < 3 * CpufreqActuator.VERIFY_EVERY; call++) {
            a.apply(p, 1_500_000); // the reading shows flash's own governor from before: not another tool
        }
        assertEquals(0, a.foreignChanges().size());
    }

    @Test
    void withoutAFreshReadingTheActuatorReadsTheFilesItself() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("tree"), 1, 1);
        PolicySample p = first(fake);
        Readings readings = new Readings(); // never reads
        CpufreqActuator a = new CpufreqActuator(fake.sysfs(kernel), new StateStore(tmp.resolve("run")), false, readings);
        a.apply(p, 1_500_000);
        otherTool.write(fake.policyDir(0).resolve("scaling_max_freq"), "2000000");
        ForeignChangeException noticed = null;
        for (int call = 0; call < CpufreqActuator.VERIFY_EVERY && noticed == null; call++) {
            try {
                a.apply(p, 1_500_000);
            } catch (ForeignChangeException e) {
                noticed = e;
            }
        }
        assertTrue(noticed != null && noticed.getMessage().contains("scaling_max_freq"),
                "read back within " + CpufreqActuator.VERIFY_EVERY + " calls: " + noticed);
    }

    @Test
    void theReaderGivesItsSlowGroupAsReadingsAndForgetsThemWithThePolicy() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("tree"), 2, 1);
        try (CpufreqReader r = new CpufreqReader(fake.sysfs())) {
            long before = System.nanoTime();
            List<PolicySample> ps = r.read(); // the first tick reads every policy's slow group
            assertTrue(r.readNanos(1) - before > 0);
            assertEquals(ps.get(1).governor(), r.governor(1));
            assertEquals(ps.get(1).scalingMinKhz(), r.minKhz(1));
            assertEquals(ps.get(1).scalingMaxKhz(), r.maxKhz(1));
            assertEquals(LimitReadings.NEVER, r.readNanos(7), "no such policy");
        }
    }
}
