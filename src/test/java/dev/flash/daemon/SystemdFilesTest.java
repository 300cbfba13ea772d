package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unit file as systemd itself judges it, and install.sh / uninstall.sh into a temp root. */
class SystemdFilesTest {
    static final Path SYSTEMD = Path.of("systemd");
    /** Measured with systemd 252: 2.3. The bound leaves room for other systemd versions' weights. */
    static final double MAX_EXPOSURE = 3.0;

    @TempDir
    Path dir;

    private static boolean hasSystemdAnalyze() {
        try {
            return new ProcessBuilder("systemd-analyze", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(Path cwd, Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    /** The unit with /usr/bin/flash pointing at a stub that exists here. */
    private Path unitWithStub() throws IOException {
        Path stub = dir.resolve("bin/flash");
        Files.createDirectories(stub.getParent());
        Files.writeString(stub, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path unit = dir.resolve("flashd.service");
        Files.writeString(unit, Files.readString(SYSTEMD.resolve("flashd.service")).replace("/usr/bin/flash", stub.toString()));
        return unit;
    }

    @Test
    void unitPassesSystemdAnalyzeVerify() throws Exception {
        assumeTrue(hasSystemdAnalyze(), "systemd-analyze is not installed");
        unitWithStub();
        Result r = run(dir, Map.of(), "systemd-analyze", "verify", "./flashd.service");
        assertEquals(0, r.code, r.output);
        assertFalse(r.output.contains("flashd.service:"), "no warnings about the unit: " + r.output);
    }

    @Test
    void unitExposureScoreIsLow() throws Exception {
        assumeTrue(hasSystemdAnalyze(), "systemd-analyze is not installed");
        unitWithStub();
        Result r = run(dir, Map.of(), "systemd-analyze", "security", "--offline=yes", "./flashd.service");
        Matcher m = Pattern.compile("Overall exposure level for flashd\\.service: ([0-9.]+)").matcher(r.output);
        assertTrue(m.find(), r.output);
        double score = Double.parseDouble(m.group(1));
        assertTrue(score <= MAX_EXPOSURE, "exposure " + score + " > " + MAX_EXPOSURE);
    }

    @Test
    void unitDeclaresWhatTheDaemonReliesOn() throws IOException {
        String unit = Files.readString(SYSTEMD.resolve("flashd.service"));
        for (String line : new String[] {"Type=notify", "NotifyAccess=main", "ExecStopPost=/usr/bin/flash restore",
                "RuntimeDirectory=flash", "Group=flash", "StateDirectory=flash", "ProtectSystem=strict",
                "ReadWritePaths=/sys/devices/system/cpu", "RestrictAddressFamilies=AF_UNIX", "Restart=on-failure",
                "ExecStart=/usr/bin/flash daemon --config /etc/flash/flashd.toml"}) {
            assertTrue(unit.contains(line), "missing " + line);
        }
        for (String peer : new String[] {"tuned", "power-profiles-daemon", "tlp", "auto-cpufreq", "cpupower"}) {
            assertTrue(unit.matches("(?s).*Conflicts=[^\\n]*" + peer + "\\.service.*"), "no conflict with " + peer);
        }
        assertFalse(unit.contains("\nMemoryDenyWriteExecute=yes"), "the JVM's JIT needs W+X memory");
    }

    @Test
    void outOfMemoryIsRestartedAndNeverSharesTheConfigurationExitCode() throws Exception {
        String unit = Files.readString(SYSTEMD.resolve("flashd.service"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^RestartPreventExitStatus=(.*)$").matcher(unit);
        assertTrue(m.find(), "the unit says which exits are not restarted");
        List<String> prevented = List.of(m.group(1).trim().split("\\s+"));
        assertTrue(prevented.contains(Integer.toString(dev.flash.cli.ExitCodes.CONFIG)), prevented.toString());
        assertFalse(prevented.contains(Integer.toString(dev.flash.cli.ExitCodes.FAILURE)),
                "exit 1 (a failure, out of memory) must be restarted: " + prevented);
        // The JVM's -XX:+ExitOnOutOfMemoryError exits 3, which the unit would never restart.
        Result daemon = run(Path.of("").toAbsolutePath(), Map.of("JAVA", "echo", "FLASH_HOME", "/opt/f"),
                "sh", "systemd/flash", "daemon");
        assertFalse(daemon.output.contains("ExitOnOutOfMemoryError"), daemon.output);
    }

    @Test
    void installAndUninstallIntoATempRoot() throws Exception {
        Path root = dir.resolve("root");
        Path jar = dir.resolve("target/flash.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "not really a jar");
        Path models = dir.resolve("models");
        Files.createDirectories(models);
        Files.writeString(models.resolve("dvfs.onnx"), "model");
        Map<String, String> env = Map.of("DESTDIR", root.toString());
        Path cwd = Path.of("").toAbsolutePath();

        Result in = run(cwd, env, "sh", "systemd/install.sh", "--jar", jar.toString(), "--models", models.toString());
        assertEquals(0, in.code, in.output);
        assertEquals(List.of(
                "etc/flash/flashd.toml",
                "etc/systemd/system/flashd.service",
                "usr/bin/flash",
                "usr/lib/flash/flash.jar",
                "usr/share/doc/flash/config.md",
                "usr/share/doc/flash/status.md",
                "var/lib/flash/models/dvfs.onnx"), files(root));
        assertTrue(Files.isExecutable(root.resolve("usr/bin/flash")));
        assertTrue(Files.readString(root.resolve("usr/bin/flash")).contains("/usr/lib/flash"));

        // an operator's configuration survives a re-install
        Files.writeString(root.resolve("etc/flash/flashd.toml"), "period_ms = 500\n");
        assertEquals(0, run(cwd, env, "sh", "systemd/install.sh", "--jar", jar.toString()).code);
        assertEquals("period_ms = 500\n", Files.readString(root.resolve("etc/flash/flashd.toml")));

        // without --models the re-install brings the repository's shipped models
        List<String> kept = new java.util.ArrayList<>(List.of("etc/flash/flashd.toml", "var/lib/flash/models/dvfs.onnx"));
        try (var shipped = Files.newDirectoryStream(cwd.resolve("models"), "*.onnx")) {
            shipped.forEach(m -> kept.add("var/lib/flash/models/" + m.getFileName()));
        }
        java.util.Collections.sort(kept);

        Result out = run(cwd, env, "sh", "systemd/uninstall.sh");
        assertEquals(0, out.code, out.output);
        assertEquals(kept, files(root), "uninstall keeps configuration and models; --purge removes them");

        Result purge = run(cwd, env, "sh", "systemd/uninstall.sh", "--purge");
        assertEquals(0, purge.code, purge.output);
        assertEquals(List.of(), files(root));
    }

    @Test
    void installWithAPrefixRewritesThePaths() throws Exception {
        Path root = dir.resolve("root");
        Path jar = dir.resolve("flash.jar");
        Files.writeString(jar, "jar");
        Result in = run(Path.of("").toAbsolutePath(), Map.of("DESTDIR", root.toString()), "sh", "systemd/install.sh",
                "--jar", jar.toString(), "--prefix", "/opt/flash");
        assertEquals(0, in.code, in.output);
        String unit = Files.readString(root.resolve("etc/systemd/system/flashd.service"));
        assertTrue(unit.contains("ExecStart=/opt/flash/bin/flash daemon"), unit);
        assertTrue(unit.contains("ExecStopPost=/opt/flash/bin/flash restore"), unit);
        assertTrue(Files.exists(root.resolve("opt/flash/lib/flash/flash.jar")));
        assertTrue(Files.readString(root.resolve("opt/flash/bin/flash")).contains("/opt/flash/lib/flash"));
    }

    @Test
    void installRejectsUnknownOptions() throws Exception {
        Result r = run(Path.of("").toAbsolutePath(), Map.of("DESTDIR", dir.toString()), "sh", "systemd/install.sh", "--bogus");
        assertEquals(2, r.code);
        assertTrue(r.output.contains("unknown option '--bogus'"), r.output);
    }

    @Test
    void launcherRunsTheJarInASmallJvmAndTrainingWithTheTrainingLibraries() throws Exception {
        Path cwd = Path.of("").toAbsolutePath();
        Map<String, String> env = Map.of("JAVA", "echo", "FLASH_HOME", "/opt/f");
        Result daemon = run(cwd, env, "sh", "systemd/flash", "status", "--json");
        assertEquals(0, daemon.code, daemon.output);
        assertTrue(daemon.output.contains("-XX:+UseSerialGC"), daemon.output);
        assertTrue(daemon.output.contains("-Xmx64m"), daemon.output);
        assertTrue(daemon.output.trim().endsWith("-jar /opt/f/flash.jar status --json"), daemon.output);
        Result train = run(cwd, env, "sh", "systemd/flash", "train", "--help");
        assertTrue(train.output.contains("/opt/f/flash.jar:/opt/f/train-lib/*"), train.output);
        assertTrue(train.output.trim().endsWith("dev.flash.cli.FlashMain train --help"), train.output);
    }

    private static List<String> files(Path root) throws IOException {
        if (!Files.exists(root)) {
            return new ArrayList<>();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
    }
}
