package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.cli.DaemonCommand;
import dev.flash.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flash daemon --metrics} scraped by a real Prometheus server (Debian's {@code prometheus}
 * package; {@code .ci/run} installs it) and linted by {@code promtool check metrics}. Without
 * those binaries the two server tests skip, saying so; the bind test always runs.
 */
class PrometheusScrapeTest {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(90);

    @TempDir
    Path dir;

    private final FakeNode fake = new FakeNode();
    private final FakePolicies policies = new FakePolicies();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int daemon(String... extra) {
        DaemonCommand cmd = new DaemonCommand(config -> fake.node(), (config, node) -> policies,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String[] base = {"--period", "100", "--quiet", "--state-dir", dir.resolve("run").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return new CommandLine(cmd).execute(all);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Starts the daemon in the background and waits until its /metrics answers. */
    private CompletableFuture<Integer> daemonWithMetrics(int port) throws Exception {
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(
                () -> daemon("--metrics", "127.0.0.1:" + port));
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (System.nanoTime() < deadline && !running.isDone()) {
            try {
                if (get("http://127.0.0.1:" + port + "/metrics").body().contains("flash_tick_duration_seconds_count")) {
                    return running;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                running.get(50, TimeUnit.MILLISECONDS); // a bounded pause that ends early if the daemon exits
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                // poll again
            }
        }
        throw new AssertionError("daemon's /metrics did not come up (exit " + running.getNow(null) + "): " + err);
    }

    private void stop(CompletableFuture<Integer> running) throws Exception {
        sun.misc.Signal.raise(new sun.misc.Signal("TERM"));
        assertEquals(ExitCodes.OK, running.get(30, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anAddressInUseStopsTheStartNamingTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = daemon("--metrics", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(ExitCodes.CONFIG, code);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("metrics_address"), err.toString(StandardCharsets.UTF_8));
        }
        assertEquals(0, fake.applies, "nothing written when the start fails");
    }

    @Test
    void promtoolFindsNothingToLint() throws Exception {
        assumeTrue(onPath("promtool"), "promtool not installed (Debian package prometheus)");
        int port = freePort();
        CompletableFuture<Integer> running = daemonWithMetrics(port);
        String body;
        try {
            body = get("http://127.0.0.1:" + port + "/metrics").body();
        } finally {
            stop(running);
        }
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), said);
        assertEquals("", said.strip(), "promtool lint findings");
    }

    @Test
    void aRealPrometheusScrapesTheDaemon() throws Exception {
        assumeTrue(onPath("prometheus"), "prometheus not installed (Debian package prometheus)");
        int metricsPort = freePort();
        int promPort = freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: flashd
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(metricsPort));
        CompletableFuture<Integer> running = daemonWithMetrics(metricsPort);
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            List<String> wanted = List.of("flash_tick_duration_seconds_count", "flash_decisions_total",
                    "flash_cpu_scaling_frequency_hertz", "flash_cpu_scaling_target_frequency_hertz",
                    "flash_node_package_joules_total", "flash_model_info", "flash_build_info",
                    "flash_daemon_state", "flash_fallbacks_total", "flash_hands_off_total");
            for (String name : wanted) {
                JsonArray result = awaitSeries(promPort, name, prometheus);
                assertTrue(result.size() > 0, name);
                JsonObject metric = result.get(0).getAsJsonObject().getAsJsonObject("metric");
                assertEquals("flashd", metric.get("job").getAsString());
            }
            // Two policies on the fake node: one frequency series each.
            assertEquals(2, awaitSeries(promPort, "flash_cpu_scaling_frequency_hertz", prometheus).size());
        } finally {
            prometheus.destroy();
            prometheus.waitFor(30, TimeUnit.SECONDS);
            stop(running);
        }
    }

    /** Polls the query API until the series has a sample (the first scrapes take a second or two). */
    private JsonArray awaitSeries(int promPort, String query, Process prometheus) throws Exception {
        String url = "http://127.0.0.1:" + promPort + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        String last = "";
        while (System.nanoTime() < deadline) {
            assertTrue(prometheus.isAlive(), "prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            try {
                HttpResponse<String> r = get(url);
                last = r.body();
                if (r.statusCode() == 200) {
                    JsonArray result = JsonParser.parseString(last).getAsJsonObject()
                            .getAsJsonObject("data").getAsJsonArray("result");
                    if (result.size() > 0) {
                        return result;
                    }
                }
            } catch (IOException notYet) {
                // the server is still starting
            }
            prometheus.waitFor(200, TimeUnit.MILLISECONDS); // a bounded pause that ends early if it dies
        }
        throw new AssertionError("no " + query + " in Prometheus within the deadline; last answer " + last);
    }
}
