package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.actuate.StateStore;
import dev.flash.actuate.linux.CpufreqActuator;
import dev.flash.cli.ResumeCommand;
import dev.flash.cli.StatusCommand;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.telemetry.linux.LinuxTelemetrySource;
import dev.flash.testing.FakeKernel;
import dev.flash.testing.FakeSysfs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The daemon, the real cpufreq actuator and telemetry on a fake tree with the kernel's write
 * semantics, and another tool that changes a limit or a governor while it runs: flashd must
 * leave that policy to the other tool for good (no hands-off/retake cycle, no periodic
 * re-write), say so once in the log and in the status, keep the other tool's value at stop, and
 * act on the policy again when the operator runs {@code flash resume}.
 */
class OtherToolsDaemonTest {
    private static final int TICKS = 60;

    @TempDir
    Path tmp;

    private final FakeKernel kernel = new FakeKernel();
    private final FakeKernel otherTool = new FakeKernel();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    private FlashDaemon daemon(FakeSysfs fake) throws Exception {
        SysfsRoot root = fake.sysfs(kernel);
        Path run = tmp.resolve("run");
        DaemonConfig config = DaemonConfig.defaults().withPeriodMs(50).withRecoverAfterTicks(3)
                .withStateDir(run).withSysfsRoot(fake.root());
        Node node = new Node(LinuxTelemetrySource.open(root, new CpufreqReader(root)::read),
                new CpufreqActuator(root, new StateStore(run), false), false, "fake tree");
        DaemonLog log = new DaemonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8),
                DaemonConfig.LogLevel.INFO, false);
        return new FlashDaemon(config, node, new FakePolicies(), log, new SdNotify(null));
    }

    private long writesTo(FakeSysfs fake, int policy) {
        String dir = fake.policyDir(policy) + "/";
        return kernel.writes().stream().filter(w -> w.startsWith(dir)).count();
    }

    private long logLines(String fragment) {
        return logBytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(fragment)).count();
    }

    @Test
    void anotherToolsCapIsLeftAloneShownOnceAndResumedOnTheOperatorsWord() throws Exception {
        FakeSysfs fake = FakeSysfs.intelPstateActive(tmp.resolve("tree"), 2);
        FlashDaemon d = daemon(fake);
        for (int i = 0; i < 3; i++) {
            d.tick();
        }
        assertTrue(writesTo(fake, 1) > 0, "flashd capped policy1");
        otherTool.write(fake.policyDir(1).resolve("scaling_max_freq"), "3333000");
        long writesBefore = writesTo(fake, 1);

        for (int i = 0; i < TICKS; i++) {
            d.tick();
            assertEquals("3333000", fake.read(1, "scaling_max_freq"), "the other tool's cap, tick " + i);
        }
        assertEquals(writesBefore, writesTo(fake, 1), "no write to policy1 after the other tool's");
        assertTrue(writesTo(fake, 0) > 0);
        assertEquals(1, logLines("another tool changed policy1 scaling_max_freq"), logBytes.toString(StandardCharsets.UTF_8));

        DaemonStatus s = d.status();
        assertEquals("running", s.state, "another tool's change is not a failure: " + s.stateReason);
        assertEquals(0, s.counts.handsOff);
        assertEquals(0, s.counts.writeErrors);
        assertEquals(1, s.counts.foreignChanges);
        assertEquals(1, s.otherTools.size());
        DaemonStatus.ForeignChangeStatus f = s.otherTools.get(0);
        assertEquals(1, f.policy);
        assertEquals("scaling_max_freq", f.file);
        assertEquals("3333000", f.found);
        assertFalse(f.expected.equals(f.found));
        assertFalse(java.time.Instant.parse(f.at).isAfter(java.time.Instant.now()), "seen at " + f.at); // ISO-8601
        assertEquals("other-tool", s.policies.get(1).action);
        assertEquals(1, s.handsOffPolicies.size());
        assertEquals("policy1", s.handsOffPolicies.get(0).policy);

        // the operator: `flash status` shows it, `flash resume 1` over the status socket takes it back
        Path socket = tmp.resolve("run/flashd.sock");
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StatusServer server = StatusServer.start(socket, d::status, d::resume, DaemonLog.silent())) {
            assertEquals(0, new CommandLine(new StatusCommand(new PrintStream(shown, true, StandardCharsets.UTF_8),
                    System.err)).execute("--socket", server.path().toString()));
            int exit = new CommandLine(new ResumeCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err))
                    .execute("1", "--socket", server.path().toString());
            assertEquals(0, exit);
        }
        assertTrue(shown.toString(StandardCharsets.UTF_8).contains("policy1: another tool changed scaling_max_freq "
                + f.expected + " -> 3333000; `flash resume 1` takes it back"), shown.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("policy1: flashd acts on it again"), out.toString());
        d.tick();
        d.tick();
        assertTrue(writesTo(fake, 1) > writesBefore, "flashd acts on policy1 again");
        assertTrue(d.status().otherTools.isEmpty());

        d.shutdown();
        assertEquals("4000000", fake.read(1, "scaling_max_freq"), "restored as flashd first found it");
        assertEquals("4000000", fake.read(0, "scaling_max_freq"));
        assertFalse(Files.exists(tmp.resolve("run").resolve(StateStore.FILE_NAME)));
    }

    @Test
    void anotherToolsGovernorOutlivesTheDaemon() throws Exception {
        FakeSysfs fake = FakeSysfs.acpiCpufreq(tmp.resolve("tree"), 2, 1);
        FlashDaemon d = daemon(fake);
        d.tick();
        assertEquals("userspace", fake.read(0, "scaling_governor"));
        otherTool.write(fake.policyDir(0).resolve("scaling_governor"), "performance");
        for (int i = 0; i < TICKS; i++) {
            d.tick();
            assertEquals("performance", fake.read(0, "scaling_governor"), "tick " + i);
        }
        assertEquals(1, logLines("another tool changed policy0 scaling_governor userspace -> performance"));
        assertEquals(0, d.status().counts.handsOff);
        d.shutdown();
        assertEquals("performance", fake.read(0, "scaling_governor"), "not the saved schedutil");
        assertEquals("schedutil", fake.read(1, "scaling_governor"));
        assertFalse(Files.exists(tmp.resolve("run").resolve(StateStore.FILE_NAME)));
    }
}
