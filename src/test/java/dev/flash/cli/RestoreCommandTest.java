package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.actuate.StateStore;
import dev.flash.actuate.linux.CpufreqActuator;
import dev.flash.daemon.InstanceLock;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.testing.CrashingActuatorMain;
import dev.flash.testing.FakeKernel;
import dev.flash.testing.FakeSysfs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RestoreCommandTest {
    @TempDir
    Path tmp;

    private final FakeKernel kernel = new FakeKernel();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Path stateDir() {
        return tmp.resolve("run");
    }

    /** `flash restore` whose writes reach the fake tree through the fake kernel. */
    private int restore(String... args) {
        CommandLine cl = new CommandLine(new RestoreCommand(root -> new dev.flash.sysfs.SysfsRoot(root)
                .withWriter(kernel)));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private void applyAndAbandon(FakeSysfs fake, long target) throws Exception {
        CpufreqActuator a = new CpufreqActuator(fake.sysfs(kernel), new StateStore(stateDir()), false);
        try (CpufreqReader r = new CpufreqReader(fake.sysfs())) {
            for (PolicySample p : r.read()) {
                a.apply(p, target);
            }
        }
    }

    @Test
    void nothingToRestoreIsSuccessAndSaysSo() {
        CommandLine cl = FlashMain.commandLine();
        StringWriter sw = new StringWriter();
        cl.setOut(new PrintWriter(sw, true));
        int code = cl.execute("restore", "--state-dir", stateDir().toString());
        assertEquals(ExitCodes.OK, code);
        assertTrue(sw.toString().contains("Nothing to restore"), sw.toString());
    }

    @Test
    void restoresAndReportsAsJson() throws Exception {
        FakeSysfs fake = FakeSysfs.amdPstate(tmp.resolve("t"), 2, "passive");
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000);
        assertEquals(ExitCodes.OK, restore("--state-dir", stateDir().toString(), "--json"));
        JsonObject o = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertEquals("restored", o.get("status").getAsString());
        assertEquals(fake.root().toString(), o.get("sysfsRoot").getAsString());
        assertEquals(0, o.getAsJsonArray("failures").size());
        assertEquals(before, fake.settingsSnapshot());
    }

    /**
     * After a SIGKILL another tool set a limit flashd had capped: `flash restore` leaves the
     * tool's value, names it, and exits 0 (flashd's own values all went back).
     */
    @Test
    void aLimitAnotherToolSetAfterTheKillIsLeftAndNamed() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 2);
        applyAndAbandon(fake, 1_000_000);
        kernel.write(fake.policyDir(1).resolve("scaling_max_freq"), "2500000");

        assertEquals(ExitCodes.OK, restore("--state-dir", stateDir().toString(), "--json"));
        assertEquals("2500000", fake.read(1, "scaling_max_freq"));
        assertEquals("4000000", fake.read(0, "scaling_max_freq"));
        JsonObject o = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertEquals("restored", o.get("status").getAsString());
        var left = o.getAsJsonArray("leftToOtherTools");
        assertEquals(1, left.size(), out.toString());
        assertEquals(fake.policyDir(1).resolve("scaling_max_freq").toString(),
                left.get(0).getAsJsonObject().get("file").getAsString());
        assertEquals("2500000", left.get(0).getAsJsonObject().get("found").getAsString());
        assertEquals("4000000", left.get(0).getAsJsonObject().get("saved").getAsString());

        // the same in words
        FakeSysfs again = FakeSysfs.intelPstateActive(tmp.resolve("t2"), 1);
        applyAndAbandon(again, 1_000_000);
        kernel.write(again.policyDir(0).resolve("scaling_max_freq"), "3000000");
        out.getBuffer().setLength(0);
        assertEquals(ExitCodes.OK, restore("--state-dir", stateDir().toString()));
        assertTrue(out.toString().contains("Left to another tool") && out.toString().contains("= 3000000"), out.toString());
    }

    @Test
    void partialFailureExitsOneNamingTheFile() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("t"), 2, 1);
        applyAndAbandon(fake, 1_000_000);
        Path bad = fake.policyDir(1).resolve("scaling_governor");
        kernel.failWith(bad, "EBUSY");
        assertEquals(ExitCodes.FAILURE, restore("--state-dir", stateDir().toString()));
        assertTrue(err.toString().contains(bad.toString()), err.toString());
        assertTrue(Files.exists(stateDir().resolve(StateStore.FILE_NAME)));
    }

    @Test
    void permissionDeniedExitsFour() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 1);
        applyAndAbandon(fake, 1_000_000);
        kernel.failWith(fake.policyDir(0).resolve("scaling_max_freq"), "EACCES");
        assertEquals(ExitCodes.PERMISSION, restore("--state-dir", stateDir().toString(), "--json"));
        JsonObject o = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertEquals("permission-denied", o.get("status").getAsString());
    }

    @Test
    void helpTeachesWhatItDoes() {
        CommandLine cl = FlashMain.commandLine();
        StringWriter sw = new StringWriter();
        cl.setOut(new PrintWriter(sw, true));
        assertEquals(ExitCodes.OK, cl.execute("restore", "--help"));
        assertTrue(sw.toString().contains("--state-dir") && sw.toString().contains("ExecStopPost"), sw.toString());
    }

    /**
     * The real crash: a child JVM applies targets on a fake tree and is SIGKILLed; `flash
     * restore` then returns every setting to its original value.
     */
    @Test
    void sigkilledActuatorIsUndoneByRestore() throws Exception {
        List<FakeSysfs> layouts = List.of(
                FakeSysfs.acpiCpufreq(tmp.resolve("acpi"), 4, 2),
                FakeSysfs.intelPstateActive(tmp.resolve("active"), 4));
        for (FakeSysfs fake : layouts) {
            Map<String, String> before = fake.settingsSnapshot();
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(javaBin, "-Xmx64m", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"),
                    CrashingActuatorMain.class.getName(),
                    fake.root().toString(), stateDir().toString(), "1200000")
                    .redirectErrorStream(true)
                    .start();
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                StringBuilder seen = new StringBuilder();
                while ((line = lines.readLine()) != null && !line.equals("applied")) {
                    seen.append(line).append('\n');
                }
                assertEquals("applied", line, "child output:\n" + seen);
                assertNotEquals(before, fake.settingsSnapshot(), "the child changed the tree");
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no restore
                assertTrue(child.waitFor(20, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "killed by SIGKILL");
            } finally {
                child.destroyForcibly();
            }
            assertTrue(Files.exists(stateDir().resolve(StateStore.FILE_NAME)), "state survived the kill");

            out.getBuffer().setLength(0);
            assertEquals(ExitCodes.OK, restore("--state-dir", stateDir().toString()), err.toString());
            assertTrue(out.toString().startsWith("Restored"), out.toString());
            assertEquals(before, fake.settingsSnapshot(), fake.root().toString());
            assertFalse(Files.exists(stateDir().resolve(StateStore.FILE_NAME)));
        }
    }

    // ---- while a daemon runs (issue 20, defect 1) ---------------------------------------

    @Test
    void refusesWhileADaemonHoldsTheStateDirectoryAndKeepsItsFile() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 2);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 2_222_222);
        Map<String, String> capped = fake.settingsSnapshot();
        Path stateFile = stateDir().resolve(StateStore.FILE_NAME);
        String saved = Files.readString(stateFile);
        try (InstanceLock daemon = InstanceLock.acquire(stateDir().resolve(InstanceLock.STATE_DIR_FILE))) {
            assertEquals(ExitCodes.ALREADY_RUNNING, restore("--state-dir", stateDir().toString()));
            assertTrue(err.toString().contains("stop") && err.toString().contains("--force"), err.toString());
            assertEquals(capped, fake.settingsSnapshot(), "nothing written while the daemon runs");
            assertEquals(saved, Files.readString(stateFile), "the daemon's safety net is untouched");

            assertEquals(ExitCodes.OK, restore("--state-dir", stateDir().toString(), "--force"));
            assertEquals(before, fake.settingsSnapshot(), "--force restores");
            assertEquals(saved, Files.readString(stateFile), "and keeps the file the daemon relies on");
        }
        out.getBuffer().setLength(0);
        assertEquals(ExitCodes.OK, restore("--state-dir", stateDir().toString(), "--json"), err.toString());
        assertEquals("restored", JsonParser.parseString(out.toString()).getAsJsonObject().get("status").getAsString());
        assertFalse(Files.exists(stateFile), "once it stopped, the file goes");
    }

    @Test
    void refusesWhileAnotherDaemonOwnsTheCpusTheFileNames() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("t"), 2, 1);
        applyAndAbandon(fake, 1_000_000);
        Map<String, String> capped = fake.settingsSnapshot();
        try (InstanceLock other = InstanceLock.acquire(InstanceLock.machineFile(fake.root()))) {
            assertEquals(ExitCodes.ALREADY_RUNNING, restore("--state-dir", stateDir().toString(), "--json"));
            JsonObject o = JsonParser.parseString(out.toString()).getAsJsonObject();
            assertEquals("daemon-running", o.get("status").getAsString());
            assertTrue(o.get("error").getAsString().contains(other.file().toString()), o.toString());
            assertEquals(capped, fake.settingsSnapshot());
        }
    }

    // ---- the daemon's configuration (issue 20, defect 3) --------------------------------

    @Test
    void findsTheStateDirectoryInTheDaemonsConfiguration() throws Exception {
        FakeSysfs fake = FakeSysfs.amdPstate(tmp.resolve("t"), 2, "passive");
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000);
        Path config = tmp.resolve("flashd.toml");
        Files.writeString(config, "period_ms = 500\nstate_dir = \"" + stateDir() + "\"\n");
        assertEquals(ExitCodes.OK, restore("--config", config.toString()), err.toString());
        assertEquals(before, fake.settingsSnapshot());
        assertFalse(Files.exists(stateDir().resolve(StateStore.FILE_NAME)));
    }

    @Test
    void aConfigurationWithoutAReadableStateDirExitsThreeNamingIt() throws Exception {
        Path config = tmp.resolve("flashd.toml");
        Files.writeString(config, "state_dir = 7\n");
        assertEquals(ExitCodes.CONFIG, restore("--config", config.toString()));
        assertTrue(err.toString().contains("state_dir"), err.toString());
        Files.writeString(config, "state_dir = \"" + stateDir() + "\"\nperiod_ms = [\n");
        assertEquals(ExitCodes.CONFIG, restore("--config", config.toString()), "TOML syntax");
        assertEquals(ExitCodes.CONFIG, restore("--config", tmp.resolve("missing.toml").toString()));
    }

    @Test
    void anotherBadKeyDoesNotKeepTheCpusFromComingBack() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 1);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000);
        Path config = tmp.resolve("flashd.toml");
        // edited while the daemon ran: the daemon would refuse it, the crash restore must not
        Files.writeString(config, "state_dir = \"" + stateDir() + "\"\nperiod = 500\n");
        assertEquals(ExitCodes.OK, restore("--config", config.toString()), err.toString());
        assertTrue(err.toString().contains("warning") && err.toString().contains("'period'"), err.toString());
        assertEquals(before, fake.settingsSnapshot());
    }

    // ---- a damaged state file (issue 20, defect 5) --------------------------------------

    @Test
    void aDamagedFileIsRestoredAsFarAsItReadsAndExitsPartial() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("t"), 2);
        Map<String, String> before = fake.settingsSnapshot();
        applyAndAbandon(fake, 1_000_000);
        Path stateFile = stateDir().resolve(StateStore.FILE_NAME);
        JsonObject json = JsonParser.parseString(Files.readString(stateFile)).getAsJsonObject();
        json.getAsJsonArray("policies").get(1).getAsJsonObject().remove("scaling_max_freq");
        Files.writeString(stateFile, json.toString());

        assertEquals(ExitCodes.PARTIAL_RESTORE, restore("--state-dir", stateDir().toString(), "--json"), err.toString());
        JsonObject o = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertEquals("damaged", o.get("status").getAsString());
        assertTrue(o.get("damage").getAsString().contains("policy 1: no scaling_max_freq"), o.toString());
        Path aside = Path.of(o.get("keptAside").getAsString());
        assertEquals(json.toString(), Files.readString(aside));
        assertEquals(before.get("sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq"),
                fake.settingsSnapshot().get("sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq"));
        assertEquals("1000000", fake.read(1, "scaling_max_freq"), "lost with its field");
        assertFalse(Files.exists(stateFile));
    }

    @Test
    void anEmptyFileIsNotDeletedSilently() throws Exception {
        Files.createDirectories(stateDir());
        Files.writeString(stateDir().resolve(StateStore.FILE_NAME), "");
        assertEquals(ExitCodes.PARTIAL_RESTORE, restore("--state-dir", stateDir().toString()));
        assertTrue(err.toString().contains("empty") && err.toString().contains("state.json.damaged-"), err.toString());
        try (var files = Files.list(stateDir())) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("state.json.damaged-")).count());
        }
    }

    @Test
    void helpListsThePartialRestoreCode() {
        CommandLine cl = FlashMain.commandLine();
        StringWriter sw = new StringWriter();
        cl.setOut(new PrintWriter(sw, true));
        assertEquals(ExitCodes.OK, cl.execute("restore", "--help"));
        assertTrue(sw.toString().contains("8  partial restore") && sw.toString().contains("--config")
                && sw.toString().contains("--force"), sw.toString());
        StringWriter top = new StringWriter();
        cl.setOut(new PrintWriter(top, true));
        assertEquals(ExitCodes.OK, cl.execute("--help"));
        assertTrue(top.toString().contains("8  partial restore"), top.toString());
    }
}
