package dev.flash.autoscale.k8s;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Request rate, SLO preservation and p95 latency of a workload from Prometheus' instant-query
 * API ({@code GET /api/v1/query}). The queries are templates with {@code {namespace}},
 * {@code {name}} and {@code {slo}} (seconds) filled per workload; the defaults read a standard
 * request-duration histogram labelled with the Deployment's name as {@code app}. The SLO share
 * counts the histogram's {@code le} bucket equal to the SLO, so the SLO should be a bucket
 * boundary. Any failure (unreachable, an error, no sample) gives no signals, and the controller
 * falls back to CPU alone for that workload.
 */
public final class PrometheusSignals implements ServiceSignals.Source {

    private static final String SERIES = "http_request_duration_seconds";
    private static final String SELECTOR = "{namespace=\"{namespace}\",app=\"{name}\"}";

    public static final String DEFAULT_RATE = "sum(rate(" + SERIES + "_count" + SELECTOR + "[1m]))";
    public static final String DEFAULT_P95 = "histogram_quantile(0.95, sum by (le) (rate(" + SERIES + "_bucket"
            + SELECTOR + "[1m])))";
    public static final String DEFAULT_SLO = "sum(rate(" + SERIES + "_bucket{namespace=\"{namespace}\",app=\"{name}\","
            + "le=\"{slo}\"}[1m])) / sum(rate(" + SERIES + "_count" + SELECTOR + "[1m]))";

    private final URI base;
    private final String rateQuery;
    private final String p95Query;
    private final String sloQuery;
    private final Duration timeout;
    private final PrintStream log;
    private final HttpClient http;

    public PrometheusSignals(URI base, String rateQuery, String p95Query, String sloQuery, Duration timeout, PrintStream log) {
        this.base = base;
        this.rateQuery = rateQuery;
        this.p95Query = p95Query;
        this.sloQuery = sloQuery;
        this.timeout = timeout;
        this.log = log;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public Optional<ServiceSignals> read(String namespace, String name, double sloSeconds) {
        try {
            double rate = query(fill(rateQuery, namespace, name, sloSeconds));
            double p95 = query(fill(p95Query, namespace, name, sloSeconds));
            double slo = query(fill(sloQuery, namespace, name, sloSeconds));
            if (!(rate >= 0) || !(slo >= 0 && slo <= 1.0 + 1e-9) || !(p95 >= 0)) {
                throw new IllegalStateException("out of range: rate " + rate + ", slo share " + slo + ", p95 " + p95);
            }
            return Optional.of(new ServiceSignals(rate, Math.min(1, slo), p95));
        } catch (Exception e) {
            log.println(namespace + "/" + name + ": Prometheus: " + e.getMessage() + "; deciding on CPU alone");
            return Optional.empty();
        }
    }

    static String fill(String template, String namespace, String name, double slo) {
        return template.replace("{namespace}", namespace).replace("{name}", name)
                .replace("{slo}", String.format(Locale.ROOT, "%s", slo));
    }

    /** The single value of an instant query. */
    private double query(String promql) throws Exception {
        URI uri = URI.create(base.toString().replaceAll("/$", "") + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + " for " + promql);
        }
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        if (!"success".equals(o.get("status").getAsString())) {
            throw new IllegalStateException("query failed: " + o.get("error"));
        }
        JsonArray result = o.getAsJsonObject("data").getAsJsonArray("result");
        if (result.isEmpty()) {
            throw new IllegalStateException("no sample for " + promql);
        }
        return Double.parseDouble(result.get(0).getAsJsonObject().getAsJsonArray("value").get(1).getAsString());
    }
}
