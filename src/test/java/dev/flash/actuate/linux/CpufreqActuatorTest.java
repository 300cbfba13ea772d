package dev.flash.actuate.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.actuate.ActuationException;
import dev.flash.actuate.ActuationMode;
import dev.flash.actuate.StateStore;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.testing.FakeKernel;
import dev.flash.testing.FakeSysfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpufreqActuatorTest {
    @TempDir
    Path tmp;

    private final FakeKernel kernel = new FakeKernel();

    private Path stateDir() {
        return tmp.resolve("run");
    }

    private CpufreqActuator actuator(FakeSysfs fake, boolean dryRun) {
        return new CpufreqActuator(fake.sysfs(kernel), new StateStore(stateDir()), dryRun);
    }

    private static List<PolicySample> read(FakeSysfs fake) throws Exception {
        try (CpufreqReader r = new CpufreqReader(fake.sysfs())) {
            return r.read();
        }
    }

    @Test
    void modePerLayout() throws Exception {
        Map<String, FakeSysfs> layouts = Map.of(
                "SETSPEED acpi", FakeSysfs.acpiCpufreq(tmp.resolve("acpi"), 2, 1),
                "SETSPEED passive", FakeSysfs.intelCpufreqPassive(tmp.resolve("passive"), 2),
                "SETSPEED amd guided", FakeSysfs.amdPstate(tmp.resolve("amdg"), 2, "guided"),
                "CAP intel active", FakeSysfs.intelPstateActive(tmp.resolve("active"), 2),
                "CAP amd active", FakeSysfs.amdPstate(tmp.resolve("amda"), 2, "active"));
        for (Map.Entry<String, FakeSysfs> e : layouts.entrySet()) {
            ActuationMode expected = ActuationMode.valueOf(e.getKey().split(" ")[0]);
            PolicySample p = read(e.getValue()).get(0);
            try (CpufreqActuator a = actuator(e.getValue(), false);
                    CpufreqActuator dry = actuator(e.getValue(), true)) {
                assertEquals(expected, a.modeFor(p), e.getKey());
                a.apply(p, 2_000_000);
                assertEquals(expected, a.modes().get(p.id()), e.getKey());
                assertEquals(ActuationMode.OBSERVE, dry.modeFor(p), e.getKey());
            }
        }
    }

    @Test
    void setspeedAttachesUserspaceAndSnapsToTheTable() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp, 4, 2);
        List<PolicySample> ps = read(fake);
        try (CpufreqActuator a = actuator(fake, false)) {
            long applied = a.apply(ps.get(1), 1_650_000);
            assertEquals(1_600_000, applied, "nearest table entry");
            assertEquals("userspace", fake.read(2, "scaling_governor"));
            assertEquals("1600000", fake.read(2, "scaling_setspeed"));
            assertEquals("1600000", fake.read(2, "scaling_cur_freq"));
            assertEquals("schedutil", fake.read(0, "scaling_governor"), "other policy untouched");
            assertEquals(1_400_000, a.apply(ps.get(1), 1_500_000), "tie goes to the lower entry");
            assertEquals(2_601_000, a.apply(ps.get(1), 9_000_000), "above max clamps to max");
            assertEquals(800_000, a.apply(ps.get(1), 1), "below min clamps to min");
        }
    }

    @Test
    void targetsStayWithinTheLimitsFoundAtStart() throws Exception {
        FakeSysfs fake = FakeSysfs.intelCpufreqPassive(tmp, 2);
        fake.set(0, "scaling_min_freq", "1200000");
        fake.set(0, "scaling_max_freq", "3000000");
        PolicySample p = read(fake).get(0);
        try (CpufreqActuator a = actuator(fake, false)) {
            assertEquals(3_000_000, a.apply(p, 4_000_000));
            assertEquals(1_200_000, a.apply(p, 800_000));
            assertEquals(2_345_000, a.apply(p, 2_345_000), "no table: any value in range");
            assertEquals(2_345_000, a.effectiveTarget(0, 2_345_000));
        }
    }

    @Test
    void capModeWritesOnlyTheMaxAndNeverBelowTheMin() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp, 2);
        fake.set(1, "scaling_min_freq", "1000000");
        PolicySample p = read(fake).get(1);
        try (CpufreqActuator a = actuator(fake, false)) {
            assertEquals(2_000_000, a.apply(p, 2_000_000));
            assertEquals("2000000", fake.read(1, "scaling_max_freq"));
            assertEquals("1000000", fake.read(1, "scaling_min_freq"));
            assertEquals("powersave", fake.read(1, "scaling_governor"), "governor untouched in CAP");
            assertEquals(1_000_000, a.apply(p, 500_000));
            fake.set(1, "scaling_min_freq", "1500000"); // someone raised the floor meanwhile
            assertThrows(dev.flash.actuate.ForeignChangeException.class, () -> a.apply(p, 1_100_000),
                    "another tool's floor: flash steps back instead of capping around it");
            assertEquals("1500000", fake.read(1, "scaling_min_freq"));
        }
    }

    @Test
    void anUnchangedTargetIsNeverRewrittenOnManyPolicies() throws Exception {
        int n = 20;
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp, n, 1);
        try (CpufreqActuator a = actuator(fake, false)) {
            List<PolicySample> ps = read(fake);
            for (PolicySample p : ps) {
                a.apply(p, 2_000_000); // all met in the same tick
            }
            int writesAfterFirst = kernel.writes().size();
            ps = read(fake); // the daemon hands over a fresh sample each tick
            for (int tick = 1; tick <= 3 * CpufreqActuator.VERIFY_EVERY; tick++) {
                for (PolicySample p : ps) {
                    assertEquals(2_000_000, a.apply(p, 2_000_000));
                }
            }
            assertEquals(writesAfterFirst, kernel.writes().size(),
                    "the same target is not written again (re-writing it would fight another tool)");
            a.apply(ps.get(3), 1_800_000);
            assertEquals(writesAfterFirst + 1, kernel.writes().size(), "a new target is written at once");
        }
    }

    @Test
    void keptOpenWritesOnAPlainTreeLeaveExactlyTheValue() throws Exception {
        // Without a kernel hook the actuator writes through kept-open files (one pwrite); on a
        // plain file a shorter value must not leave the tail of a longer one behind.
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp, 1);
        try (CpufreqActuator a = new CpufreqActuator(fake.sysfs(), new StateStore(stateDir()), false)) {
            PolicySample p = read(fake).get(0);
            a.apply(p, 1_200_000);
            assertEquals("1200000", fake.read(0, "scaling_max_freq"));
            a.apply(p, 900_000);
            assertEquals("900000", fake.read(0, "scaling_max_freq"));
        }
    }

    @Test
    void ebusyIsNamedAndOtherPoliciesContinue() throws Exception {
        FakeSysfs fake = FakeSysfs.intelCpufreqPassive(tmp, 2);
        List<PolicySample> ps = read(fake);
        Path busy = fake.policyDir(1).resolve("scaling_setspeed");
        kernel.failWith(busy, "EBUSY");
        try (CpufreqActuator a = actuator(fake, false)) {
            ActuationException e = assertThrows(ActuationException.class, () -> a.apply(ps.get(1), 2_000_000));
            assertTrue(e.getMessage().contains(busy.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("EBUSY"), e.getMessage());
            assertEquals(2_000_000, a.apply(ps.get(0), 2_000_000));
        }
    }

    @Test
    void vanishedPolicyIsANamedErrorNotACrash() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp, 2);
        List<PolicySample> ps = read(fake);
        try (CpufreqActuator a = actuator(fake, false)) {
            a.apply(ps.get(1), 2_000_000);
            fake.unplugPolicy(1);
            ActuationException e = assertThrows(ActuationException.class, () -> a.apply(ps.get(1), 1_000_000));
            assertTrue(e.getMessage().contains("policy1/scaling_max_freq"), e.getMessage());
            assertEquals(3_000_000, a.apply(ps.get(0), 3_000_000));
            a.restore(); // policy1 is gone: reported, not fatal
        }
        assertEquals("4000000", fake.read(0, "scaling_max_freq"));
    }

    @Test
    void dryRunWritesNothingAtAll() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp, 4, 1);
        Map<String, String> before = fake.snapshot();
        try (CpufreqActuator a = actuator(fake, true)) {
            for (PolicySample p : read(fake)) {
                assertEquals(ActuationMode.OBSERVE, a.modeFor(p));
                assertEquals(1_200_000, a.apply(p, 1_250_000), "reports the would-be target");
            }
        }
        assertEquals(before, fake.snapshot());
        assertTrue(kernel.writes().isEmpty());
        assertFalse(Files.exists(stateDir().resolve(StateStore.FILE_NAME)), "no state file in dry-run");
    }

    @Test
    void originalsAreSavedBeforeTheFirstWrite() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp, 2, 1);
        PolicySample p = read(fake).get(1);
        StateStore store = new StateStore(stateDir());
        try (CpufreqActuator a = new CpufreqActuator(fake.sysfs(kernel), store, false)) {
            a.apply(p, 2_000_000);
            StateStore fromDisk = new StateStore(stateDir());
            var saved = fromDisk.saved(1).orElseThrow();
            assertEquals("schedutil", saved.governor());
            assertEquals(800_000, saved.scalingMinKhz());
            assertEquals(2_601_000, saved.scalingMaxKhz());
            assertFalse(saved.hasSetspeed());
            assertEquals(fake.root(), fromDisk.sysfsRoot().orElseThrow());
            assertTrue(fromDisk.saved(0).isEmpty(), "untouched policy not saved");
        }
        assertFalse(Files.exists(store.stateFile()), "close() restores and removes the file");
    }

    @Test
    void restorePutsEveryFileBackInEachLayout() throws Exception {
        List<FakeSysfs> layouts = List.of(
                FakeSysfs.acpiCpufreq(tmp.resolve("acpi"), 4, 2),
                FakeSysfs.intelPstateActive(tmp.resolve("active"), 4),
                FakeSysfs.intelCpufreqPassive(tmp.resolve("passive"), 4),
                FakeSysfs.amdPstate(tmp.resolve("amda"), 4, "active"),
                FakeSysfs.amdPstate(tmp.resolve("amdp"), 4, "passive"));
        for (FakeSysfs fake : layouts) {
            Map<String, String> before = fake.settingsSnapshot();
            CpufreqActuator a = actuator(fake, false);
            for (PolicySample p : read(fake)) {
                a.apply(p, 1_234_567 + p.id() * 100_000);
            }
            assertFalse(before.equals(fake.settingsSnapshot()), "the test wrote something");
            a.restore();
            assertEquals(before, fake.settingsSnapshot(), fake.root().toString());
            a.restore(); // idempotent
            assertEquals(before, fake.settingsSnapshot());
        }
    }

    @Test
    void userspaceGovernorFoundAtStartGetsItsSpeedBack() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp, 2, 1);
        kernel.write(fake.policyDir(0).resolve("scaling_governor"), "userspace");
        kernel.write(fake.policyDir(0).resolve("scaling_setspeed"), "2200000");
        Map<String, String> before = fake.settingsSnapshot();
        try (CpufreqActuator a = actuator(fake, false)) {
            a.apply(read(fake).get(0), 1_000_000);
            assertEquals("1000000", fake.read(0, "scaling_setspeed"));
        }
        assertEquals(before, fake.settingsSnapshot());
        assertEquals("2200000", fake.read(0, "scaling_setspeed"));
    }
}
