package dev.flash.actuate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.actuate.linux.CpufreqActuator;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateStoreTest {
    @TempDir
    Path tmp;

    private FakeKernel kernel = new FakeKernel();

    private Path stateDir() {
        return tmp.resolve("run");
    }

    private static List<PolicySample> read(FakeSysfs fake) throws Exception {
        try (CpufreqReader r = new CpufreqReader(fake.sysfs())) {
            return r.read();
        }
    }

    /** Applies targets to every policy and "crashes": the actuator is dropped without restore. */
    private void applyAndAbandon(FakeSysfs fake, long target) throws Exception {
        CpufreqActuator a = new CpufreqActuator(fake.sysfs(kernel), new StateStore(stateDir()), false);
        for (PolicySample p : read(fake)) {
            a.apply(p, target);
        }
    }

    @Test
    void stateFileIsCompleteJsonWithTheRootAndKernelNames() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("t"), 2, 1);
        applyAndAbandon(fake, 1_000_000);
        String json = Files.readString(stateDir().resolve("state.json"));
        assertTrue(json.contains("\"sysfsRoot\": \"" + fake.root() + "\""), json);
        assertTrue(json.contains("\"scaling_governor\": \"schedutil\""), json);
        assertTrue(json.contains("\"scaling_max_freq\": 2601000"), json);
        try (var files = Files.list(stateDir())) {
            assertEquals(List.of("state.json"), files.map(p -> p.getFileName().toString()).toList(),
                    "no temp file left behind");
        }
    }

    @Test
    void leftoverStateIsRestoredAndDeleted() throws Exception {
        FakeSysfs fake = FakeSysfs.intelCpufreqPassive(tmp.resolve("t"), 4);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_500_000);
        assertEquals("userspace", fake.read(3, "scaling_governor"));

        RestoreReport r = StateStore.restoreLeftover(stateDir(), p -> new dev.flash.sysfs.SysfsRoot(p).withWriter(kernel));
        assertTrue(r.hadState() && r.complete(), r.summary());
        assertEquals(before, fake.settingsSnapshot());
        assertFalse(Files.exists(stateDir().resolve("state.json")));
        assertFalse(StateStore.restoreLeftover(stateDir()).hadState(), "second time: nothing to do");
    }

    @Test
    void aNewRunAdoptsLeftoverOriginalsInsteadOfSavingTheCrashedValues() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 2);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000); // crashed run left scaling_max_freq at 1 GHz
        try (CpufreqActuator a = new CpufreqActuator(fake.sysfs(kernel), new StateStore(stateDir()), false)) {
            PolicySample p = read(fake).get(0);
            assertEquals(3_000_000, a.apply(p, 3_000_000), "limits are the originals, not the crash's");
        }
        assertEquals(before, fake.settingsSnapshot());
    }

    /**
     * Kernels before 5.3 reject crossed limits (EINVAL): there the order is what makes it work.
     * The crossed limits are set by hand here, which a restore of today's file leaves as another
     * tool's; a file of an older flash (without the record of its writes) puts every value back.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void limitsAreRestoredInAnOrderTheKernelAccepts(boolean currentKernel) throws Exception {
        kernel = currentKernel ? new FakeKernel() : FakeKernel.beforeFreqQos();
        FakeSysfs up = FakeSysfs.intelPstateActive(tmp.resolve("up"), 1);
        up.set(0, "scaling_min_freq", "2500000");
        up.set(0, "scaling_max_freq", "3000000");
        Map<String, String> upBefore = up.settingsSnapshot();
        applyAndAbandon(up, 2_600_000);
        // another tool moved both limits below the saved min: min has to wait for max
        stripRecord();
        kernel.write(up.policyDir(0).resolve("scaling_min_freq"), "800000");
        kernel.write(up.policyDir(0).resolve("scaling_max_freq"), "1000000");
        assertTrue(StateStore.restoreLeftover(stateDir(), p -> up.sysfs(kernel)).complete());
        assertEquals(upBefore, up.settingsSnapshot());

        FakeSysfs down = FakeSysfs.intelPstateActive(tmp.resolve("down"), 1);
        down.set(0, "scaling_max_freq", "1500000");
        Map<String, String> downBefore = down.settingsSnapshot();
        applyAndAbandon(down, 1_200_000);
        stripRecord();
        kernel.write(down.policyDir(0).resolve("scaling_max_freq"), "4000000");
        kernel.write(down.policyDir(0).resolve("scaling_min_freq"), "3500000");
        assertTrue(StateStore.restoreLeftover(stateDir(), p -> down.sysfs(kernel)).complete());
        assertEquals(downBefore, down.settingsSnapshot());
    }

    @Test
    void partialFailureNamesTheFileAndKeepsOnlyThatPolicy() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("t"), 2, 1);
        applyAndAbandon(fake, 1_000_000);
        Path governor1 = fake.policyDir(1).resolve("scaling_governor");
        kernel.failWith(governor1, "EBUSY");
        StateStore store = new StateStore(stateDir());
        RestoreReport r = store.restore(fake.sysfs(kernel));
        assertFalse(r.complete());
        assertEquals(governor1.toString(), r.failures().get(0).file());
        assertTrue(r.summary().contains("EBUSY"), r.summary());
        assertEquals("schedutil", fake.read(0, "scaling_governor"), "policy0 restored anyway");
        StateStore again = new StateStore(stateDir());
        assertEquals(List.of(1), again.savedPolicies().stream().map(SavedPolicy::id).toList());

        kernel.clearFailures();
        assertTrue(again.restore(fake.sysfs(kernel)).complete());
        assertEquals("schedutil", fake.read(1, "scaling_governor"));
        assertFalse(Files.exists(again.stateFile()));
    }

    @Test
    void vanishedPolicyIsReportedAndDropped() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 3);
        applyAndAbandon(fake, 1_000_000);
        fake.unplugPolicy(1);
        RestoreReport r = StateStore.restoreLeftover(stateDir(), p -> fake.sysfs(kernel));
        assertTrue(r.complete(), r.summary());
        assertEquals(List.of(1), r.vanishedPolicies());
        assertTrue(r.summary().contains("[1]"), r.summary());
        assertEquals("4000000", fake.read(2, "scaling_max_freq"));
    }

    @Test
    void stateForAnotherRootIsNotOverwritten() throws Exception {
        FakeSysfs a = FakeSysfs.intelPstateActive(tmp.resolve("a"), 1);
        FakeSysfs b = FakeSysfs.intelPstateActive(tmp.resolve("b"), 1);
        applyAndAbandon(a, 1_000_000);
        CpufreqActuator other = new CpufreqActuator(b.sysfs(kernel), new StateStore(stateDir()), false);
        ActuationException e = assertThrows(ActuationException.class, () -> other.apply(read(b).get(0), 1_000_000));
        assertTrue(e.getMessage().contains("flash restore"), e.getMessage());
        assertEquals("4000000", b.read(0, "scaling_max_freq"), "nothing written without saving first");
    }

    @Test
    void aPolicyWhoseCpusAreAllOfflineIsKeptForLaterNotForgotten() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("t"), 4, 2);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000);
        fake.offlineCpu(2);
        fake.offlineCpu(3); // policy2 inactive: the kernel answers EBUSY, its settings wait for the CPUs

        RestoreReport r = StateStore.restoreLeftover(stateDir(), p -> fake.sysfs(kernel));
        assertFalse(r.complete(), r.summary());
        assertTrue(r.summary().contains("policy2") && r.summary().contains("EBUSY"), r.summary());
        assertEquals(List.of(2), new StateStore(stateDir()).savedPolicies().stream().map(SavedPolicy::id).toList());

        fake.onlineCpu(2);
        fake.onlineCpu(3);
        assertTrue(StateStore.restoreLeftover(stateDir(), p -> fake.sysfs(kernel)).complete());
        assertEquals(before, fake.settingsSnapshot());
    }

    /** The state directory's files other than state.json: where a damaged one was kept. */
    private List<Path> keptAside() throws Exception {
        try (var files = Files.list(stateDir())) {
            return files.filter(p -> p.getFileName().toString().startsWith("state.json.damaged-")).toList();
        }
    }

    @Test
    void anEntryWithoutItsGovernorDoesNotStopTheOthers() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("t"), 3, 1);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000);
        Path file = stateDir().resolve("state.json");
        JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        json.getAsJsonArray("policies").get(1).getAsJsonObject().remove("scaling_governor");
        String damaged = json.toString();
        Files.writeString(file, damaged);

        RestoreReport r = StateStore.restoreLeftover(stateDir(), p -> fake.sysfs(kernel));

        assertTrue(r.damaged() && !r.complete(), r.summary());
        assertTrue(r.damage().contains("policy 1: no scaling_governor"), r.damage());
        assertEquals("schedutil", fake.read(0, "scaling_governor"));
        assertEquals("schedutil", fake.read(2, "scaling_governor"));
        assertEquals("userspace", fake.read(1, "scaling_governor"), "its governor was lost with the field");
        Map<String, String> after = fake.settingsSnapshot();
        after.keySet().removeIf(k -> k.contains("policy1/scaling_governor") || k.contains("policy1/scaling_setspeed"));
        Map<String, String> expected = new java.util.TreeMap<>(before);
        expected.keySet().removeIf(k -> k.contains("policy1/scaling_governor") || k.contains("policy1/scaling_setspeed"));
        assertEquals(expected, after, "everything else, policy 1's limits included, is back");
        assertFalse(Files.exists(file), "nothing left that could be restored");
        assertEquals(1, keptAside().size());
        assertEquals(damaged, Files.readString(keptAside().get(0)), "kept aside as it was");
    }

    @Test
    void aByteThatIsNotUtf8DamagesOnlyTheValueItSitsIn() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("t"), 2, 1);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000);
        Path file = stateDir().resolve("state.json");
        JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        json.getAsJsonArray("policies").get(1).getAsJsonObject().addProperty("scaling_governor", "sched@til");
        byte[] bytes = json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '@') {
                bytes[i] = (byte) 0xC3; // a lead byte with no continuation: not UTF-8
            }
        }
        Files.write(file, bytes);

        RestoreReport r = StateStore.restoreLeftover(stateDir(), p -> fake.sysfs(kernel));

        assertTrue(r.damaged(), r.summary());
        assertTrue(r.damage().contains("not UTF-8"), r.damage());
        assertEquals("schedutil", fake.read(0, "scaling_governor"), "the intact policy is restored");
        Map<String, String> after = fake.settingsSnapshot();
        after.keySet().removeIf(k -> k.contains("policy1/scaling_governor") || k.contains("policy1/scaling_setspeed"));
        Map<String, String> expected = new java.util.TreeMap<>(before);
        expected.keySet().removeIf(k -> k.contains("policy1/scaling_governor") || k.contains("policy1/scaling_setspeed"));
        assertEquals(expected, after, "everything but the damaged governor is back");
        assertEquals(1, keptAside().size());
        assertArrayEquals(bytes, Files.readAllBytes(keptAside().get(0)), "kept aside byte for byte");
    }

    @Test
    void aTruncatedFileRestoresTheEntriesBeforeTheCut() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 2);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000);
        Path file = stateDir().resolve("state.json");
        String text = Files.readString(file);
        int secondEntry = text.indexOf("\"id\": 1");
        assertTrue(secondEntry > 0, text);
        Files.writeString(file, text.substring(0, secondEntry + 12)); // cut inside the second entry

        RestoreReport r = StateStore.restoreLeftover(stateDir(), p -> fake.sysfs(kernel));

        assertTrue(r.damaged(), r.summary());
        assertEquals(before.get("sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq"),
                fake.settingsSnapshot().get("sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq"));
        assertEquals("1000000", fake.read(1, "scaling_max_freq"), "the cut entry could not be read");
        assertFalse(Files.exists(file));
        assertEquals(1, keptAside().size());
    }

    @Test
    void malformedAndEmptyFilesAreKeptAsideNeverDeleted() throws Exception {
        for (String text : new String[] {"{ not json", "", "\n"}) {
            Files.createDirectories(stateDir());
            Path file = stateDir().resolve("state.json");
            Files.writeString(file, text);
            RestoreReport r = StateStore.restoreLeftover(stateDir());
            assertTrue(r.hadState() && r.damaged() && !r.complete(), "'" + text + "': " + r.summary());
            assertTrue(r.summary().contains("damaged"), r.summary());
            assertFalse(Files.exists(file), "moved aside");
            assertEquals(text, Files.readString(r.keptAside()));
            Files.delete(r.keptAside());
        }
    }

    @Test
    void anActuatorRefusesToAddToADamagedFile() throws Exception {
        Files.createDirectories(stateDir());
        Files.writeString(stateDir().resolve("state.json"), "{ not json");
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 1);
        CpufreqActuator a = new CpufreqActuator(fake.sysfs(kernel), new StateStore(stateDir()), false);
        ActuationException e = assertThrows(ActuationException.class, () -> a.apply(read(fake).get(0), 1_000_000));
        assertTrue(e.getMessage().contains("state.json") && e.getMessage().contains("flash restore"), e.getMessage());
        assertEquals("4000000", fake.read(0, "scaling_max_freq"), "nothing written without saving first");
        assertEquals("{ not json", Files.readString(stateDir().resolve("state.json")));
    }

    // ---- another tool's value after flash's last write (issue 20: SIGKILL, then flash restore) ----

    @Test
    void restoreLeavesALimitAnotherToolSetAfterFlashsLastCap() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 2);
        applyAndAbandon(fake, 1_000_000); // flash capped both at 1 GHz, then was SIGKILLed
        assertEquals("1000000", fake.read(0, "scaling_max_freq"));
        kernel.write(fake.policyDir(0).resolve("scaling_max_freq"), "2000000"); // another tool, after

        RestoreReport r = StateStore.restoreLeftover(stateDir(), p -> new dev.flash.sysfs.SysfsRoot(p).withWriter(kernel));
        assertEquals("2000000", fake.read(0, "scaling_max_freq"), "the other tool's limit is left: " + r.summary());
        assertEquals("4000000", fake.read(1, "scaling_max_freq"), "flash's own cap goes");
        assertTrue(r.complete(), "leaving another tool's value is not a failure: " + r.summary());
        assertEquals(List.of(new RestoreReport.Left(fake.policyDir(0).resolve("scaling_max_freq").toString(),
                "2000000", "4000000")), r.leftToOthers());
        assertTrue(r.summary().contains("left to another tool"), r.summary());
        assertFalse(Files.exists(stateDir().resolve("state.json")), "nothing left to restore");
    }

    @Test
    void restoreLeavesAGovernorAnotherToolSetAndTheSpeedWithIt() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("t"), 2, 1);
        fake.set(0, "scaling_min_freq", "1000000");
        applyAndAbandon(fake, 1_200_000); // userspace attached on both
        kernel.write(fake.policyDir(0).resolve("scaling_governor"), "performance");

        RestoreReport r = new StateStore(stateDir()).restore(fake.sysfs(kernel));
        assertEquals("performance", fake.read(0, "scaling_governor"), r.summary());
        assertEquals("1000000", fake.read(0, "scaling_min_freq"), "the limits flash never changed stay as found");
        assertEquals("schedutil", fake.read(1, "scaling_governor"), "the other policy is flash's: restored");
        assertEquals(List.of(new RestoreReport.Left(fake.policyDir(0).resolve("scaling_governor").toString(),
                "performance", "schedutil")), r.leftToOthers());
        assertEquals("800000", fake.read(1, "scaling_min_freq"));
    }

    /** A value another tool set that equals the saved original is simply the original: written, nothing left. */
    @Test
    void aToolThatPutsTheOriginalBackIsNotReported() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 1);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000);
        kernel.write(fake.policyDir(0).resolve("scaling_max_freq"), "4000000");
        RestoreReport r = StateStore.restoreLeftover(stateDir(), p -> fake.sysfs(kernel));
        assertEquals(List.of(), r.leftToOthers());
        assertEquals(before, fake.settingsSnapshot());
    }

    /**
     * The record is written before each write and holds what the file held and what is written:
     * a SIGKILL at any instant (before a write reaches the kernel, or right after, before anything
     * else) still finds flash's value in the record, and the restore puts everything back.
     */
    @Test
    void aKillAtAnyWriteStillRestoresEverything() throws Exception {
        long[] targets = {1_000_000, 1_500_000, 2_000_000, 2_500_000, 1_200_000};
        for (int n = 1; n <= targets.length; n++) {
            for (boolean afterTheWrite : new boolean[] {false, true}) {
                String name = "kill" + n + (afterTheWrite ? "after" : "before");
                FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve(name), 1);
                Map<String, String> before = fake.settingsSnapshot();
                Path dir = tmp.resolve(name + "-run");
                int dieAt = n;
                int[] count = {0};
                dev.flash.sysfs.SysfsWriter dying = (file, value) -> {
                    if (file.getFileName().toString().equals("scaling_max_freq") && ++count[0] == dieAt) {
                        if (afterTheWrite) {
                            kernel.write(file, value);
                        }
                        throw new Killed();
                    }
                    kernel.write(file, value);
                };
                CpufreqActuator a = new CpufreqActuator(new dev.flash.sysfs.SysfsRoot(fake.root()).withWriter(dying),
                        new StateStore(dir), false);
                PolicySample p = read(fake).get(0);
                assertThrows(Killed.class, () -> {
                    for (long t : targets) {
                        a.apply(p, t);
                    }
                });
                RestoreReport r = StateStore.restoreLeftover(dir, q -> fake.sysfs(kernel));
                assertEquals(List.of(), r.leftToOthers(), name + ": " + r.summary());
                assertEquals(before, fake.settingsSnapshot(), name + ": " + r.summary());
            }
        }
    }

    /** A file left empty (a write cut short by the kill) is not another tool's value: the original goes back. */
    @Test
    void anEmptyLimitIsRestoredNotLeft() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 1);
        applyAndAbandon(fake, 1_000_000);
        Files.writeString(fake.policyDir(0).resolve("scaling_max_freq"), "");
        RestoreReport r = StateStore.restoreLeftover(stateDir(), p -> fake.sysfs(kernel));
        assertEquals(List.of(), r.leftToOthers(), r.summary());
        assertEquals("4000000", fake.read(0, "scaling_max_freq"));
    }

    private static final class Killed extends RuntimeException {
        Killed() {
            super("SIGKILL", null, false, false);
        }
    }

    /** A state file of an older flash (no record of its writes): every saved value goes back, as before. */
    @Test
    void aFileWithoutTheRecordRestoresEverything() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 1);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000);
        stripRecord();
        kernel.write(fake.policyDir(0).resolve("scaling_max_freq"), "2000000");
        RestoreReport r = StateStore.restoreLeftover(stateDir(), p -> fake.sysfs(kernel));
        assertTrue(r.complete() && r.leftToOthers().isEmpty(), r.summary());
        assertEquals(before, fake.settingsSnapshot());
    }

    private void stripRecord() throws Exception {
        Path file = stateDir().resolve("state.json");
        JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        o.getAsJsonArray("policies").forEach(e -> e.getAsJsonObject().remove("written_by_flash"));
        Files.writeString(file, o.toString());
    }

    /**
     * A saved policy met again by a new run (the crashed run's file adopted) whose limit another
     * tool changed meanwhile: that limit is the tool's; the new run starts from it and its stop
     * puts it back, not the original saved before the tool's change.
     */
    @Test
    void aRunThatMeetsASavedPolicyAgainTakesAnotherToolsLimitAsFound() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 1);
        applyAndAbandon(fake, 1_000_000);
        kernel.write(fake.policyDir(0).resolve("scaling_max_freq"), "2000000");
        try (CpufreqActuator a = new CpufreqActuator(fake.sysfs(kernel), new StateStore(stateDir()), false)) {
            PolicySample p = read(fake).get(0);
            assertEquals(2_000_000, a.apply(p, 3_000_000), "the tool's limit bounds the new run");
            a.apply(p, 1_500_000);
            a.restore();
        }
        assertEquals("2000000", fake.read(0, "scaling_max_freq"));
    }

    /** The record stays small: caps moving between two values do not rewrite the file. */
    @Test
    void capsMovingBetweenTwoValuesDoNotRewriteTheFile() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 1);
        StateStore store = new StateStore(stateDir());
        CpufreqActuator a = new CpufreqActuator(fake.sysfs(kernel), store, false);
        PolicySample p = read(fake).get(0);
        a.apply(p, 1_000_000);
        a.apply(p, 2_000_000);
        Path file = stateDir().resolve("state.json");
        String after2 = Files.readString(file);
        for (int i = 0; i < 6; i++) {
            a.apply(p, i % 2 == 0 ? 1_000_000 : 2_000_000);
        }
        assertEquals(after2, Files.readString(file), "same pair: not rewritten");
        assertEquals(List.of("1000000", "2000000"), new StateStore(stateDir()).recordedOurs(0, "scaling_max_freq"));
        a.apply(p, 3_000_000);
        assertEquals(List.of("2000000", "3000000"), new StateStore(stateDir()).recordedOurs(0, "scaling_max_freq"));
    }
}
