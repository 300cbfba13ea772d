package dev.flash.daemon;

import dev.flash.BuildInfo;
import dev.flash.policy.PolicyDecision;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The optional Prometheus endpoint ({@code flash daemon --metrics ADDRESS:PORT}, key
 * {@code metrics_address}): what the loop already knows, as counters, gauges and a histogram
 * served by the Prometheus Java client's HTTP server at {@code /metrics}.
 *
 * <p>The loop pushes every value as it happens ({@link LoopObserver}); a scrape only reads the
 * client's atomic cells on the server's own thread, so it never takes the daemon's lock and
 * never slows a tick. Names follow the Prometheus conventions (base units, {@code _total}
 * counters, an {@code _info} gauge for metadata) and, where the meaning is the same, the names
 * node_exporter's cpufreq and Kepler's package-energy users already query, with the
 * {@code flash_} prefix ({@code docs/metrics.md} maps them).
 */
public final class MetricsExporter implements LoopObserver, AutoCloseable {

    /** Tick durations from 50 µs to 1 s: the budget of a tick at 256 CPUs is about 2 ms. */
    private static final double[] TICK_BUCKETS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge frequency;
    private final Gauge target;
    private final Gauge utilization;
    private final Counter decisions;
    private final Counter fallbacks;
    private final Counter handsOff;
    private final Gauge power;
    private final Histogram tickDuration;
    private final Info model;
    private final Gauge daemonState;

    /** Per policy id: its series, created when the policy first appears (hotplug is rare). */
    private PolicySeries[] series = new PolicySeries[0];
    private final Map<String, CounterDataPoint> modelDecisions = new HashMap<>();
    private final Map<String, CounterDataPoint> fallbackDecisions = new HashMap<>();
    private final CounterDataPoint[] fallbacksByReason = new CounterDataPoint[Reason.values().length];
    private final CounterDataPoint[] handsOffByReason = new CounterDataPoint[Reason.values().length];
    private long tick;
    private volatile double joules = Double.NaN;
    private String stateShown;
    private HTTPServer server;

    private static final class PolicySeries {
        final String label;
        final GaugeDataPoint frequency;
        final GaugeDataPoint target;
        final GaugeDataPoint utilization;
        long lastSeenTick;

        PolicySeries(String label, MetricsExporter m) {
            this.label = label;
            this.frequency = m.frequency.labelValues(label);
            this.target = m.target.labelValues(label);
            this.utilization = m.utilization.labelValues(label);
        }
    }

    public MetricsExporter() {
        frequency = Gauge.builder().name("flash_cpu_scaling_frequency_hertz")
                .help("Current frequency of a cpufreq policy (scaling_cur_freq), as node_exporter's "
                        + "node_cpu_scaling_frequency_hertz but per policy")
                .labelNames("policy").register(registry);
        target = Gauge.builder().name("flash_cpu_scaling_target_frequency_hertz")
                .help("Frequency flashd last decided for a cpufreq policy; NaN while hands-off")
                .labelNames("policy").register(registry);
        utilization = Gauge.builder().name("flash_cpu_utilization_ratio")
                .help("Busy share of the policy's busiest CPU over the last tick, 0 to 1")
                .labelNames("policy").register(registry);
        decisions = Counter.builder().name("flash_decisions_total")
                .help("Frequency decisions applied, by decider (model or fallback) and action")
                .labelNames("decider", "action").register(registry);
        fallbacks = Counter.builder().name("flash_fallbacks_total")
                .help("Times the model's decisions were dropped for the fallback rule, by reason")
                .labelNames("reason").register(registry);
        handsOff = Counter.builder().name("flash_hands_off_total")
                .help("Times flashd handed the CPUs back and stopped acting, by reason")
                .labelNames("reason").register(registry);
        power = Gauge.builder().name("flash_node_package_power_watts")
                .help("Package power over the last tick (RAPL or the simulated node); absent without a meter")
                .register(registry);
        CounterWithCallback.builder().name("flash_node_package_joules_total")
                .help("Package energy since flashd started, as Kepler's kepler_node_package_joules_total; "
                        + "absent without a meter")
                .callback(cb -> {
                    double j = joules;
                    if (!Double.isNaN(j)) {
                        cb.call(j);
                    }
                })
                .register(registry);
        tickDuration = Histogram.builder().name("flash_tick_duration_seconds")
                .help("Wall time of one Sense -> Decide -> Act tick")
                .classicOnly().classicUpperBounds(TICK_BUCKETS).register(registry);
        model = Info.builder().name("flash_model_info")
                .help("The decider in use: the model file and its agent, or model=\"fallback\"")
                .labelNames("model", "agent").register(registry);
        daemonState = Gauge.builder().name("flash_daemon_state")
                .help("1 for the loop's current state (starting, running, fallback, degraded, stopped), 0 for the others")
                .labelNames("state").register(registry);
        String version = MetricsExporter.class.getPackage().getImplementationVersion();
        Info.builder().name("flash_build_info").help("The flash build serving these metrics")
                .labelNames("version", "commit").register(registry)
                .setLabelValues(version == null ? "dev" : version, BuildInfo.commit().orElse(""));
        // Every reason a counter can see starts at 0, so rate() and increase() work from the
        // first scrape; a fallback has one cause, hands-off the others.
        for (Reason r : Reason.values()) {
            if (r == Reason.MODEL_FAILED) {
                fallbacksByReason[r.ordinal()] = fallbacks.labelValues(r.label());
            } else {
                handsOffByReason[r.ordinal()] = handsOff.labelValues(r.label());
            }
        }
        for (FlashDaemon.State s : FlashDaemon.State.values()) {
            daemonState.labelValues(s.key()).set(0);
        }
    }

