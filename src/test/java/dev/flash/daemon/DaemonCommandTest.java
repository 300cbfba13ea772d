package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.flash.cli.DaemonCommand;
import dev.flash.cli.ExitCodes;
import dev.flash.cli.StatusCommand;
import dev.flash.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flash daemon} and {@code flash status} end to end in this JVM, on the fake node. */
class DaemonCommandTest {
    @TempDir
    Path dir;

    private final FakeNode fake = new FakeNode();
    private final FakePolicies policies = new FakePolicies();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int daemon(String... args) {
        DaemonCommand cmd = new DaemonCommand(config -> fake.node(), (config, node) -> policies,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandLine(cmd).execute(args);
    }

    private String[] args(String... extra) {
        String[] base = {"--config", write("period_ms = 50\n").toString(), "--state-dir", dir.resolve("run").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    private Path write(String toml) {
        try {
            Path f = dir.resolve("flashd.toml");
            Files.writeString(f, toml);
            return f;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path socket() {
        return dir.resolve("run/flashd.sock");
    }

    /** Starts the daemon on another thread and returns once its socket answers. */
    private CompletableFuture<Integer> background(String... extra) {
        CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> daemon(args(extra)));
        Await.until("the daemon's socket to answer", Await.DEADLINE, () -> answers(socket()),
                () -> "stderr: " + err + (f.isDone() ? " (it exited " + f.join() + ")" : ""));
        return f;
    }

    private static boolean answers(Path socket) {
        try {
            StatusServer.request(socket, "status", 1000);
            return true;
        } catch (java.io.IOException notYet) {
            return false;
        }
    }

    private static JsonObject statusJson(Path socket) {
        try {
            return new Gson().fromJson(StatusServer.request(socket, "status", 5000), JsonObject.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String[] status(Path socket, String... extra) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        String[] all = new String[extra.length + 2];
        all[0] = "--socket";
        all[1] = socket.toString();
        System.arraycopy(extra, 0, all, 2, extra.length);
        int code = new CommandLine(new StatusCommand(new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8))).execute(all);
        return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void runsForADurationPrintsTicksAndCleansUp() {
        long start = System.nanoTime();
        int code = daemon(args("--duration", "0.5"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(ExitCodes.OK, code, err.toString());
        assertTrue(seconds >= 0.5, "stopped early: " + seconds + " s"); // a busy machine only makes it later
        String printed = out.toString(StandardCharsets.UTF_8);
        long lines = printed.lines().filter(l -> l.contains("| p0 util")).count();
        // never more ticks than the 10 slots of 50 ms (a busy machine overruns some: fewer lines)
        assertTrue(lines >= 1 && lines <= 10, lines + " tick lines:\n" + printed);
        assertTrue(printed.contains("->"), printed);
        assertTrue(fake.restores() >= 1, "CPU restored at stop");
        assertFalse(Files.exists(socket()), "socket removed at stop");
        assertTrue(err.toString().contains("stopped after"), err.toString());
    }

    @Test
    void quietPrintsNoTicks() {
        assertEquals(ExitCodes.OK, daemon(args("--duration", "0.2", "--quiet")));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void configErrorExitsThreeNamingKeyAndLine() {
        Path bad = write("period_ms = 50\nsimulate = 1\n");
        int code = daemon("--config", bad.toString(), "--state-dir", dir.toString());
        assertEquals(ExitCodes.CONFIG, code);
        assertTrue(err.toString().contains(bad + ":2: key 'simulate': expected a string"), err.toString());
    }

    @Test
    void outOfRangePeriodOptionExitsTwo() {
        assertEquals(ExitCodes.USAGE, daemon(args("--period", "20")));
        assertTrue(err.toString().contains("--period"), err.toString());
    }

    @Test
    void secondDaemonExitsSixNamingThePid() throws Exception {
        CompletableFuture<Integer> first = background("--duration", "600", "--quiet");
        try {
            ByteArrayOutputStream secondErr = new ByteArrayOutputStream();
            DaemonCommand second = new DaemonCommand(config -> fake.node(), (config, node) -> policies,
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(secondErr, true, StandardCharsets.UTF_8));
            int code = new CommandLine(second).execute(args("--quiet"));
            assertEquals(ExitCodes.ALREADY_RUNNING, code);
            assertTrue(secondErr.toString().contains("PID " + ProcessHandle.current().pid()), secondErr.toString());
        } finally {
            stopAll(first);
        }
    }

    @Test
    void staleSocketFileIsReplaced() throws Exception {
        Files.createDirectories(socket().getParent());
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(socket()));
        } // closed without unlinking: the file stays, nobody listens (as after a crash)
        assertTrue(Files.exists(socket()));
        CompletableFuture<Integer> d = background("--duration", "600", "--quiet");
        try {
            String json = StatusServer.request(socket(), "status", 2000);
            assertTrue(json.contains("\"state\""), json);
            assertTrue(err.toString().contains("removing stale status socket"), err.toString());
        } finally {
            stopAll(d);
        }
    }

    @Test
    void statusOverTheSocketAndTheStatusCommand() throws Exception {
        CompletableFuture<Integer> d = background("--duration", "600", "--quiet");
        try {
            // rewards and the utilization history need measured intervals (the first tick has none)
            Await.until("three ticks", () -> statusJson(socket()).get("ticks").getAsLong() >= 3);
            String json = StatusServer.request(socket(), "status", 5000);
            JsonObject o = new Gson().fromJson(json, JsonObject.class);
            for (String key : new String[] {"state", "uptimeSeconds", "periodMs", "jitter", "node", "model", "power",
                    "counts", "fallbackReasons", "lastErrors", "policies"}) {
                assertTrue(o.has(key), "missing " + key + " in " + json);
            }
            assertEquals(50, o.get("periodMs").getAsInt());
            JsonObject p0 = o.getAsJsonArray("policies").get(0).getAsJsonObject();
            for (String key : new String[] {"id", "mode", "freqMhz", "targetMhz", "utilization", "ipc", "action",
                    "embeddingNorm", "embeddingHead", "recentReward", "expectedReward", "drift", "decisions"}) {
                assertTrue(p0.has(key), "missing policy field " + key + " in " + p0);
            }
            JsonObject q0 = o.getAsJsonArray("policies").get(0).getAsJsonObject();
            assertTrue(q0.has("utilizationAverage") && q0.has("utilizationDeviation"), q0.toString());
            assertTrue(q0.has("runWaitShare"), "the node measures the run-queue wait: " + q0);
            double wait = q0.get("runWaitShare").getAsDouble();
            assertTrue(wait >= 0 && wait <= 1, q0.toString());
            double average = q0.get("utilizationAverage").getAsDouble();
            assertTrue(average >= 0 && average <= 1, "utilizationAverage " + average);
            assertTrue(q0.get("utilizationDeviation").getAsDouble() >= 0, q0.toString());
            assertEquals("simulated", o.getAsJsonObject("node").get("kind").getAsString());
            assertEquals(0660, posixMode(socket()));

            String unknown = StatusServer.request(socket(), "reboot", 2000);
            assertTrue(unknown.contains("unknown request"), unknown);

            String[] summary = status(socket());
            assertEquals("0", summary[0], summary[2]);
            assertTrue(summary[1].contains("flashd     managing"), summary[1]);
            assertTrue(summary[1].contains("POLICY") && summary[1].contains("WAIT"), summary[1]);
            assertFalse(summary[1].contains("AVG/DEV") || summary[1].contains("EMBEDDING"), "research is behind --verbose");
            String[] table = status(socket(), "--verbose");
            assertEquals("0", table[0], table[2]);
            assertTrue(table[1].contains("POLICY") && table[1].contains("AVG/DEV") && table[1].contains("WAIT"), table[1]);
            assertTrue(table[1].lines().anyMatch(l -> l.startsWith("policy0 ") && l.matches(".* \\d\\.\\d\\d/\\d\\.\\d\\d +\\d\\.\\d\\d .*")),
                    "the utilization history and the run-queue wait have values by now: " + table[1]);
            assertTrue(table[1].lines().anyMatch(l -> l.startsWith("policy0 ") && l.contains("setspeed")), table[1]);

            String[] asJson = status(socket(), "--json");
            assertEquals("0", asJson[0]);
            DaemonStatus parsed = new Gson().fromJson(asJson[1], DaemonStatus.class);
            assertEquals(java.util.List.of(0, 1), parsed.policies.stream().map(p -> p.id).toList(),
                    "the fake node's two policies, in order: " + asJson[1]);
            assertTrue(parsed.policies.stream().allMatch(p -> p.decisions > 0 && p.action != null), asJson[1]);
            assertTrue(parsed.ticks >= 3 && parsed.counts.decisions >= 2 * 2, asJson[1]);
            assertEquals("running", parsed.state, asJson[1]);
        } finally {
            stopAll(d);
        }
    }

    @Test
    void outOfMemoryExitsOneForSystemdToRestartNeverThree() {
        PolicyProvider starving = new PolicyProvider() {
            private int polls;

            @Override
            public Selection poll() {
                if (++polls > 1) {
                    throw new OutOfMemoryError("Java heap space (a 100 MB model read whole)");
                }
                return policies.poll();
            }

            @Override
            public dev.flash.policy.FrequencyPolicy fallback() {
                return policies.fallback();
            }
        };
        DaemonCommand cmd = new DaemonCommand(config -> fake.node(), (config, node) -> starving,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        Path toml = write("period_ms = 50\nmodel_poll_seconds = 1\n");
        int code = new CommandLine(cmd).execute("--config", toml.toString(), "--state-dir", dir.resolve("run").toString(),
                "--quiet", "--duration", "600");
        assertEquals(ExitCodes.FAILURE, code, err.toString());
        assertTrue(err.toString().contains("out of memory"), err.toString());
        assertTrue(err.toString().contains("exiting 1 so that systemd restarts flashd"), err.toString());
        assertTrue(fake.restores() >= 1, "CPUs restored before the exit");
        assertFalse(Files.exists(socket()));
    }

    @Test
    void statusWithoutDaemonExitsFive() throws Exception {
        String[] r = status(dir.resolve("nothing.sock"));
        assertEquals(Integer.toString(ExitCodes.UNAVAILABLE), r[0]);
        assertTrue(r[2].contains("no daemon answers on " + dir.resolve("nothing.sock")), r[2]);
        assertTrue(r[2].contains("no socket file"), r[2]);
    }

    private static int posixMode(Path p) throws Exception {
        int mode = 0;
        for (java.nio.file.attribute.PosixFilePermission perm : Files.getPosixFilePermissions(p)) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return mode;
    }

    /** Stops in-process daemons the way the signal handler does: through the loop's stop flag. */
    private void stopAll(CompletableFuture<Integer> running) throws Exception {
        sun.misc.Signal.raise(new sun.misc.Signal("TERM"));
        assertEquals(ExitCodes.OK, running.get(10, TimeUnit.SECONDS));
        assertFalse(Files.exists(socket()));
    }
}
