package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.actuate.StateStore;
import dev.flash.actuate.linux.CpufreqActuator;
import dev.flash.cli.ExitCodes;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.testing.FakeKernel;
import dev.flash.testing.FakeKernelDaemonMain;
import dev.flash.testing.FakeSysfs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A state file left by a run that did not stop cleanly is restored when the daemon starts,
 * before anything else (issue 20, defect 9), in every mode: a dry run writes nothing of its own,
 * but must not leave the CPUs as the crashed run left them.
 */
class StartupRestoreTest {
    @TempDir
    Path dir;

    private final FakeKernel kernel = new FakeKernel();

    /** A run that saved, capped every policy and died without restoring. */
    private void crashedRun(FakeSysfs tree, Path stateDir) throws Exception {
        CpufreqActuator a = new CpufreqActuator(tree.sysfs(kernel), new StateStore(stateDir), false);
        try (CpufreqReader r = new CpufreqReader(tree.sysfs())) {
            for (PolicySample p : r.read()) {
                a.apply(p, 1_000_000);
            }
        }
    }

    /** {@code flash daemon} for 0.3 s on {@code tree} in {@code mode}, writing through the kernel. */
    private int shortRun(FakeSysfs tree, Path stateDir, ByteArrayOutputStream err, String mode) throws Exception {
        Files.createDirectories(dir.resolve("models"));
        return new CommandLine(FakeKernelDaemonMain.command(kernel, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute(
                "--sysfs-root", tree.root().toString(), "--state-dir", stateDir.toString(),
                "--models-dir", dir.resolve("models").toString(), "--period", "100", "--quiet",
                "--duration", "0.3", mode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--dry-run", "--simulate"})
    void aLeftoverStateFileIsRestoredAtStart(String mode) throws Exception {
        FakeSysfs tree = FakeSysfs.intelPstateActive(dir.resolve("tree"), 2);
        Map<String, String> before = tree.settingsSnapshot();
        Path stateDir = dir.resolve("run");
        crashedRun(tree, stateDir);
        assertNotEquals(before, tree.settingsSnapshot());

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = shortRun(tree, stateDir, err, mode);

        String log = err.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OK, code, log);
        assertEquals(before, tree.settingsSnapshot(), "the crashed run's caps are gone");
        assertFalse(Files.exists(stateDir.resolve(StateStore.FILE_NAME)));
        assertTrue(log.contains("restored the state a previous run left"), log);
        assertTrue(log.indexOf("restored the state a previous run left") < log.indexOf("starting:"),
                "before anything else: " + log);
    }

    @org.junit.jupiter.api.Test
    void aDamagedLeftoverIsRestoredAsFarAsItReadsKeptAsideAndTheDaemonRuns() throws Exception {
        FakeSysfs tree = FakeSysfs.acpiCpufreq(dir.resolve("tree"), 2, 1);
        Map<String, String> before = tree.settingsSnapshot();
        Path stateDir = dir.resolve("run");
        crashedRun(tree, stateDir);
        Path stateFile = stateDir.resolve(StateStore.FILE_NAME);
        String text = Files.readString(stateFile);
        Files.writeString(stateFile, text.substring(0, text.indexOf("\"id\": 1") + 10)); // cut in policy 1

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = shortRun(tree, stateDir, err, "--dry-run");

        String log = err.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OK, code, log);
        assertTrue(log.contains("damaged") && log.contains("state.json.damaged-"), log);
        assertEquals(before.get("sys/devices/system/cpu/cpufreq/policy0/scaling_governor"),
                tree.settingsSnapshot().get("sys/devices/system/cpu/cpufreq/policy0/scaling_governor"));
        assertEquals("userspace", tree.read(1, "scaling_governor"), "lost with the damaged entry");
        assertFalse(Files.exists(stateFile));
        try (var files = Files.list(stateDir)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("state.json.damaged-")).count());
        }
    }
}
