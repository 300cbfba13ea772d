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

    /** A fake java that answers -version as Java {@code feature} and otherwise prints its arguments. */
    private Path fakeJava(String version) throws IOException {
        Path java = dir.resolve("jdk-" + version + "/bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\n"
                + "if [ \"$1\" = -version ]; then echo 'openjdk version \"" + version + "\" 2024-01-16' >&2; exit 0; fi\n"
                + "echo \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    @Test
    void launcherRunsTheJarInASmallJvmAndTrainingWithTheTrainingLibraries() throws Exception {
        Path cwd = Path.of("").toAbsolutePath();
        Map<String, String> env = Map.of("JAVA", fakeJava("17.0.15").toString(), "FLASH_HOME", "/opt/f");
        Result daemon = run(cwd, env, "sh", "systemd/flash", "status", "--json");
        assertEquals(0, daemon.code, daemon.output);
        assertTrue(daemon.output.contains("-XX:+UseSerialGC"), daemon.output);
        assertTrue(daemon.output.contains("-Xmx64m"), daemon.output);
        assertTrue(daemon.output.contains("--enable-native-access=ALL-UNNAMED"), daemon.output);
        assertTrue(daemon.output.trim().endsWith("-jar /opt/f/flash.jar status --json"), daemon.output);
        assertTrue(!daemon.output.contains("-Xmn"), "only the daemon gets the sized young generation: " + daemon.output);
        // the daemon's young generation (out of the tick's p99), with a start heap that holds it
        Result flashd = run(cwd, env, "sh", "systemd/flash", "daemon", "--help");
        assertTrue(flashd.output.contains("-Xmx64m -Xss512k"), flashd.output);
        assertTrue(flashd.output.contains("-Xms24m -Xmn16m"), flashd.output);
        // the JVM's housekeeping wakes the daemon once a minute, not five times a second
        assertTrue(flashd.output.contains("-XX:+UnlockDiagnosticVMOptions -XX:GuaranteedSafepointInterval=60000"
                + " -XX:AsyncDeflationInterval=60000"), flashd.output);
        assertTrue(!daemon.output.contains("GuaranteedSafepointInterval"), "the daemon's alone: " + daemon.output);
        assertTrue(flashd.output.trim().endsWith("-jar /opt/f/flash.jar daemon --help"), flashd.output);
        Result train = run(cwd, env, "sh", "systemd/flash", "train", "--help");
        assertTrue(train.output.contains("/opt/f/flash.jar:/opt/f/train-lib/*"), train.output);
        assertTrue(train.output.contains("--enable-native-access=ALL-UNNAMED"), train.output);
        assertTrue(train.output.trim().endsWith("dev.flash.cli.FlashMain train --help"), train.output);
        // a one-shot answer: G1 (the archived module graph), and on JDK 17 no --enable-native-access,
        // which would turn that graph off; the group's other commands keep the small serial JVM
        Result oneShot = run(cwd, env, "sh", "systemd/flash", "config-search", "recommend", "--help");
        assertTrue(oneShot.output.contains("-XX:+UseG1GC -XX:ParallelGCThreads=1 -XX:ConcGCThreads=1 -Xms8m -Xmx64m"),
                oneShot.output);
        assertFalse(oneShot.output.contains("UseSerialGC") || oneShot.output.contains("enable-native-access"), oneShot.output);
        Result stream = run(cwd, env, "sh", "systemd/flash", "config-search", "recommend", "--model", "m.onnx", "--stream");
        assertTrue(stream.output.contains("-XX:+UseSerialGC") && stream.output.contains("--enable-native-access=ALL-UNNAMED"),
                "a stream keeps its flags: " + stream.output);
        Result group = run(cwd, env, "sh", "systemd/flash", "config-search", "--help");
        assertTrue(group.output.contains("-XX:+UseSerialGC") && group.output.contains("--enable-native-access=ALL-UNNAMED"),
                group.output);
        Result newer = run(cwd, Map.of("JAVA", fakeJava("22.0.1").toString(), "FLASH_HOME", "/opt/f"),
                "sh", "systemd/flash", "autoscale", "recommend", "--help");
        assertTrue(newer.output.contains("-XX:+UseG1GC") && newer.output.contains("--enable-native-access=ALL-UNNAMED"),
                newer.output);
    }

    @Test
    void launcherFindsJavaThroughJavaHome() throws Exception {
        Path java = fakeJava("21.0.2");
        Result r = run(Path.of("").toAbsolutePath(), Map.of("JAVA_HOME", java.getParent().getParent().toString(),
                "FLASH_HOME", "/opt/f"), "sh", "systemd/flash", "status");
        assertEquals(0, r.code, r.output);
        assertTrue(r.output.trim().endsWith("-jar /opt/f/flash.jar status"), r.output);
    }

    @Test
    void launcherKeepsAnAppCdsArchiveOfTheOneShotAnswers() throws Exception {
        // a fake runtime with a release file; its java writes the archive it is asked to write at exit
        Path fake = dir.resolve("cdsjdk/bin/java");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "#!/bin/sh\n[ \"$1\" = -version ] && exit 99\necho \"$@\"\n"
                + "for a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*) echo archive > \"${a#*=}\" ;; esac; done\n"
                + "[ \"$FAIL\" = 1 ] && exit 2\nexit 0\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("cdsjdk/release"), "JAVA_VERSION=\"17.0.15\"\nJAVA_RUNTIME_VERSION=\"17.0.15+6\"\n");
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("flash.jar"), "jar");
        Path cds = dir.resolve("cds");
        Path cwd = Path.of("").toAbsolutePath();
        Map<String, String> env = new java.util.HashMap<>(Map.of("JAVA", fake.toString(), "FLASH_HOME", home.toString(),
                "FLASH_CDS_DIR", cds.toString()));
        String[] recommend = {"sh", "systemd/flash", "config-search", "recommend", "--model", "m.onnx", "--samples", "s.csv"};

        env.put("FAIL", "1");
        Result failed = run(cwd, env, recommend);
        assertEquals(2, failed.code, failed.output);
        assertTrue(failed.output.contains("-XX:ArchiveClassesAtExit=" + cds), failed.output);
        try (var list = Files.list(cds)) {
            assertEquals(0, list.count(), "no archive kept from a failed run");
        }
        env.remove("FAIL");
        Result first = run(cwd, env, recommend);
        assertEquals(0, first.code, first.output);
        assertTrue(first.output.contains("-XX:+UseG1GC"), first.output);
        assertTrue(first.output.contains(" dev.flash.cli.FlashMain config-search recommend "), first.output);
        Path archive;
        try (var list = Files.list(cds)) {
            archive = list.collect(java.util.stream.Collectors.toList()).stream().findFirst().orElseThrow();
        }
        assertTrue(archive.getFileName().toString().matches("config-search-3-[0-9]+-17.0.15_6.jsa"), archive.toString());
        Result second = run(cwd, env, recommend);
        assertTrue(second.output.contains("-XX:SharedArchiveFile=" + archive), second.output);
        assertFalse(second.output.contains("ArchiveClassesAtExit"), second.output);
        // with an archive: the class path and the main class, so that the jar is never opened
        assertTrue(second.output.trim().endsWith("-cp " + home.resolve("flash.jar")
                        + " dev.flash.cli.FlashMain config-search recommend --model m.onnx --samples s.csv"), second.output);

        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-rw-"));
        Result writable = run(cwd, env, recommend);
        assertFalse(writable.output.contains("SharedArchiveFile"), "an archive others may write is not used");
        Result status = run(cwd, env, "sh", "systemd/flash", "status");
        assertFalse(status.output.contains("-XX:SharedArchiveFile") || status.output.contains("ArchiveClassesAtExit"),
                status.output);
        env.put("FLASH_CDS_DIR", "none");
        Files.delete(archive);
        Result off = run(cwd, env, recommend);
        assertFalse(off.output.contains("Archive"), off.output);
    }

    @Test
    void prepareCdsMakesTheArchivesFromTheJarsClassListsWhichTheOneShotAnswersThenMap() throws Exception {
        // a fake runtime: -Xshare:dump writes the archive it is asked for (fails with DUMP_FAILS=1),
        // every call's arguments go to $CALLS
        Path fake = dir.resolve("listjdk/bin/java");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "#!/bin/sh\n[ \"$1\" = -version ] && exit 99\necho \"$@\" >> \"$CALLS\"\n"
                + "case \"$*\" in *-Xshare:dump*) [ \"$DUMP_FAILS\" = 1 ] && exit 1\n"
                + "  for a in \"$@\"; do case \"$a\" in -XX:SharedArchiveFile=*) echo archive > \"${a#*=}\" ;; esac; done ;; esac\n"
                + "exit 0\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("listjdk/release"), "JAVA_VERSION=\"17.0.15\"\nJAVA_RUNTIME_VERSION=\"17.0.15+6\"\n");
        Path home = Files.createDirectories(dir.resolve("listhome/cds")).getParent();
        Files.writeString(home.resolve("flash.jar"), "jar");
        Path list = home.resolve("cds/config-search.classlist");
        Files.writeString(list, "java/lang/Object\n");
        Path calls = dir.resolve("calls.txt");
        Path cds = dir.resolve("prepared");
        Path cwd = Path.of("").toAbsolutePath();
        Map<String, String> env = new java.util.HashMap<>(Map.of("JAVA", fake.toString(), "FLASH_HOME", home.toString(),
                "FLASH_CDS_DIR", cds.toString(), "CALLS", calls.toString()));

        Result ok = run(cwd, env, "sh", "systemd/flash", "--prepare-cds");
        assertEquals(0, ok.code, ok.output);
        List<String> lines = Files.readAllLines(calls);
        assertEquals(1, lines.size(), "one dump per class list, nothing answered: " + lines);
        assertTrue(lines.get(0).contains("-XX:+UseG1GC"), lines.get(0)); // the one-shot answers' flags: heap objects archived
        assertTrue(lines.get(0).contains("-Xshare:dump -XX:SharedClassListFile=" + list + " -XX:SharedArchiveFile=" + cds), lines.get(0));
        assertTrue(lines.get(0).endsWith("-cp " + home.resolve("flash.jar")), lines.get(0));
        Path archive;
        try (var files = Files.list(cds)) {
            archive = files.collect(Collectors.toList()).stream().findFirst().orElseThrow();
        }
        assertTrue(archive.getFileName().toString().matches("config-search-3-[0-9]+-17.0.15_6.jsa"), archive.toString());

        Files.delete(calls);
        String[] recommend = {"sh", "systemd/flash", "config-search", "recommend", "--samples", "s.csv"};
        assertEquals(0, run(cwd, env, recommend).code);
        lines = Files.readAllLines(calls);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("-XX:SharedArchiveFile=" + archive + " -Xlog:cds=off -Xlog:cds+dynamic=off"), lines.get(0));
        assertTrue(lines.get(0).endsWith("-cp " + home.resolve("flash.jar") + " dev.flash.cli.FlashMain config-search recommend --samples s.csv"),
                lines.get(0));

        env.put("DUMP_FAILS", "1");
        Result failed = run(cwd, env, "sh", "systemd/flash", "--prepare-cds");
        assertEquals(1, failed.code, failed.output);
        assertTrue(failed.output.contains("no archive written"), failed.output);
        assertTrue(Files.exists(archive), "a failed dump leaves the archive in place");
        try (var files = Files.list(cds)) {
            assertEquals(1, files.count(), "nothing half-written left");
        }
        env.remove("DUMP_FAILS");
        env.put("FLASH_CDS_DIR", "none");
        Result off = run(cwd, env, "sh", "systemd/flash", "--prepare-cds");
        assertEquals(1, off.code, off.output);
        assertTrue(off.output.contains("no writable archive directory"), off.output);
        Files.delete(list);
        env.put("FLASH_CDS_DIR", dir.resolve("nolist").toString());
        Result noList = run(cwd, env, "sh", "systemd/flash", "--prepare-cds");
        assertEquals(1, noList.code, "no class list, no archive: " + noList.output);
    }

    @Test
    void launcherReadsTheVersionFromTheRuntimesReleaseFileWithoutStartingIt() throws Exception {
        Path java = dir.resolve("jdk/bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\n[ \"$1\" = -version ] && exit 99\necho \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cwd = Path.of("").toAbsolutePath();
        Files.writeString(dir.resolve("jdk/release"), "JAVA_VERSION=\"11.0.22\"\n");
        Result old = run(cwd, Map.of("JAVA", java.toString()), "sh", "systemd/flash", "status");
        assertEquals(3, old.code, old.output);
        assertTrue(old.output.contains("is Java 11"), old.output);
        Files.writeString(dir.resolve("jdk/release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"25\"\n");
        Result current = run(cwd, Map.of("JAVA", java.toString(), "FLASH_HOME", "/opt/f"), "sh", "systemd/flash", "status");
        assertEquals(0, current.code, current.output);
        assertTrue(current.output.trim().endsWith("-jar /opt/f/flash.jar status"), current.output);
    }

    @Test
    void launcherRefusesAnOldJavaWithExitThreeAndSaysHowToInstallOne() throws Exception {
        for (String old : new String[] {"11.0.22", "1.8.0_402"}) {
            Result r = run(Path.of("").toAbsolutePath(), Map.of("JAVA", fakeJava(old).toString()), "sh", "systemd/flash", "status");
            assertEquals(3, r.code, "the unit's RestartPreventExitStatus holds 3: " + r.output);
            assertTrue(r.output.contains("is Java " + old.replaceFirst("^1\\.", "").split("\\.")[0]), r.output);
            assertTrue(r.output.contains("openjdk-17-jre-headless") && r.output.contains("/etc/default/flash"), r.output);
            assertFalse(r.output.contains("-jar"), "the jar must not start: " + r.output);
        }
    }

    @Test
    void launcherWithoutJavaExitsThreeInsteadOfAShellError() throws Exception {
        Result r = run(Path.of("").toAbsolutePath(), Map.of("JAVA", dir.resolve("no/such/java").toString()),
                "sh", "systemd/flash", "daemon");
        assertEquals(3, r.code, r.output);
        assertTrue(r.output.contains("no java found"), r.output);
        assertTrue(r.output.contains("Java 17"), r.output);
    }

    @Test
    void unitReadsTheOptionalEnvironmentFileAndDoesNotRestartWithoutJava() throws IOException {
        String unit = Files.readString(SYSTEMD.resolve("flashd.service"));
        assertTrue(unit.contains("\nEnvironmentFile=-/etc/default/flash\n"), unit);
        Matcher prevent = Pattern.compile("\nRestartPreventExitStatus=([0-9 ]+)\n").matcher(unit);
        assertTrue(prevent.find(), unit);
        assertTrue(List.of(prevent.group(1).split(" ")).contains("3"), "the launcher's no-Java exit code");
        String defaults = Files.readString(SYSTEMD.resolve("flash.default"));
        assertTrue(defaults.contains("JAVA_HOME=") && defaults.contains("FLASH_JAVA_OPTS="), defaults);
    }

    @Test
    void installLeavesTheTrainingStackOutUnlessAsked() throws Exception {
        Path jar = dir.resolve("target/flash.jar");
        Files.createDirectories(jar.getParent().resolve("train-lib"));
        Files.writeString(jar, "jar");
        Files.writeString(jar.getParent().resolve("train-lib/api.jar"), "djl");
        Path cwd = Path.of("").toAbsolutePath();
        Path plain = dir.resolve("plain");
        assertEquals(0, run(cwd, Map.of("DESTDIR", plain.toString()), "sh", "systemd/install.sh", "--jar", jar.toString(),
                "--models", "").code);
        assertFalse(Files.exists(plain.resolve("usr/lib/flash/train-lib")));
        Path full = dir.resolve("full");
        Result r = run(cwd, Map.of("DESTDIR", full.toString()), "sh", "systemd/install.sh", "--jar", jar.toString(),
                "--models", "", "--with-training");
        assertEquals(0, r.code, r.output);
        assertTrue(Files.exists(full.resolve("usr/lib/flash/train-lib/api.jar")));

        Path bare = dir.resolve("bare/flash.jar");
        Files.createDirectories(bare.getParent());
        Files.writeString(bare, "jar");
        Result missing = run(cwd, Map.of("DESTDIR", dir.resolve("x").toString()), "sh", "systemd/install.sh", "--jar",
                bare.toString(), "--with-training");
        assertEquals(2, missing.code, missing.output);
        assertTrue(missing.output.contains("--with-training"), missing.output);
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
