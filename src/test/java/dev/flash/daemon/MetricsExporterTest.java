package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The /metrics endpoint over real HTTP, driven by the real loop on the fake node. */
class MetricsExporterTest {
    private final FakeNode fake = new FakeNode();
    private final FakePolicies policies = new FakePolicies();
    private final MetricsExporter exporter = new MetricsExporter();

    private FlashDaemon daemon() throws Exception {
        DaemonConfig config = DaemonConfig.defaults().withPeriodMs(50).withRecoverAfterTicks(3);
        FlashDaemon d = new FlashDaemon(config, fake.node(), policies, DaemonLog.silent(), new SdNotify(null));
        d.setObserver(exporter);
        exporter.start(MetricsExporter.Address.parse("127.0.0.1:0"));
        return d;
    }

    @AfterEach
    void stop() {
        exporter.close();
    }

    static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** The value of one series, e.g. {@code flash_decisions_total{decider="model",action="down1"}}. */
    static double value(String body, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(body);
        assertTrue(m.find(), "no series " + series + " in\n" + body);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void exportsWhatTheLoopDidCountForCount() throws Exception {
        FlashDaemon d = daemon();
        for (int i = 0; i < 5; i++) {
            d.tick();
        }
        String body = scrape(exporter.port());
        DaemonStatus s = d.status();
        assertEquals(s.counts.modelDecisions, value(body, "flash_decisions_total{action=\"down1\",decider=\"model\"}"));
        assertEquals(5, value(body, "flash_tick_duration_seconds_count"));
        for (DaemonStatus.PolicyStatus p : s.policies) {
            assertEquals(p.freqMhz * 1e6, value(body, "flash_cpu_scaling_frequency_hertz{policy=\"" + p.id + "\"}"), 1);
            assertEquals(p.targetMhz * 1e6, value(body, "flash_cpu_scaling_target_frequency_hertz{policy=\"" + p.id + "\"}"), 1);
            assertEquals(p.utilization, value(body, "flash_cpu_utilization_ratio{policy=\"" + p.id + "\"}"), 1e-3);
        }
        assertEquals(1, value(body, "flash_model_info{agent=\"dvfs\",model=\"fake-model.onnx\"}"));
        assertEquals(1, value(body, "flash_daemon_state{state=\"running\"}"));
        assertEquals(0, value(body, "flash_daemon_state{state=\"fallback\"}"));
        assertEquals(s.power.joulesSinceStart, value(body, "flash_node_package_joules_total"), 1e-3);
    }

    @Test
    void countsFallbacksAndHandsOffByReason() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        policies.modelThrows = true;
        d.tick();
        fake.failSamples = 10;
        for (int i = 0; i < 4; i++) {
            d.tick();
        }
        String body = scrape(exporter.port());
        assertEquals(1, value(body, "flash_fallbacks_total{reason=\"model_failed\"}"));
        assertEquals(1, value(body, "flash_hands_off_total{reason=\"telemetry_stale\"}"));
        assertEquals(0, value(body, "flash_hands_off_total{reason=\"write_errors\"}"));
        assertTrue(value(body, "flash_decisions_total{action=\"max\",decider=\"fallback\"}") >= 1);
        assertEquals(1, value(body, "flash_daemon_state{state=\"degraded\"}"));
        assertTrue(Double.isNaN(value(body, "flash_cpu_scaling_target_frequency_hertz{policy=\"0\"}")),
                "no target while hands-off");
    }

    @Test
    void aPolicyLeftToAnotherToolCountsAsHandsOffAndLosesItsTarget() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        fake.foreignChanges = 1; // the first policy written next tick
        d.tick();
        String body = scrape(exporter.port());
        assertEquals(1, value(body, "flash_hands_off_total{reason=\"foreign_change\"}"));
        assertTrue(Double.isNaN(value(body, "flash_cpu_scaling_target_frequency_hertz{policy=\"0\"}")));
        assertFalse(Double.isNaN(value(body, "flash_cpu_scaling_target_frequency_hertz{policy=\"1\"}")));
    }

    @Test
    void anUnpluggedPolicyStopsBeingExported() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        assertTrue(scrape(exporter.port()).contains("flash_cpu_scaling_frequency_hertz{policy=\"1\"}"));
        fake.setPolicies(0);
        d.tick();
        String body = scrape(exporter.port());
        assertFalse(body.contains("policy=\"1\""), body);
        assertTrue(body.contains("flash_cpu_scaling_frequency_hertz{policy=\"0\"}"));
    }

    @Test
    void aScrapeWhileTheLoopHoldsItsLockDoesNotWait() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        // The status socket's reader takes the daemon's monitor; a scrape must not need it.
        synchronized (d) {
            String body = scrape(exporter.port());
            assertEquals(1, value(body, "flash_tick_duration_seconds_count"));
        }
    }

    @Test
    void theShippedDashboardQueriesOnlySeriesTheDaemonExports() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        String body = scrape(exporter.port());
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("deploy/grafana/flash-dashboard.json"));
        Matcher names = Pattern.compile("flash_[a-z_]+").matcher(dashboard);
        int checked = 0;
        while (names.find()) {
            String name = names.group();
            assertTrue(Pattern.compile("^" + name + "[{ ]", Pattern.MULTILINE).matcher(body).find(),
                    "the dashboard queries " + name + ", which /metrics does not export");
            checked++;
        }
        assertTrue(checked >= 8, "dashboard names found: " + checked);
    }

    @Test
    void addressesParseOrNameTheProblem() {
        assertEquals(9877, MetricsExporter.Address.parse("127.0.0.1:9877").port());
        assertTrue(MetricsExporter.Address.parse(":9877").host().isAnyLocalAddress());
        assertTrue(MetricsExporter.Address.parse("[::1]:9877").host().isLoopbackAddress());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsExporter.Address.parse("9877"))
                .getMessage().contains("ADDRESS:PORT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsExporter.Address.parse("localhost:http"))
                .getMessage().contains("not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsExporter.Address.parse("127.0.0.1:70000"))
                .getMessage().contains("out of range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsExporter.Address.parse("::1:9877"))
                .getMessage().contains("brackets"));
    }

    @Test
    void aBadAddressInTheFileNamesTheKeyAndLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DaemonConfig.parse("period_ms = 500\nmetrics_address = \"localhost\"\n", "flashd.toml"));
        assertTrue(e.getMessage().contains("flashd.toml:2") && e.getMessage().contains("metrics_address"), e.getMessage());
    }
}
