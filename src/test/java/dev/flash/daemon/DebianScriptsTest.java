package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian maintainer scripts (src/deb/control/) run by sh with the system's helpers replaced
 * by stubs on PATH that log their arguments: what each script asks for, and that a failure of
 * `flash restore` never blocks a removal. Installing, purging and lintian run for real in
 * .ci/packaging-checks (they need root and dpkg); purge is not run here, as it deletes
 * /var/lib/flash.
 */
class DebianScriptsTest {
    static final Path CONTROL = Path.of("src/deb/control");

    @TempDir
    Path dir;

    private record Result(int code, String output, List<String> calls) {
    }

    /** A stub command that logs "name args" and exits with {@code code}. */
    private void stub(String name, int code) throws IOException {
        Path bin = dir.resolve("bin/" + name);
        Files.createDirectories(bin.getParent());
        Files.writeString(bin, "#!/bin/sh\necho \"" + name + " $*\" >> " + dir.resolve("calls") + "\nexit " + code + "\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Result run(String script, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("sh", CONTROL.resolve(script).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().remove("DPKG_ROOT");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Path calls = dir.resolve("calls");
        List<String> logged = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
        Files.deleteIfExists(calls);
        return new Result(p.exitValue(), out, logged);
    }

    @Test
    void postinstCreatesTheGroupOnceAndEnablesTheUnitThroughDebSystemdHelper() throws Exception {
        stub("getent", 2);          // no group "flash" yet
        stub("groupadd", 0);
        stub("deb-systemd-helper", 0);
        stub("deb-systemd-invoke", 0);
        stub("systemctl", 0);
        Result first = run("postinst", "configure", "");
        assertEquals(0, first.code, first.output);
        assertTrue(first.calls.contains("groupadd --system flash"), first.calls.toString());
        assertTrue(first.calls.contains("deb-systemd-helper enable flashd.service"), first.calls.toString());
        // systemd is not PID 1 here (no /run/systemd/system) or it is: start only in the latter case
        boolean systemdRuns = Files.isDirectory(Path.of("/run/systemd/system"));
        assertEquals(systemdRuns, first.calls.contains("deb-systemd-invoke start flashd.service"), first.calls.toString());

        stub("getent", 0);          // the group exists now
        Result again = run("postinst", "configure", "0.1.0");
        assertEquals(0, again.code, again.output);
        assertTrue(again.calls.stream().noneMatch(c -> c.startsWith("groupadd")), again.calls.toString());
    }

    @Test
    void postinstKeepsAnOperatorsDisabledUnitDisabledOnUpgrade() throws Exception {
        stub("getent", 0);
        stub("deb-systemd-helper", 1);   // was-enabled: no
        Result r = run("postinst", "configure", "0.1.0");
        assertEquals(0, r.code, r.output);
        assertTrue(r.calls.contains("deb-systemd-helper update-state flashd.service"), r.calls.toString());
        assertTrue(r.calls.stream().noneMatch(c -> c.equals("deb-systemd-helper enable flashd.service")), r.calls.toString());
    }

    @Test
    void prermRestoresTheCpusAndAFailedRestoreDoesNotBlockRemoval() throws Exception {
        stub("deb-systemd-invoke", 0);
        stub("flash", 1);
        Result r = run("prerm", "remove");
        assertEquals(0, r.code, r.output);
        assertTrue(r.calls.contains("flash restore"), r.calls.toString());
        assertTrue(r.output.contains("'flash restore' failed"), r.output);

        Result upgrade = run("prerm", "upgrade", "0.2.0");
        assertEquals(0, upgrade.code, upgrade.output);
        assertTrue(upgrade.calls.isEmpty(), "an upgrade neither stops nor restores: " + upgrade.calls);
    }

    @Test
    void postrmOnRemoveMasksTheUnitUntilPurgeOrReinstall() throws Exception {
        stub("deb-systemd-helper", 0);
        stub("systemctl", 0);
        Result r = run("postrm", "remove");
        assertEquals(0, r.code, r.output);
        assertTrue(r.calls.contains("deb-systemd-helper mask flashd.service"), r.calls.toString());
    }
}
