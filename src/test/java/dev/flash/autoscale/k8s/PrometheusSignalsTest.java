package dev.flash.autoscale.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Against a local HTTP server that answers Prometheus' instant-query API. */
class PrometheusSignalsTest {

    private static String sample(String v) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1733530000,\""
                + v + "\"]}]}}";
    }

    @Test
    void readsRateSloShareAndP95AndFallsBackOnFailure() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/query", ex -> {
            String q = URLDecoder.decode(ex.getRequestURI().getRawQuery().substring("query=".length()), StandardCharsets.UTF_8);
            String body;
            int code = 200;
            if (q.contains("app=\"down\"")) {
                code = 503;
                body = "unavailable";
            } else if (q.startsWith("histogram_quantile")) {
                body = sample("0.21");
            } else if (q.contains("le=\"0.3\"")) {
                body = sample("0.97");
            } else {
                body = sample("123.5");
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            PrometheusSignals p = new PrometheusSignals(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                    PrometheusSignals.DEFAULT_RATE, PrometheusSignals.DEFAULT_P95, PrometheusSignals.DEFAULT_SLO,
                    Duration.ofSeconds(10), new PrintStream(log, true));
            Optional<ServiceSignals> s = p.read("shop", "cart", 0.3);
            assertTrue(s.isPresent(), log.toString());
            assertEquals(123.5, s.get().requestRate(), 1e-9);
            assertEquals(0.97, s.get().sloPreservation(), 1e-9);
            assertEquals(0.21, s.get().latencyP95Seconds(), 1e-9);
            assertTrue(p.read("shop", "down", 0.3).isEmpty());
            assertTrue(log.toString().contains("shop/down: Prometheus: HTTP 503"), log.toString());
        } finally {
            server.stop(0);
        }
    }
}
