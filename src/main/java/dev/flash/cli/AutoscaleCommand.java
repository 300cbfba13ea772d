package dev.flash.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.flash.autoscale.InvalidInputException;
import dev.flash.autoscale.OnnxAutoscaler;
import dev.flash.autoscale.Recommender;
import dev.flash.autoscale.ScalingAction;
import dev.flash.autoscale.ServicePopulation;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.autoscale.WorkloadMetrics;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash autoscale}: the case II companion, a FLASH autoscaler for many workloads. */
@Command(name = "autoscale",
        mixinStandardHelpOptions = true,
        description = {
            "FLASH workload autoscaling (case II): one model for many services.",
            "",
            "Each service's decisions adapt from its own recent steps. `recommend` answers a stream",
            "of metrics; `controller` runs against a Kubernetes cluster. See docs/autoscale-serving.md.",
            ""},
        footer = {"", ExitCodes.HELP},
        subcommands = {AutoscaleCommand.Recommend.class, AutoscaleControllerCommand.class})
public final class AutoscaleCommand extends GroupCommand {

    /** {@code flash autoscale recommend}. */
    @Command(name = "recommend",
            sortOptions = false,
            mixinStandardHelpOptions = true,
            description = {
                "Decide for many workloads from a stream of JSON metrics lines.",
                "",
                "Read one JSON object of metrics per line (standard input or --metrics), one per workload",
                "per period (60 s), and write one JSON line per input line: the move and the workload's",
                "new replicas and CPU limit. Each workload's trajectory is kept, so its decisions adapt",
                "as it reveals itself. ONNX Runtime only (no training stack).",
                "",
                "Input fields (required): workload, replicas, cpu_limit, cpu_usage_cores, request_rate,",
                "slo_seconds, slo_preservation, latency_p95_seconds, max_replicas;",
                "ready_replicas, cpu_request, memory_utilization, min_replicas, min_cpu, max_cpu, max_step,",
                "agent (optional). cpu_usage_cores is per ready replica; cpu_limit and cpu_request (the",
                "pod spec's, default the limit) per replica, in cores.",
                "",
                "Output: {\"workload\", \"action\", \"replicas\", \"cpu_limit\", \"context_rows\"}; --explain adds",
                "\"probabilities\" per action and \"nearest\": the known services closest in embedding",
                "space. A bad line gets {\"line\", \"error\"} (and the workload when it was readable) on",
                "standard output and a message on standard error; the stream goes on (exit 2 at the end",
                "if any line was bad).",
                "",
                "Example:",
                "  echo '{\"workload\":\"shop/cart\",\"replicas\":4,\"cpu_limit\":1,\"cpu_usage_cores\":0.9,",
                "        \"request_rate\":120,\"slo_seconds\":0.3,\"slo_preservation\":0.93,",
                "        \"latency_p95_seconds\":0.35,\"max_replicas\":20}' \\",
                "    | flash autoscale recommend --model models/autoscale-flash.onnx --explain",
                ""},
            footer = {"", ExitCodes.HELP})
    public static final class Recommend implements Callable<Integer> {

        @Option(names = "--model", required = true, paramLabel = "FILE", description = "Autoscale model (ONNX).")
        Path model;

        @Option(names = "--metrics", paramLabel = "FILE", description = "Read metrics from FILE instead of standard input.")
        Path metrics;

        @Option(names = "--explain", description = "Add action probabilities and the nearest known services.")
        boolean explain;

        @Option(names = "--services", paramLabel = "FILE",
                description = "Known services for --explain (flash-services/1; default: the training population "
                        + "`flash train autoscale` samples, seed 7).")
        Path services;

        @Override
        public Integer call() {
            try (OnnxModel m = OnnxModel.load(model)) {
                OnnxAutoscaler.check(m.description());
                Recommender recommender = new Recommender(m);
                if (explain) {
                    List<ServiceSpec> known = services != null ? ServicePopulation.read(services)
                            : ServicePopulation.sample(200, 7, 0.2);
                    recommender.learnKnownServices(ServicePopulation.split(known, ServiceSpec.TRAIN), 30, 1);
                }
                try (BufferedReader in = metrics != null ? Files.newBufferedReader(metrics, StandardCharsets.UTF_8)
                        : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                    int bad = serve(recommender, in, System.out, System.err, explain);
                    return bad == 0 ? ExitCodes.OK : ExitCodes.USAGE;
                }
            } catch (ModelRejectedException e) {
                System.err.println("flash autoscale recommend: model rejected: " + e.getMessage());
                return ExitCodes.INVALID_MODEL;
            } catch (InvalidInputException e) {
                System.err.println("flash autoscale recommend: " + e.getMessage());
                return ExitCodes.USAGE;
            } catch (IOException e) {
                System.err.println("flash autoscale recommend: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    /** Answers every line of {@code in}; returns the number of bad lines. */
    static int serve(Recommender recommender, BufferedReader in, PrintStream out, PrintStream err, boolean explain)
            throws IOException {
        String line;
        int lineNo = 0;
        int bad = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String workload = null;
            try {
                JsonElement e;
                try {
                    e = JsonParser.parseString(line);
                } catch (JsonParseException ex) {
                    throw new InvalidInputException("not JSON: " + rootMessage(ex));
                }
                if (!e.isJsonObject()) {
                    throw new InvalidInputException("expected a JSON object");
                }
                JsonElement id = e.getAsJsonObject().get("workload");
                workload = id != null && id.isJsonPrimitive() ? id.getAsString() : null;
                Recommender.Recommendation r = recommender.recommend(WorkloadMetrics.parse(e.getAsJsonObject()), explain);
                out.println(json(r));
            } catch (InvalidInputException ex) {
                bad++;
                BadLineReport.report("flash autoscale recommend", lineNo, workload, ex.getMessage(), out, err);
            }
        }
        out.flush();
        return bad;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    static JsonObject json(Recommender.Recommendation r) {
        JsonObject o = new JsonObject();
        o.addProperty("workload", r.workload());
        o.addProperty("action", r.action().label());
        o.addProperty("replicas", r.next().replicas());
        o.addProperty("cpu_limit", r.next().cpuLimit());
        o.addProperty("context_rows", r.contextRows());
        if (r.probabilities() != null) {
            JsonObject p = new JsonObject();
            for (ScalingAction a : ScalingAction.values()) {
                p.addProperty(a.label(), Math.round(r.probabilities()[a.ordinal()] * 1e4) / 1e4);
            }
            o.add("probabilities", p);
            JsonArray near = new JsonArray();
            for (Recommender.Neighbour n : r.nearest()) {
                JsonObject j = new JsonObject();
                j.addProperty("service", n.service());
                j.addProperty("distance", Math.round(n.distance() * 1e4) / 1e4);
                near.add(j);
            }
            o.add("nearest", near);
        }
        return o;
    }
}