    /**
     * Serves {@code /metrics} at {@code address}; the daemon's start fails (exit 3 naming the key)
     * when the address cannot be bound. One server thread, a daemon thread: a slow or stuck
     * scraper queues behind it and never reaches the loop.
     */
    public MetricsExporter start(Address address) throws IOException {
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "flashd-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            server = HTTPServer.builder().inetAddress(address.host()).port(address.port())
                    .registry(registry).executorService(one).buildAndStart();
        } catch (IOException | RuntimeException e) {
            one.shutdownNow();
            throw e;
        }
        return this;
    }

    /** The bound port (useful with port 0 in tests). */
    public int port() {
        return server == null ? -1 : server.getPort();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    // ---- what the loop reports ------------------------------------------------------------------

    @Override
    public void decided(PolicySample policy, PolicyDecision decision, boolean byModel) {
        Map<String, CounterDataPoint> byAction = byModel ? modelDecisions : fallbackDecisions;
        CounterDataPoint c = byAction.get(decision.actionName());
        if (c == null) { // once per action name: the action set is small and fixed per model
            c = decisions.labelValues(byModel ? "model" : "fallback", decision.actionName());
            byAction.put(decision.actionName(), c);
        }
        c.inc();
        seriesFor(policy.id()).target.set(decision.targetKhz() * 1000.0);
    }

    @Override
    public void fellBack(Reason reason) {
        counter(fallbacksByReason, fallbacks, reason).inc();
    }

    @Override
    public void leftToOtherTool(PolicySample policy) {
        counter(handsOffByReason, handsOff, Reason.FOREIGN_CHANGE).inc();
        seriesFor(policy.id()).target.set(Double.NaN);
    }

    @Override
    public void wentHandsOff(Reason reason) {
        counter(handsOffByReason, handsOff, reason).inc();
        for (PolicySeries s : series) {
            if (s != null) {
                s.target.set(Double.NaN);
            }
        }
    }

    @Override
    public void modelSelected(String modelName, String agent) {
        model.setLabelValues(modelName == null ? "fallback" : modelName, agent == null ? "" : agent);
    }

    @Override
    public void stateChanged(String state) {
        if (state.equals(stateShown)) {
            return;
        }
        if (stateShown != null) {
            daemonState.labelValues(stateShown).set(0);
        }
        daemonState.labelValues(state).set(1);
        stateShown = state;
    }

    @Override
    public void ticked(TelemetryRecord record, double joulesSinceStart, long tickNanos) {
        tick++;
        tickDuration.observe(tickNanos / 1e9);
        joules = joulesSinceStart;
        if (record == null) {
            return;
        }
        double watts = record.packageWatts();
        power.set(watts); // NaN without a meter: Prometheus shows it as NaN, not as 0 W
        List<PolicySample> present = record.policies();
        for (int i = 0; i < present.size(); i++) {
            PolicySample p = present.get(i);
            PolicySeries s = seriesFor(p.id());
            s.lastSeenTick = tick;
            s.frequency.set(p.curKhz() < 0 ? Double.NaN : p.curKhz() * 1000.0);
            s.utilization.set(p.utilization());
        }
        forgetUnplugged();
    }

    private static CounterDataPoint counter(CounterDataPoint[] byReason, Counter counter, Reason reason) {
        CounterDataPoint c = byReason[reason.ordinal()];
        if (c == null) {
            c = counter.labelValues(reason.label());
            byReason[reason.ordinal()] = c;
        }
        return c;
    }

    private PolicySeries seriesFor(int id) {
        if (id >= series.length) {
            series = Arrays.copyOf(series, Math.max(id + 1, series.length * 2));
        }
        PolicySeries s = series[id];
        if (s == null) {
            s = new PolicySeries(Integer.toString(id), this);
            s.lastSeenTick = tick;
            series[id] = s;
        }
        return s;
    }

    /** A policy that went away (CPU hotplug) stops being exported rather than freezing its last value. */
    private void forgetUnplugged() {
        for (int id = 0; id < series.length; id++) {
            PolicySeries s = series[id];
            if (s != null && s.lastSeenTick != tick) {
                frequency.remove(s.label);
                target.remove(s.label);
                utilization.remove(s.label);
                series[id] = null;
            }
        }
    }

    // ---- the address ------------------------------------------------------------------------------

    /**
     * Where {@code /metrics} listens: {@code HOST:PORT}, {@code [IPV6]:PORT}, or {@code :PORT} for
     * every interface (node_exporter's convention). Port 0 picks a free one (tests).
     */
    public record Address(InetAddress host, int port, String text) {

        public static Address parse(String text) {
            String s = text == null ? "" : text.strip();
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "' is not ADDRESS:PORT (for example 127.0.0.1:9877)");
            }
            String host = s.substring(0, colon);
            String portText = s.substring(colon + 1);
            int port;
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "': port '" + portText + "' is not a number");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("'" + text + "': port " + port + " out of range 0 .. 65535");
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, [::1]:" + port);
            }
            try {
                InetAddress address = host.isEmpty() ? new InetSocketAddress(port).getAddress()
                        : InetAddress.getByName(host);
                return new Address(address, port, s);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "': unknown host '" + host + "'");
            }
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
