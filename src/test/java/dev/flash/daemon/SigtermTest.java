package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.cli.DaemonCommand;
import dev.flash.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The stop path as systemd drives it: a separate JVM runs the daemon (on the fake node, see
 * {@link FakeDaemonMain}), receives {@code kill -TERM}, and must hand the CPU back, remove its
 * socket and exit 0. While it runs, a daemon in this JVM must refuse to start (exit 6) naming
 * the child's PID.
 */
class SigtermTest {
    @TempDir
    Path dir;

    @Test
    void sigtermStopsCleanlyAndSecondInstanceIsRefused() throws Exception {
        Path marker = dir.resolve("restored");
        Path stateDir = dir.resolve("run");
        Path socket = stateDir.resolve("flashd.sock");
        Path log = dir.resolve("child.log");
        Files.writeString(dir.resolve("none.toml"), "# all defaults\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "-Dflash.test.marker=" + marker,
                FakeDaemonMain.class.getName(), "--config", dir.resolve("none.toml").toString(),
                "--state-dir", stateDir.toString(), "--period", "100", "--quiet")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            boolean up = false;
            while (!up && System.nanoTime() < deadline && child.isAlive()) {
                try {
                    up = StatusServer.request(socket, "status", 1000).contains("\"running\"");
                } catch (java.io.IOException notYet) {
                    child.waitFor(50, TimeUnit.MILLISECONDS); // a poll that ends if it dies
                }
            }
            assertTrue(up, "child daemon came up: " + Files.readString(log));

            ByteArrayOutputStream err = new ByteArrayOutputStream();
            DaemonCommand second = new DaemonCommand(config -> new FakeNode().node(), (c, n) -> new FakePolicies(),
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(ExitCodes.ALREADY_RUNNING, new CommandLine(second).execute(
                    "--config", dir.resolve("none.toml").toString(), "--state-dir", stateDir.toString(), "--quiet"));
            assertTrue(err.toString().contains("PID " + child.pid()), err.toString());

            Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(child.waitFor(15, TimeUnit.SECONDS), "child stopped within 15 s");
            String output = Files.readString(log);
            assertEquals(0, child.exitValue(), output);
            List<String> restores = Files.readAllLines(marker);
            assertFalse(restores.isEmpty(), "restore called on SIGTERM");
            assertFalse(Files.exists(socket), "socket removed");
            assertTrue(output.contains("CPUs restored"), output);
        } finally {
            child.destroyForcibly();
        }
    }
}
