package dev.flash.actuate.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.actuate.ForeignChange;
import dev.flash.actuate.ForeignChangeException;
import dev.flash.actuate.StateStore;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.testing.FakeKernel;
import dev.flash.testing.FakeSysfs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another tool (cpupower, tuned, an administrator) changes a governor or a limit while flash
 * acts: flash notices, steps back from that policy alone, leaves the other tool's value in place
 * (also at restore), does not fight, and takes the policy back only when the value returns or the
 * operator resumes it. The other tool writes through its own {@link FakeKernel}, so
 * {@link #kernel}'s log holds only flash's writes.
 */
class CpufreqActuatorOtherToolsTest {
    @TempDir
    Path tmp;

    private final FakeKernel kernel = new FakeKernel();
    private final FakeKernel otherTool = new FakeKernel();

    private CpufreqActuator actuator(FakeSysfs fake) {
        return new CpufreqActuator(fake.sysfs(kernel), new StateStore(tmp.resolve("run")), false);
    }

    private static List<PolicySample> read(FakeSysfs fake) throws Exception {
        try (CpufreqReader r = new CpufreqReader(fake.sysfs())) {
            return r.read();
        }
    }

    private void otherToolWrites(FakeSysfs fake, int policy, String file, String value) throws Exception {
        otherTool.write(fake.policyDir(policy).resolve(file), value);
    }

    private long writesTo(FakeSysfs fake, int policy) {
        String dir = fake.policyDir(policy).toString() + "/";
        return kernel.writes().stream().filter(w -> w.startsWith(dir)).count();
    }

    /**
     * Calls apply with alternating targets (every call wants to write) until the change is
     * noticed: at the next write of a file the other tool changed, or at the next read-back.
     */
    private static ForeignChangeException applyUntilNoticed(CpufreqActuator a, PolicySample p) throws Exception {
        for (int call = 0; call <= CpufreqActuator.VERIFY_EVERY; call++) {
            try {
                a.apply(p, call % 2 == 0 ? 1_500_000 : 1_700_000);
            } catch (ForeignChangeException e) {
                return e;
            }
        }
        throw new AssertionError("not noticed within " + CpufreqActuator.VERIFY_EVERY + " calls");
    }

    @Test
    void capModeLeavesAnotherToolsMaxInPlaceWithoutFightingAndAtRestore() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("tree"), 2);
        List<PolicySample> ps = read(fake);
        CpufreqActuator a = actuator(fake);
        a.apply(ps.get(0), 2_000_000);
        a.apply(ps.get(1), 2_000_000);
        otherToolWrites(fake, 1, "scaling_max_freq", "3000000");
        long writes = writesTo(fake, 1);

        ForeignChangeException e = applyUntilNoticed(a, ps.get(1));
        assertEquals(writes, writesTo(fake, 1), "in CAP mode the limits are read before each write: none went out");
        assertTrue(e.getMessage().contains("scaling_max_freq 2000000 -> 3000000"), e.getMessage());
        assertTrue(e.getMessage().contains("flash resume 1"), e.getMessage());
        ForeignChange change = e.changes().get(0);
        assertEquals(1, change.policyId());
        assertEquals("scaling_max_freq", change.file());
        assertEquals(List.of(change), a.foreignChanges());

        for (int tick = 0; tick < 5 * CpufreqActuator.VERIFY_EVERY; tick++) {
            assertEquals(-1, a.apply(ps.get(1), tick % 2 == 0 ? 1_200_000 : 2_400_000), "nothing applied");
            a.apply(ps.get(0), tick % 2 == 0 ? 1_200_000 : 2_400_000);
        }
        assertEquals(writes, writesTo(fake, 1), "not one write to the other tool's policy");
        assertEquals("3000000", fake.read(1, "scaling_max_freq"));
        assertTrue(new StateStore(tmp.resolve("run")).saved(1).isEmpty(),
                "its originals left the state file, so `flash restore` cannot write over the other tool");

        a.restore(); // a hands-off, or the daemon's stop
        assertEquals("3000000", fake.read(1, "scaling_max_freq"), "restore leaves the other tool's value");
        assertEquals("4000000", fake.read(0, "scaling_max_freq"), "the other policy is restored");
        for (int tick = 0; tick < 3 * CpufreqActuator.VERIFY_EVERY; tick++) {
            a.apply(ps.get(1), 1_000_000);
        }
        assertEquals(writes, writesTo(fake, 1), "a restore (hands-off) does not retake the policy either");
        a.restore();
    }

    @Test
    void setspeedModeHandsItsGovernorBackButKeepsTheOtherToolsLimit() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("tree"), 2, 1);
        PolicySample p = read(fake).get(0);
        CpufreqActuator a = actuator(fake);
        a.apply(p, 2_000_000);
        assertEquals("userspace", fake.read(0, "scaling_governor"));
        otherToolWrites(fake, 0, "scaling_max_freq", "2200000"); // cpupower frequency-set -u 2.2GHz

        ForeignChangeException e = applyUntilNoticed(a, p);
        assertTrue(e.getMessage().contains("scaling_max_freq 2601000 -> 2200000"), e.getMessage());
        assertEquals("schedutil", fake.read(0, "scaling_governor"), "flash's userspace governor handed back at once");
        assertEquals("2200000", fake.read(0, "scaling_max_freq"));
        a.restore();
        assertEquals("2200000", fake.read(0, "scaling_max_freq"));
        assertEquals("schedutil", fake.read(0, "scaling_governor"));
    }

    @Test
    void anotherGovernorStaysAfterRestore() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("tree"), 2, 1);
        PolicySample p = read(fake).get(1);
        CpufreqActuator a = actuator(fake);
        a.apply(p, 2_000_000);
        otherToolWrites(fake, 1, "scaling_governor", "performance"); // cpupower frequency-set -g performance

        ForeignChangeException e = applyUntilNoticed(a, p);
        assertTrue(e.getMessage().contains("scaling_governor userspace -> performance"), e.getMessage());
        a.restore();
        assertEquals("performance", fake.read(1, "scaling_governor"), "not the saved schedutil over the other tool's choice");
        assertEquals("schedutil", fake.read(0, "scaling_governor"), "policy0 was never touched");
    }

    @Test
    void capModeHandsItsCapBackWhenAnotherToolChangedTheGovernor() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("tree"), 1);
        PolicySample p = read(fake).get(0);
        CpufreqActuator a = actuator(fake);
        a.apply(p, 1_600_000);
        otherToolWrites(fake, 0, "scaling_governor", "performance");
        applyUntilNoticed(a, p);
        assertEquals("4000000", fake.read(0, "scaling_max_freq"), "flash's cap does not outlive its step back");
        assertEquals("performance", fake.read(0, "scaling_governor"));
    }

    @Test
    void thePolicyIsTakenBackWhenTheValueReturns() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("tree"), 1);
        PolicySample p = read(fake).get(0);
        CpufreqActuator a = actuator(fake);
        a.apply(p, 2_000_000);
        otherToolWrites(fake, 0, "scaling_max_freq", "3000000");
        applyUntilNoticed(a, p);
        otherToolWrites(fake, 0, "scaling_max_freq", "2000000"); // the other tool put flash's value back

        long back = -1;
        for (int call = 0; call < CpufreqActuator.VERIFY_EVERY && back < 0; call++) {
            back = a.apply(p, 1_200_000);
        }
        assertEquals(1_200_000, back, "taken back within " + CpufreqActuator.VERIFY_EVERY + " calls");
        assertTrue(a.foreignChanges().isEmpty());
        assertEquals(4_000_000, new StateStore(tmp.resolve("run")).saved(0).orElseThrow().scalingMaxKhz(),
                "the first-found original is saved again");
        a.restore();
        assertEquals("4000000", fake.read(0, "scaling_max_freq"));
    }

    @Test
    void theOperatorTakesThePolicyBackAndTheFirstFoundValuesAreRestored() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("tree"), 2);
        List<PolicySample> ps = read(fake);
        CpufreqActuator a = actuator(fake);
        a.apply(ps.get(1), 2_000_000);
        otherToolWrites(fake, 1, "scaling_max_freq", "3000000");
        applyUntilNoticed(a, ps.get(1));
        assertEquals(List.of(), a.resume(0), "policy0 was never left to another tool");

        assertEquals(List.of(1), a.resume(-1));
        assertEquals(1_200_000, a.apply(ps.get(1), 1_200_000), "the next call writes again");
        assertEquals("1200000", fake.read(1, "scaling_max_freq"));
        a.restore();
        assertEquals("4000000", fake.read(1, "scaling_max_freq"), "as flash first found it");
    }

    @Test
    void aPolicyThatWentAwayIsReadAfreshWhenItReturns() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("tree"), 2);
        List<PolicySample> ps = read(fake);
        CpufreqActuator a = actuator(fake);
        a.apply(ps.get(1), 2_000_000);
        fake.unplugPolicy(1);
        a.forget(1);
        fake.replugPolicy(1);
        fake.set(1, "scaling_max_freq", "4000000"); // the kernel's default when a CPU comes back
        assertEquals(1_800_000, a.apply(ps.get(1), 1_800_000), "not mistaken for another tool's change");
        a.restore();
        assertEquals("4000000", fake.read(1, "scaling_max_freq"));
    }

    @Test
    void unchangedValuesAreReadBackNotRewritten() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("tree"), 1);
        PolicySample p = read(fake).get(0);
        CpufreqActuator a = actuator(fake);
        a.apply(p, 2_000_000);
        otherToolWrites(fake, 0, "scaling_min_freq", "1000000");
        // the same target every call: no write is due, the periodic read-back notices
        ForeignChangeException e = null;
        for (int call = 0; call <= CpufreqActuator.VERIFY_EVERY && e == null; call++) {
            try {
                a.apply(p, 2_000_000);
            } catch (ForeignChangeException noticed) {
                e = noticed;
            }
        }
        assertTrue(e != null, "noticed within " + CpufreqActuator.VERIFY_EVERY + " calls");
        assertTrue(e.getMessage().contains("scaling_min_freq 800000 -> 1000000"), e.getMessage());
        assertEquals("4000000", fake.read(0, "scaling_max_freq"), "flash's cap handed back");
        assertEquals(1, kernel.writes().stream().filter(w -> w.contains("scaling_max_freq=2000000")).count());
        assertFalse(a.foreignChanges().isEmpty());
        a.restore();
        assertEquals("1000000", fake.read(0, "scaling_min_freq"));
    }

    /**
     * The soak found it: the other tool took the governor, then set a limit too, then put the
     * governor back. The policy is not taken back on the governor alone (flash would cap over the
     * tool's limit and restore its saved max over it); the limit is named as the tool's as well.
     */
    @Test
    void aLimitTheOtherToolSetAfterItsGovernorKeepsThePolicyLeft() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("tree"), 1);
        PolicySample p = read(fake).get(0);
        CpufreqActuator a = actuator(fake);
        a.apply(p, 2_000_000);
        otherToolWrites(fake, 0, "scaling_governor", "performance");
        applyUntilNoticed(a, p);
        otherToolWrites(fake, 0, "scaling_max_freq", "2200000");
        otherToolWrites(fake, 0, "scaling_governor", "powersave"); // the governor returns, the limit does not
        long writes = writesTo(fake, 0);
        for (int call = 0; call < 3 * CpufreqActuator.VERIFY_EVERY; call++) {
            assertEquals(-1, a.apply(p, call % 2 == 0 ? 1_500_000 : 1_700_000), "still left to the other tool");
        }
        assertEquals(writes, writesTo(fake, 0), "nothing written over the tool's limit");
        assertTrue(a.foreignChanges().stream().anyMatch(ch -> ch.file().equals("scaling_max_freq")
                && ch.found().equals("2200000")), a.foreignChanges().toString());
        a.restore();
        assertEquals("2200000", fake.read(0, "scaling_max_freq"));

        // once the limit is back as flash left it too, flash takes the policy again
        otherToolWrites(fake, 0, "scaling_max_freq", "4000000");
        boolean acting = false;
        for (int call = 0; call < 3 * CpufreqActuator.VERIFY_EVERY && !acting; call++) {
            acting = a.apply(p, call % 2 == 0 ? 1_500_000 : 1_700_000) > 0;
        }
        assertTrue(acting, "taken back once every value returned");
    }
}
