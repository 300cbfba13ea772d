package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.telemetry.TelemetryRecord;
import dev.flash.telemetry.TelemetrySource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the status tells an operator: the mode and why, the model and since when, decisions a
 * minute, missing signals, rejected models (logged once per content), and the per-tick line in
 * the format docs/status.md documents. The loop runs tick by tick on a clock the test moves.
 */
class OperatorStatusTest {
    @TempDir
    Path dir;

    private final FakeNode fake = new FakeNode();
    private final FakePolicies policies = new FakePolicies();
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    private FlashDaemon daemon(DaemonConfig config, Node node, PolicyProvider provider) {
        DaemonLog log = new DaemonLog(new PrintStream(logged, true, StandardCharsets.UTF_8), DaemonConfig.LogLevel.INFO, false);
        return new FlashDaemon(config, node, provider, FlashDaemon::defaultRecorder, log, new SdNotify(null), clock::get);
    }

    private FlashDaemon daemon() throws ConfigException {
        return daemon(DaemonConfig.defaults().withPeriodMs(1000).withRecoverAfterTicks(3), fake.node(), policies);
    }

    /** One tick a second of the daemon's clock. */
    private static void seconds(FlashDaemon d, AtomicLong clock, int n) {
        for (int i = 0; i < n; i++) {
            clock.addAndGet(1_000_000_000L);
            d.tick();
        }
    }

    @Test
    void modeSaysManagingFallbackOrHandsOffAndWhy() throws Exception {
        FlashDaemon d = daemon();
        seconds(d, clock, 2);
        DaemonStatus s = d.status();
        assertEquals("managing", s.mode);
        assertNull(s.modeReason);
        assertTrue(s.handsOffPolicies.isEmpty());
        java.time.Instant since = java.time.Instant.parse(s.model.since); // ISO-8601, as docs/status.md shows
        assertFalse(since.isAfter(java.time.Instant.now()), "model active since " + since);

        policies.modelThrows = true;
        seconds(d, clock, 1);
        s = d.status();
        assertEquals("fallback", s.mode);
        assertTrue(s.modeReason.contains("fake: ONNX Runtime error"), s.modeReason);
        String fallback = dev.flash.cli.StatusCommand.render(s, false);
        assertTrue(fallback.startsWith("flashd     fallback: model fake-model.onnx failed: fake: ONNX Runtime error"), fallback);
        assertTrue(fallback.contains("\nmodel      the rule controller decides (model fake-model.onnx failed"), fallback);
        policies.modelThrows = false;

        fake.failSamples = 5;
        seconds(d, clock, 3);
        s = d.status();
        assertEquals("hands-off", s.mode);
        assertTrue(s.modeReason.startsWith("telemetry stale"), s.modeReason);
        assertEquals(1, s.handsOffPolicies.size());
        assertEquals("all", s.handsOffPolicies.get(0).policy);
        assertTrue(s.handsOffPolicies.get(0).reason.startsWith("telemetry stale"), s.handsOffPolicies.get(0).reason);
        String summary = dev.flash.cli.StatusCommand.render(s, false);
        assertTrue(summary.startsWith("flashd     hands-off: telemetry stale"), summary);
        assertTrue(summary.contains("\nhands-off  all: telemetry stale"), summary);
    }

    @Test
    void aDryRunSaysSo() throws Exception {
        FlashDaemon d = daemon(DaemonConfig.defaults().withDryRun(true), fake.node(), policies);
        seconds(d, clock, 2);
        assertEquals("dry-run", d.status().mode);
        assertTrue(d.tickLine().matches("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d dry-run .*"), d.tickLine());
    }

    @Test
    void decisionsAndChangesAMinuteCountTheLastWholeMinute() throws Exception {
        // The slowdown guard off: it would raise the fake model's targets with the fake node's load.
        FlashDaemon d = daemon(DaemonConfig.defaults().withPeriodMs(1000).withRecoverAfterTicks(3).withSlowdownBudget(1),
                fake.node(), policies);
        seconds(d, clock, 61);
        DaemonStatus.PolicyStatus first = d.status().policies.get(0);
        assertTrue(first.changesPerMinute >= 1, "the fake model steps down the ladder at first: " + first.changesPerMinute);
        seconds(d, clock, 60);
        DaemonStatus s = d.status();
        DaemonStatus.PolicyStatus p = s.policies.get(0);
        assertEquals(60.0, p.decisionsPerMinute, "one decision a tick, a tick a second");
        assertEquals(0.0, p.changesPerMinute, "at the bottom of the ladder the target no longer changes");
        assertEquals(60.0 * s.policies.size(), s.counts.decisionsPerMinute);
    }

    @Test
    void theSlowdownGuardRaisesTheModelOnABusyPolicyAndStatusCountsIt() throws Exception {
        FlashDaemon d = daemon();
        seconds(d, clock, 20);
        DaemonStatus s = d.status();
        assertTrue(s.counts.guardRaised > 0, "the fake model steps down whatever the load: " + s.counts.guardRaised);
        assertTrue(s.counts.guardRaised <= s.counts.modelDecisions);
        FlashDaemon off = daemon(DaemonConfig.defaults().withPeriodMs(1000).withSlowdownBudget(1), fake.node(), policies);
        seconds(off, clock, 20);
        assertEquals(0, off.status().counts.guardRaised, "slowdown_budget = 1 switches the guard off");
    }

