package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.actuate.StateStore;
import dev.flash.actuate.linux.CpufreqActuator;
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
}
