package dev.flash.autoscale.k8s;

import dev.flash.autoscale.ControllerSettings;
import dev.flash.autoscale.Recommender;
import dev.flash.policy.onnx.OnnxModel;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The run loop of {@code flash autoscale controller}: a client configured as kubectl would be, a
 * pass every period. Kept apart from the command class (dev.flash.cli) so that the command tree
 * names no fabric8 type: fabric8 is not in flash.jar but in k8s-lib/ beside it, and picocli
 * reflects on every command class whatever the command run. Loading this class (its bytecode is
 * verified against the fabric8 exception types it catches) needs fabric8: cli/KubernetesStack
 * loads it, and this package, in a class loader that has k8s-lib/ when the class path has not.
 */
public final class ControllerLoop {
    private ControllerLoop() {
    }

    /**
     * Runs passes until interrupted, or one with {@code once}; returns false when a pass with
     * {@code once} had a failed workload or the API server failed it.
     */
    public static boolean run(OnnxModel model, ControllerSettings o, PrintStream out, PrintStream err) throws InterruptedException {
        try (KubernetesClient client = client(o.master(), o.requestTimeoutMs())) {
            ServiceSignals.Source signals = o.prometheus() == null ? ServiceSignals.NONE
                    : new PrometheusSignals(o.prometheus(), o.rateQuery(), o.p95Query(), o.sloQuery(),
                            Duration.ofMillis(o.requestTimeoutMs()), out);
            AutoscaleController controller = new AutoscaleController(client, new Recommender(model),
                    o.apply() ? AutoscaleController.Mode.APPLY : AutoscaleController.Mode.RECOMMEND, o.namespace(),
                    signals, Clock.systemUTC(), out);
            if (!o.once()) { // a long-running controller watches Deployments instead of listing them each period
                try {
                    controller.watchDeployments(Duration.ofMillis(Math.max(o.requestTimeoutMs(), 30_000L)));
                } catch (KubernetesClientException e) {
                    err.println("flash autoscale controller: " + e.getMessage() + "; listing each period instead");
                }
            }
            while (true) {
                long start = System.nanoTime();
                boolean failed;
                try {
                    List<AutoscaleController.Outcome> outcomes = controller.reconcileAll();
                    failed = outcomes.stream().anyMatch(x -> x.status().equals("error"));
                } catch (KubernetesClientException e) {
                    err.println("flash autoscale controller: API server: " + e.getMessage());
                    failed = true;
                }
                if (o.once()) {
                    return !failed;
                }
                long left = o.periodSeconds() * 1000L - (System.nanoTime() - start) / 1_000_000;
                if (left > 0) {
                    Thread.sleep(left);
                }
            }
        }
    }

    /** A client configured as kubectl would be, with a bounded request timeout and no silent retries. */
    public static KubernetesClient client(String master, int requestTimeoutMs) {
        ConfigBuilder b = new ConfigBuilder(Config.autoConfigure(null));
        if (master != null) {
            b.withMasterUrl(master);
        }
        Config c = b.withRequestTimeout(requestTimeoutMs).withConnectionTimeout(requestTimeoutMs)
                .withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(c).build();
    }
}