    @Test
    void missingSignalsAreListedWithTheirReason() throws Exception {
        TelemetrySource withoutPmu = new TelemetrySource() {
            @Override
            public TelemetryRecord sample() throws dev.flash.telemetry.TelemetryException {
                TelemetryRecord r = fake.sample();
                return new TelemetryRecord(r.monotonicNanos(), r.epochMillis(), r.intervalSeconds(), r.policies(),
                        r.cpuUtilization(), r.powerZones(), r.powerReferenceWatts(),
                        Map.of("ipc", "perf_event_open: no hardware PMU"));
            }

            @Override
            public String describe() {
                return "fake node without a PMU";
            }

            @Override
            public void close() {
            }
        };
        FlashDaemon d = daemon(DaemonConfig.defaults(), new Node(withoutPmu, fake, true, "fake"), policies);
        seconds(d, clock, 2);
        assertEquals(Map.of("ipc", "perf_event_open: no hardware PMU"), d.status().missingSignals);
    }

    @Test
    void theTickLineMatchesItsDocumentedFormatAndStaysShort() throws Exception {
        fake.setPolicies(0, 1, 2, 3);
        FlashDaemon d = daemon();
        seconds(d, clock, 3);
        String line = d.tickLine();
        // docs/status.md: TIME MODE | pN util U [wait W] CUR->TARGET ACTION ... | P W
        String policy = " \\| p\\d+ util \\d\\.\\d\\d( wait \\d\\.\\d\\d)? (\\d+|\\?)->(\\d+|\\?|-) [a-z0-9-]+";
        assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d managing(" + policy + "){4} \\| \\d+\\.\\d W"), line);
        assertTrue(line.length() <= 200, line.length() + " characters: " + line);
        assertTrue(!line.contains("|e|") && !line.contains("e0"), "no research figures: " + line);
    }

    @Test
    void aRejectedModelIsLoggedOncePerContentAndListed() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path bad = models.resolve("broken.onnx");
        Files.writeString(bad, "not a model");
        DaemonConfig config = DaemonConfig.defaults().withModelsDir(models);
        try (PolicyProvider provider = DaemonWiring.policyProvider().open(config, fake.node())) {
            FlashDaemon d = daemon(config, fake.node(), provider);
            for (int i = 0; i < 4; i++) { // a poll every model_poll_seconds (10): four polls
                seconds(d, clock, 11);
            }
            assertEquals(1, rejectionLines(), logged.toString(StandardCharsets.UTF_8));
            DaemonStatus s = d.status();
            assertEquals(1, s.rejectedModels.size(), "listed in the status");
            DaemonStatus.RejectedModel r = s.rejectedModels.get(0);
            assertEquals("broken.onnx", r.name);
            assertEquals(sha256("not a model"), r.sha256);
            assertTrue(r.reason != null && !r.reason.isBlank());
            assertTrue(logged.toString(StandardCharsets.UTF_8).contains("model broken.onnx (sha256 "
                    + r.sha256.substring(0, 12) + ") rejected: " + r.reason), logged.toString(StandardCharsets.UTF_8));

            Files.writeString(bad, "not a model either, and longer");
            seconds(d, clock, 11);
            seconds(d, clock, 11);
            assertEquals(2, rejectionLines(), "a new content is logged again: " + logged.toString(StandardCharsets.UTF_8));
            assertEquals(sha256("not a model either, and longer"), d.status().rejectedModels.get(0).sha256);

            Files.delete(bad);
            seconds(d, clock, 11);
            assertTrue(d.status().rejectedModels.isEmpty(), "gone from the directory, gone from the status");
            d.shutdown();
        }
    }

    private long rejectionLines() {
        return logged.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("rejected:")).count();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSummaryShowsTheOperatorsFieldsAndKeepsResearchForVerbose() throws Exception {
        FlashDaemon d = daemon();
        seconds(d, clock, 3);
        String json = new com.google.gson.Gson().toJson(d.status());
        DaemonStatus back = new com.google.gson.Gson().fromJson(json, DaemonStatus.class);
        String summary = dev.flash.cli.StatusCommand.render(back, false);
        for (String expected : List.of("flashd     managing", "model      fake-model.onnx, since ", "decisions  ",
                "DECISIONS/MIN", "TARGET", "UTIL")) {
            assertTrue(summary.contains(expected), "'" + expected + "' in:\n" + summary);
        }
        assertTrue(!summary.contains("EMBEDDING") && !summary.contains("REWARD") && !summary.contains("DRIFT"), summary);
        assertTrue(!summary.contains("fake test node fake test node"), summary);
        String verbose = dev.flash.cli.StatusCommand.render(back, true);
        assertTrue(verbose.contains("EMBEDDING") && verbose.contains("REWARD") && verbose.contains("DRIFT"), verbose);
    }
}
