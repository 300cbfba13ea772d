package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.cli.ExitCodes;
import dev.flash.cli.FlashMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What systemd does with flashd's exit codes (issue 20, defects 3 and 10): a mistake in a file
 * the operator wrote stops the service for good (3, in RestartPreventExitStatus) instead of a
 * restart every 5 seconds, and the crash restore reads the configuration the daemon ran with.
 */
class ExitCodeContractTest {
    @TempDir
    Path dir;

    @Test
    void aBadSimulatedNodeSpecIsInvalidConfigurationForTheDaemonAsForTheChecker() throws Exception {
        Path bad = dir.resolve("bad.toml");
        Files.writeString(bad, "[node]\nwatts = 3\n[workload]\n");
        Files.writeString(dir.resolve("none.toml"), "# all defaults\n");

        StringWriter checkErr = new StringWriter();
        CommandLine check = FlashMain.commandLine();
        check.setErr(new PrintWriter(checkErr, true));
        check.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(ExitCodes.CONFIG, check.execute("sim", "spec", "--check", bad.toString()));

        PrintStream stderr = System.err;
        ByteArrayOutputStream daemonErr = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(daemonErr, true, StandardCharsets.UTF_8));
            code = FlashMain.commandLine().execute("daemon", "--config", dir.resolve("none.toml").toString(),
                    "--simulate=" + bad, "--state-dir", dir.resolve("run").toString(), "--duration", "5", "--quiet");
        } finally {
            System.setErr(stderr);
        }
        String message = daemonErr.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.CONFIG, code, message);
        assertTrue(message.contains("unknown key 'watts'") && checkErr.toString().contains("unknown key 'watts'"),
                message + checkErr);
    }

    @Test
    void theUnitDoesNotRestartOnWhatARestartCannotFix() throws Exception {
        String unit = Files.readString(SystemdFilesTest.SYSTEMD.resolve("flashd.service"));
        List<String> prevent = unit.lines().filter(l -> l.startsWith("RestartPreventExitStatus="))
                .flatMap(l -> Arrays.stream(l.substring(l.indexOf('=') + 1).trim().split("\\s+"))).toList();
        for (int code : new int[] {ExitCodes.CONFIG, ExitCodes.PERMISSION, ExitCodes.ALREADY_RUNNING}) {
            assertTrue(prevent.contains(Integer.toString(code)), "RestartPreventExitStatus lacks " + code + ": " + prevent);
        }
    }

    @Test
    void theCrashRestoreReadsTheConfigurationTheDaemonRunsWith() throws Exception {
        String unit = Files.readString(SystemdFilesTest.SYSTEMD.resolve("flashd.service"));
        String start = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        String stopPost = unit.lines().filter(l -> l.startsWith("ExecStopPost=")).findFirst().orElseThrow();
        assertTrue(stopPost.contains(" restore"), stopPost);
        // `flash restore` reads DaemonConfig.DEFAULT_FILE unless given --config: either way the daemon's file
        String daemonConfig = start.replaceAll(".*--config\\s+(\\S+).*", "$1");
        String restoreConfig = stopPost.contains("--config")
                ? stopPost.replaceAll(".*--config\\s+(\\S+).*", "$1") : DaemonConfig.DEFAULT_FILE.toString();
        assertEquals(daemonConfig, restoreConfig);
    }
}
