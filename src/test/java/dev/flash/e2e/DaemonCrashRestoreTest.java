package dev.flash.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.cli.ExitCodes;
import dev.flash.cli.FlashMain;
import dev.flash.cli.RestoreCommand;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.testing.FakeKernel;
import dev.flash.testing.FakeKernelDaemonMain;
import dev.flash.testing.FakeSysfs;
import dev.flash.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The crash path as an operator would meet it: the real {@code flash daemon} (the jar's node,
 * actuator, state store and models) runs in its own JVM against a fake cpufreq tree, writing
 * through the {@link FakeKernel}'s semantics ({@link FakeKernelDaemonMain}). While it runs,
 * {@code flash restore} must refuse and a second daemon with another state directory must not
 * start; then it is killed with SIGKILL (no shutdown hook runs), and {@code flash restore} (the
 * unit's ExecStopPost) must return every setting file to the value it had before the daemon
 * started.
 */
class DaemonCrashRestoreTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"acpi-cpufreq", "intel_pstate-active", "intel_cpufreq-passive", "amd-pstate-active"})
    void killMinusNineThenRestoreReturnsEveryFile(String layout) throws Exception {
        FakeKernel kernel = new FakeKernel();
        FakeSysfs tree = switch (layout) {
            case "acpi-cpufreq" -> FakeSysfs.acpiCpufreq(dir.resolve("root"), 4, 2);
            case "intel_pstate-active" -> FakeSysfs.intelPstateActive(dir.resolve("root"), 4);
            case "intel_cpufreq-passive" -> FakeSysfs.intelCpufreqPassive(dir.resolve("root"), 4);
            default -> FakeSysfs.amdPstate(dir.resolve("root"), 4, "active");
        };
        Map<String, String> before = tree.settingsSnapshot();
        Path state = dir.resolve("run");
        Path log = dir.resolve("daemon.log");
        // A model that always asks for the lowest frequency, so the daemon writes whatever the
        // real utilization of this machine is (the fallback rule would follow it).
        TestModels.spec().preferAction(0).write(Files.createDirectories(dir.resolve("models")), "min.onnx");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process daemon = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), FakeKernelDaemonMain.class.getName(),
                "--sysfs-root", tree.root().toString(), "--state-dir", state.toString(),
                "--socket", state.resolve("flashd.sock").toString(),
                "--models-dir", dir.resolve("models").toString(), "--period", "100", "--quiet")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && daemon.isAlive()
                    && (!Files.exists(state.resolve("state.json")) || tree.settingsSnapshot().equals(before))) {
                daemon.waitFor(50, TimeUnit.MILLISECONDS); // a poll that ends if the daemon dies
            }
            assertTrue(daemon.isAlive(), "daemon still running: " + Files.readString(log));
            assertNotEquals(before, tree.settingsSnapshot(), "the daemon wrote to the tree");
            String saved = Files.readString(state.resolve("state.json"));

            // issue 20, defect 1: a restore while it runs would leave the daemon without its safety net
            StringWriter refused = new StringWriter();
            assertEquals(ExitCodes.ALREADY_RUNNING, restore(kernel, refused, "--state-dir", state.toString()),
                    refused.toString());
            assertTrue(refused.toString().contains("PID " + daemon.pid()), refused.toString());
            // the daemon may have saved more policies meanwhile; the ones saved stay, with their values
            assertTrue(savedPolicies(state).containsAll(savedPolicies(saved)), "state file kept");

            // issue 20, defect 2: one owner per machine, whatever the state directory
            ByteArrayOutputStream second = new ByteArrayOutputStream();
            Path otherState = dir.resolve("run2");
            int code = new CommandLine(FakeKernelDaemonMain.command(kernel, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(second, true, StandardCharsets.UTF_8))).execute(
                    "--sysfs-root", tree.root().toString(), "--state-dir", otherState.toString(),
                    "--models-dir", dir.resolve("models").toString(), "--period", "100", "--quiet", "--duration", "30");
            assertEquals(ExitCodes.ALREADY_RUNNING, code, second.toString(StandardCharsets.UTF_8));
            assertTrue(second.toString(StandardCharsets.UTF_8).contains("PID " + daemon.pid()),
                    second.toString(StandardCharsets.UTF_8));
            assertFalse(Files.exists(otherState.resolve("state.json")), "the second one saved nothing");

            daemon.destroyForcibly(); // SIGKILL: no hook, no restore
            assertTrue(daemon.waitFor(10, TimeUnit.SECONDS));
        } finally {
            daemon.destroyForcibly();
        }
        assertTrue(Files.exists(state.resolve("state.json")), "the saved state outlives the crash");

        StringWriter restoreErr = new StringWriter();
        int exit = restore(kernel, restoreErr, "--state-dir", state.toString());

        assertEquals(0, exit, restoreErr.toString());
        assertEquals(before, tree.settingsSnapshot());
    }

    private static java.util.List<String> savedPolicies(Path stateDir) throws java.io.IOException {
        return savedPolicies(Files.readString(stateDir.resolve("state.json")));
    }

    /**
     * Each saved policy's originals in a state file, as JSON text: the entry without its record of
     * the values flashd wrote ({@code written_by_flash}), which grows with every write of the
     * running daemon and says nothing about whether the originals were kept.
     */
    private static java.util.List<String> savedPolicies(String stateJson) {
        java.util.List<String> out = new java.util.ArrayList<>();
        com.google.gson.JsonParser.parseString(stateJson).getAsJsonObject().getAsJsonArray("policies")
                .forEach(p -> {
                    com.google.gson.JsonObject originals = p.getAsJsonObject().deepCopy();
                    originals.remove("written_by_flash");
                    out.add(originals.toString());
                });
        return out;
    }

    /** {@code flash restore} whose writes go through {@code kernel}; its stderr to {@code err}. */
    private static int restore(FakeKernel kernel, StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new RestoreCommand(root -> new SysfsRoot(root).withWriter(kernel)));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void restoreWithNothingSavedSaysSoAndSucceeds() {
        assertEquals(0, FlashMain.commandLine().execute("restore", "--state-dir", dir.toString()));
    }
}
