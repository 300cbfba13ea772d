package dev.flash.autoscale.k8s;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
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
 * boundary. A workload without requests reads as "nothing asked, nothing missed". Any failure
 * (unreachable, an error, no sample, a malformed answer) gives no signals, logged with its reason,
 * and the controller falls back to CPU alone for that workload.
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
            return Optional.of(signals(rate, p95, slo));
        } catch (Exception e) {
            log.println(namespace + "/" + name + ": Prometheus: " + e.getMessage() + "; deciding on CPU alone");
            return Optional.empty();
        }
    }

    /**
     * The three query values as signals. A workload with no requests is a normal state, not a
     * failure: Prometheus then answers NaN for the quantile and for the SLO share (0 / 0), and
     * the signals are "nothing asked, nothing missed". Otherwise every value must be in range.
     */
    static ServiceSignals signals(double rate, double p95, double slo) {
        if (rate == 0) {
            return new ServiceSignals(0, 1, Double.isFinite(p95) && p95 >= 0 ? p95 : 0);
        }
        if (!(rate > 0 && Double.isFinite(rate)) || !(slo >= 0 && slo <= 1.0 + 1e-9) || !(p95 >= 0 && Double.isFinite(p95))) {
            throw new IllegalStateException("out of range: rate " + rate + ", slo share " + slo + ", p95 " + p95);
        }
        return new ServiceSignals(rate, Math.min(1, slo), p95);
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
        return instantValue(r.body(), promql);
    }

    /**
     * The single value of an instant-query answer ({@code {"status":"success","data":{"result":
     * [{"value":[t,"v"]}]}}}), Prometheus' float text included ({@code NaN}, {@code +Inf}).
     * Anything else is an {@link IllegalStateException} that says what was missing or wrong.
     */
    static double instantValue(String body, String promql) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(body);
            if (!e.isJsonObject()) {
                throw new IllegalStateException("the answer to " + promql + " is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalStateException("the answer to " + promql + " is not JSON: " + e.getMessage());
        }
        String status = text(o.get("status"));
        if (!"success".equals(status)) {
            throw new IllegalStateException("query failed (status " + status + "): " + o.get("error"));
        }
        JsonElement data = o.get("data");
        JsonElement result = data != null && data.isJsonObject() ? data.getAsJsonObject().get("result") : null;
        if (result == null || !result.isJsonArray()) {
            throw new IllegalStateException("no data.result array in the answer to " + promql);
        }
        JsonArray samples = result.getAsJsonArray();
        if (samples.isEmpty()) {
            throw new IllegalStateException("no sample for " + promql);
        }
        JsonElement first = samples.get(0);
        JsonElement value = first.isJsonObject() ? first.getAsJsonObject().get("value") : null;
        if (value == null || !value.isJsonArray() || value.getAsJsonArray().size() != 2) {
            throw new IllegalStateException("the sample for " + promql + " has no [time, value] pair");
        }
        String v = text(value.getAsJsonArray().get(1));
        if (v == null) {
            throw new IllegalStateException("the sample value for " + promql + " is not a string");
        }
        switch (v) {
            case "NaN":
                return Double.NaN;
            case "+Inf": case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("the sample value for " + promql + " is not a number: '" + v + "'");
                }
        }
    }

    private static String text(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }
}
