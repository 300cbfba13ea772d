package dev.flash.cli;

import dev.flash.autoscale.OnnxAutoscaler;
import dev.flash.autoscale.ControllerSettings;
import dev.flash.autoscale.k8s.PrometheusSignals;
import dev.flash.autoscale.k8s.WorkloadAnnotations;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash autoscale controller}: the FLASH autoscaler against a Kubernetes API server. */
@Command(name = "controller",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Autoscale the Kubernetes Deployments that opt in by annotation.",
            "",
            "Every --period seconds, for each Deployment annotated " + WorkloadAnnotations.ENABLED + "=true:",
            "read it, its pods and their CPU from the metrics API (metrics-server), ask the model, and",
            "  recommend (default)  write the decision to the " + WorkloadAnnotations.RECOMMENDATION,
            "                       annotation and a Kubernetes Event (reason FlashRecommendation);",
            "  apply                scale through the scale subresource and set the first container's",
            "                       CPU limit, within the bounds and cooldown the annotations give:",
            "                       min-replicas, max-replicas, min-cpu, max-cpu (500m or 1.5),",
            "                       cooldown-seconds, max-step, slo-seconds (all " + WorkloadAnnotations.PREFIX + "...).",
            "A write that meets a concurrent change to replicas or CPU limit yields to it (Event",
            "FlashYielded); an invalid annotation is reported on the object (" + WorkloadAnnotations.ERROR,
            "and a Warning Event) and the other workloads are still served.",
            "",
            "The cluster is found as kubectl finds it (KUBECONFIG, ~/.kube/config, or the pod's",
            "service account). Manifests: deploy/kubernetes/autoscaler/. See docs/autoscale-serving.md.",
            "",
            "Examples:",
            "  flash autoscale controller --model /models/autoscale-flash.onnx",
            "  flash autoscale controller --model m.onnx --mode apply --namespace shop --once",
            ""},
        footer = {"", ExitCodes.HELP})
public final class AutoscaleControllerCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Autoscale model (ONNX).")
    Path model;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "recommend",
            description = "recommend or apply (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--namespace", paramLabel = "NS", description = "Only this namespace (default: all).")
    String namespace;

    @Option(names = "--period", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds between passes; the model was trained on 60 (default: ${DEFAULT-VALUE}).")
    int period;

    @Option(names = "--once", description = "One pass, then exit (1 if any workload failed).")
    boolean once;

    @Option(names = "--master", paramLabel = "URL", description = "API server URL (overrides the kubeconfig's).")
    String master;

    @Option(names = "--prometheus", paramLabel = "URL",
            description = "Read request rate, SLO share and p95 latency per workload from this Prometheus "
                    + "(instant queries; without it, or when a query fails, decisions rest on CPU alone).")
    java.net.URI prometheus;

    @Option(names = "--prometheus-rate", paramLabel = "PROMQL", defaultValue = PrometheusSignals.DEFAULT_RATE,
            description = "Request rate query; {namespace}, {name} and {slo} are filled per workload "
                    + "(default: ${DEFAULT-VALUE}).")
    String rateQuery;

    @Option(names = "--prometheus-p95", paramLabel = "PROMQL", defaultValue = PrometheusSignals.DEFAULT_P95,
            description = "p95 latency query, seconds (default: ${DEFAULT-VALUE}).")
    String p95Query;

    @Option(names = "--prometheus-slo", paramLabel = "PROMQL", defaultValue = PrometheusSignals.DEFAULT_SLO,
            description = "Share of requests within the SLO (default: ${DEFAULT-VALUE}).")
    String sloQuery;

    @Option(names = "--request-timeout", paramLabel = "MS", defaultValue = "10000",
            description = "Timeout of one API request, ms (default: ${DEFAULT-VALUE}).")
    int requestTimeout;

    @Override
    public Integer call() {
        boolean apply;
        switch (mode.toLowerCase(java.util.Locale.ROOT)) {
            case "recommend" -> apply = false;
            case "apply" -> apply = true;
            default -> {
                System.err.println("flash autoscale controller: --mode must be recommend or apply, got " + mode);
                return ExitCodes.USAGE;
            }
        }
        if (period < 1 || requestTimeout < 1) {
            System.err.println("flash autoscale controller: --period and --request-timeout must be >= 1");
            return ExitCodes.USAGE;
        }
        try (OnnxModel onnx = OnnxModel.load(model)) {
            OnnxAutoscaler.check(onnx.description());
            ControllerSettings o = new ControllerSettings(apply, namespace, period, once, master, prometheus,
                    rateQuery, p95Query, sloQuery, requestTimeout);
            java.util.Optional<Boolean> ok = KubernetesStack.run(onnx, o, System.out, System.err);
            if (ok.isEmpty()) {
                System.err.println("flash autoscale controller: " + KubernetesStack.missingMessage());
                return ExitCodes.FAILURE;
            }
            return ok.get() ? ExitCodes.OK : ExitCodes.FAILURE;
        } catch (ModelRejectedException e) {
            System.err.println("flash autoscale controller: model rejected: " + e.getMessage());
            return ExitCodes.INVALID_MODEL;
        } catch (java.io.IOException e) {
            System.err.println("flash autoscale controller: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        }
    }
}
