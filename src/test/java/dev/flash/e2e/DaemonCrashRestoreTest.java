package dev.flash.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.cli.FlashMain;
import dev.flash.testing.FakeSysfs;
import dev.flash.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crash path as an operator would meet it: the real {@code flash daemon} (the same main as
 * the jar) runs in its own JVM against a fake cpufreq tree, writes to it, is killed with SIGKILL
 * (no shutdown hook runs), and {@code flash restore} (the unit's ExecStopPost) must return every
 * setting file to the value it had before the daemon started.
 */
class DaemonCrashRestoreTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"acpi-cpufreq", "intel_pstate-active", "intel_cpufreq-passive", "amd-pstate-active"})
    void killMinusNineThenRestoreReturnsEveryFile(String layout) throws Exception {
        FakeSysfs tree = switch (layout) {
            case "acpi-cpufreq" -> FakeSysfs.acpiCpufreq(dir.resolve("root"), 4, 2);
            case "intel_pstate-active" -> FakeSysfs.intelPstateActive(dir.resolve("root"), 4);
            case "intel_cpufreq-passive" -> FakeSysfs.intelCpufreqPassive(dir.resolve("root"), 4);
            default -> FakeSysfs.amdPstate(dir.resolve("root"), 4, "active");
        };
        Map<String, String> before = kernelView(tree.settingsSnapshot());
        Path state = dir.resolve("run");
        Path log = dir.resolve("daemon.log");
        // A model that always asks for the lowest frequency, so the daemon writes whatever the
        // real utilization of this machine is (the fallback rule would follow it).
        TestModels.spec().preferAction(0).write(Files.createDirectories(dir.resolve("models")), "min.onnx");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process daemon = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), FlashMain.class.getName(), "daemon",
                "--sysfs-root", tree.root().toString(), "--state-dir", state.toString(),
                "--socket", state.resolve("flashd.sock").toString(),
                "--models-dir", dir.resolve("models").toString(), "--period", "100", "--quiet")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && daemon.isAlive()
                    && (!Files.exists(state.resolve("state.json")) || kernelView(tree.settingsSnapshot()).equals(before))) {
                Thread.sleep(50);
            }
            assertTrue(daemon.isAlive(), "daemon still running: " + Files.readString(log));
            assertNotEquals(before, kernelView(tree.settingsSnapshot()), "the daemon wrote to the tree");
            daemon.destroyForcibly(); // SIGKILL: no hook, no restore
            assertTrue(daemon.waitFor(10, TimeUnit.SECONDS));
        } finally {
            daemon.destroyForcibly();
        }
        assertTrue(Files.exists(state.resolve("state.json")), "the saved state outlives the crash");

        int exit = FlashMain.commandLine().execute("restore", "--state-dir", state.toString());

        assertEquals(0, exit);
        assertEquals(before, kernelView(tree.settingsSnapshot()));
    }

    /**
     * What a reader of the real sysfs would see. The child JVM writes plain files (no kernel
     * behind them), so two kernel behaviours are applied here: values read back with a trailing
     * newline whatever was written, and {@code scaling_setspeed} reads {@code <unsupported>}
     * unless the policy's governor is userspace (drivers/cpufreq/cpufreq.c).
     */
    private static Map<String, String> kernelView(Map<String, String> files) {
        Map<String, String> view = new java.util.TreeMap<>();
        files.forEach((k, v) -> view.put(k, v.strip()));
        for (Map.Entry<String, String> e : view.entrySet()) {
            if (e.getKey().endsWith("/scaling_setspeed")) {
                String governor = view.get(e.getKey().replace("scaling_setspeed", "scaling_governor"));
                if (!"userspace".equals(governor)) {
                    e.setValue(FakeSysfs.UNSUPPORTED);
                }
            }
        }
        return view;
    }

    @Test
    void restoreWithNothingSavedSaysSoAndSucceeds() {
        assertEquals(0, FlashMain.commandLine().execute("restore", "--state-dir", dir.toString()));
    }
}
