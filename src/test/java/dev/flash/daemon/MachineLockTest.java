package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.cli.ExitCodes;
import dev.flash.testing.FakeKernel;
import dev.flash.testing.FakeKernelDaemonMain;
import dev.flash.testing.FakeSysfs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One owner per machine (issue 20, defect 2): the lock that keeps a second daemon off the CPUs
 * is keyed on the sysfs root, not on the state directory. (Across processes: DaemonCrashRestoreTest.)
 */
class MachineLockTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int daemon(FakeSysfs tree, String stateDir, String... extra) throws Exception {
        Files.createDirectories(dir.resolve("models"));
        String[] base = {"--sysfs-root", tree.root().toString(), "--state-dir", dir.resolve(stateDir).toString(),
            "--models-dir", dir.resolve("models").toString(), "--period", "100", "--quiet"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return new CommandLine(FakeKernelDaemonMain.command(new FakeKernel(),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(args);
    }

    @Test
    void theLockFileIsTheMachinesNotTheStateDirectorys() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), a);
        assertEquals(InstanceLock.machineFile(a), InstanceLock.machineFile(alias), "one tree, two spellings");
        assertEquals(InstanceLock.machineFile(a), InstanceLock.machineFile(dir.resolve("b/../a")));
        assertNotEquals(InstanceLock.machineFile(a), InstanceLock.machineFile(b));
        assertEquals(a.toRealPath().resolve("run/flash/cpufreq.lock"), InstanceLock.machineFile(a));
        assertEquals(DaemonConfig.defaultRuntimeDir().resolve("cpufreq.lock"), InstanceLock.machineFile(Path.of("/")));
        assertNotEquals(DaemonConfig.defaults().lockFile(), InstanceLock.machineFile(Path.of("/")),
                "the default daemon takes both locks in /run/flash: two files");
    }

    @Test
    void aSecondStateDirectoryOnTheSameTreeIsRefusedAndAnotherTreeIsNot() throws Exception {
        FakeSysfs tree = FakeSysfs.intelPstateActive(dir.resolve("tree"), 2);
        Map<String, String> before = tree.settingsSnapshot();
        try (InstanceLock running = InstanceLock.acquire(InstanceLock.machineFile(tree.root()))) {
            assertEquals(ExitCodes.ALREADY_RUNNING, daemon(tree, "second", "--duration", "30"));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(running.file().toString()),
                    err.toString(StandardCharsets.UTF_8));
            assertEquals(before, tree.settingsSnapshot(), "the second daemon wrote nothing");
            assertFalse(Files.exists(dir.resolve("second/state.json")));

            FakeSysfs other = FakeSysfs.intelPstateActive(dir.resolve("other"), 2);
            err.reset();
            assertEquals(ExitCodes.OK, daemon(other, "third", "--duration", "0.3"), err.toString(StandardCharsets.UTF_8));
        }
        err.reset();
        assertEquals(ExitCodes.OK, daemon(tree, "second", "--duration", "0.3"), err.toString(StandardCharsets.UTF_8));
        assertEquals(before, tree.settingsSnapshot(), "restored at the end");
    }

    @Test
    void theSimulatedNodeTakesNoMachineLock() throws Exception {
        FakeSysfs tree = FakeSysfs.intelPstateActive(dir.resolve("tree"), 1);
        try (InstanceLock running = InstanceLock.acquire(InstanceLock.machineFile(tree.root()))) {
            assertEquals(ExitCodes.OK, daemon(tree, "sim", "--simulate", "--duration", "0.3"),
                    err.toString(StandardCharsets.UTF_8));
        }
    }
}
