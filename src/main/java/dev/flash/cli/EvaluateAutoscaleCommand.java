package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.autoscale.InvalidInputException;
import dev.flash.autoscale.LoadTrace;
import dev.flash.autoscale.MoveGuard;
import dev.flash.autoscale.OnnxAutoscaler;
import dev.flash.autoscale.OperatorRun;
import dev.flash.autoscale.ServicePopulation;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.autoscale.train.AutoscaleTrainer;
import dev.flash.autoscale.train.AutoscaleTrainer.ServiceComparison;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash evaluate autoscale}: the operator's view of an autoscale model against HPA. */
@Command(name = "autoscale",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Run an autoscale model beside the Kubernetes HPA on held-out simulated services.",
            "",
            "The model runs with ONNX Runtime, as `flash autoscale recommend` runs it, on the",
            "held-out services of a population, beside the Kubernetes HPA (70%% CPU target, 10%%",
            "tolerance, 300 s scale-down window) and HPA with a VPA-style CPU recommender, on the",
            "same load with the same seed. Reports the operator's view per service and in total:",
            "",
            "  missed      requests answered later than the SLO or dropped, share of all requests",
            "  core-hours  cores allocated (replicas x CPU limit, starting replicas included)",
            "  reward      mean reward per step (docs/autoscale.md)",
            "",
            "Each service's load is its own synthetic load (--steps steps), or --trace scaled so its",
            "peak is the service's peak rate. Every autoscaler starts where an operator would set",
            "HPA up: the CPU limit that lets the maximum replicas carry the peak at 70%%. Figures",
            "come from the simulated services (docs/simulated-service.md), not from a cluster.",
            "",
            "Examples:",
            "  flash evaluate autoscale --model models/autoscale-flash.onnx",
            "  flash evaluate autoscale --model m.onnx --trace nasa.txt.bz2 --interval 1 --json",
            "  flash evaluate autoscale --model m.onnx --trace nasa.txt.bz2 --from 1440 --steps 1440",
            "  flash evaluate autoscale --model m.onnx --without-context   (what the context is worth)",
            "  flash evaluate autoscale --model m.onnx --guard utilization (the model behind another guard)",
            ""},
        footer = {"", ExitCodes.HELP})
public final class EvaluateAutoscaleCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Autoscale model (ONNX, model contract).")
    Path model;

    @Option(names = "--services", paramLabel = "FILE",
            description = "Services population (flash-services/1); its held-out (\"test\") services are evaluated. "
                    + "Default: the population `flash train autoscale` samples from --seed.")
    Path services;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Replay this load instead (counts per interval, white-space separated, or CSV "
                    + "timestamp,count; .bz2 read when commons-compress is on the class path).")
    Path trace;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds per count of --trace (default: ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--scale", paramLabel = "X", defaultValue = "1",
            description = "Multiply --trace counts by X before scaling to each service's peak (default: ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "480",
            description = "Steps (60 s each) of synthetic load per service, or of --trace from its start "
                    + "(0: the whole trace) (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--from", paramLabel = "STEP", defaultValue = "0",
            description = "Start --trace at this step (60 s steps: 1440 is the start of its second day) (default: "
                    + "${DEFAULT-VALUE}).")
    int from;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--without-context",
            description = "Ablation: run the model with an empty context at every step (the same agent without FLASH's "
                    + "adaptation), to measure what the context is worth.")
    boolean withoutContext;

    @Option(names = "--guard", paramLabel = "ID",
            description = "Serve the model behind this guard instead of the one it was trained behind (its params' "
                    + "'guard'; 'utilization' for models without it): hpa-floor or utilization. An ablation.")
    String guard;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (steps < 0 || !(interval > 0) || !(scale >= 0) || from < 0) {
            System.err.println("flash evaluate autoscale: --steps and --from must be >= 0, --interval > 0, --scale >= 0");
            return ExitCodes.USAGE;
        }
        if (from > 0 && trace == null) {
            System.err.println("flash evaluate autoscale: --from needs --trace");
            return ExitCodes.USAGE;
        }
        try (OnnxModel m = OnnxModel.load(model)) {
            OnnxAutoscaler.check(m.description());
            List<ServiceSpec> all = services != null ? ServicePopulation.read(services) : ServicePopulation.sample(200, seed, 0.2);
            List<ServiceSpec> test = ServicePopulation.split(all, ServiceSpec.TEST);
            if (test.isEmpty()) {
                throw new InvalidInputException((services == null ? "the sample" : services) + ": no \"test\" services");
            }
            LoadTrace load = null;
            if (trace != null) {
                load = LoadTrace.read(trace, interval, scale);
                if (from >= load.steps()) {
                    throw new InvalidInputException(trace + ": --from " + from + " is past the trace's end ("
                            + load.steps() + " steps)");
                }
                int n = steps > 0 ? Math.min(steps, load.steps() - from) : load.steps() - from;
                if (from > 0 || n < load.steps()) {
                    load = load.window(from, n);
                }
            }
            MoveGuard g;
            try {
                g = guard == null ? MoveGuard.ofModel(m.description()) : MoveGuard.of(guard);
            } catch (IllegalArgumentException e) {
                System.err.println("flash evaluate autoscale: --guard: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            List<ServiceComparison> rows = AutoscaleTrainer.compare(test,
                    spec -> new OnnxAutoscaler("flash", m, spec.sloSeconds(), !withoutContext, g), steps == 0 ? 480 : steps,
                    seed, load);
            JsonObject out = comparisonJson(rows);
            out.addProperty("model", model.toString());
            out.addProperty("load", load == null ? "synthetic per service" : load.source());
            out.addProperty("guard", g.id() + (guard == null ? "" : " (--guard; not the model's own)"));
            out.addProperty("context", withoutContext ? "empty at every step (ablation)" : "the workload's last steps");
            if (json) {
                System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(out));
            } else {
                System.out.printf(Locale.ROOT, "%-10s %24s %24s %24s%n", "service", "flash missed/core-h",
                        "hpa missed/core-h", "hpa+vpa missed/core-h");
                for (ServiceComparison r : rows) {
                    System.out.printf(Locale.ROOT, "%-10s %24s %24s %24s%n", r.service(), cell(r.agent()), cell(r.hpa()),
                            cell(r.hpaVpa()));
                }
                TrainAutoscaleCommand.printComparison(rows);
                System.out.printf(Locale.ROOT, "flash vs hpa: SLO violations x%.3f, core-seconds x%.3f%n",
                        out.get("slo_violations_vs_hpa").getAsDouble(), out.get("core_seconds_vs_hpa").getAsDouble());
                System.out.printf(Locale.ROOT, "services (%d): fewer misses than hpa %d, no more core-seconds %d, both %d%n",
                        rows.size(), out.get("services_fewer_misses_than_hpa").getAsInt(),
                        out.get("services_no_more_core_seconds_than_hpa").getAsInt(), out.get("services_both").getAsInt());
            }
            return ExitCodes.OK;
        } catch (ModelRejectedException e) {
            System.err.println("flash evaluate autoscale: model rejected: " + e.getMessage());
            return ExitCodes.INVALID_MODEL;
        } catch (InvalidInputException e) {
            System.err.println("flash evaluate autoscale: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            System.err.println("flash evaluate autoscale: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    private static String cell(OperatorRun r) {
        return String.format(Locale.ROOT, "%6.2f%% %10.1f", 100 * r.violationShare(), r.coreSeconds() / 3600);
    }

    /** Per-service runs, totals per autoscaler, and FLASH's SLO misses and core-seconds over HPA's. */
    static JsonObject comparisonJson(List<ServiceComparison> rows) {
        JsonObject o = new JsonObject();
        JsonArray per = new JsonArray();
        double[][] sums = new double[3][4]; // requests, misses, core-seconds, reward
        int fewerMisses = 0;
        int noMoreCores = 0;
        int both = 0;
        for (ServiceComparison r : rows) {
            // the goal per service: fewer SLO misses than HPA and no more core-seconds
            boolean fewer = r.agent().sloMisses() < r.hpa().sloMisses();
            boolean cheaper = r.agent().coreSeconds() <= r.hpa().coreSeconds();
            fewerMisses += fewer ? 1 : 0;
            noMoreCores += cheaper ? 1 : 0;
            both += fewer && cheaper ? 1 : 0;
            JsonObject s = new JsonObject();
            s.addProperty("service", r.service());
            OperatorRun[] runs = {r.agent(), r.hpa(), r.hpaVpa()};
            for (int i = 0; i < runs.length; i++) {
                s.add(runs[i].autoscaler(), runJson(runs[i].requests(), runs[i].sloMisses(), runs[i].coreSeconds(),
                        runs[i].meanReward()));
                sums[i][0] += runs[i].requests();
                sums[i][1] += runs[i].sloMisses();
                sums[i][2] += runs[i].coreSeconds();
                sums[i][3] += runs[i].meanReward() / Math.max(1, rows.size());
            }
            per.add(s);
        }
        JsonObject totals = new JsonObject();
        String[] names = {"flash", "hpa", "hpa+vpa"};
        for (int i = 0; i < 3; i++) {
            totals.add(names[i], runJson(sums[i][0], sums[i][1], sums[i][2], sums[i][3]));
        }
        o.add("totals", totals);
        o.addProperty("slo_violations_vs_hpa", sums[1][1] <= 0 ? Double.NaN : sums[0][1] / sums[1][1]);
        o.addProperty("core_seconds_vs_hpa", sums[1][2] <= 0 ? Double.NaN : sums[0][2] / sums[1][2]);
        o.addProperty("services_fewer_misses_than_hpa", fewerMisses);
        o.addProperty("services_no_more_core_seconds_than_hpa", noMoreCores);
        o.addProperty("services_both", both);
        o.add("services", per);
        return o;
    }

    private static JsonObject runJson(double requests, double misses, double coreSeconds, double reward) {
        JsonObject j = new JsonObject();
        j.addProperty("requests", Math.round(requests));
        j.addProperty("slo_misses", Math.round(misses));
        j.addProperty("slo_violation_share", requests <= 0 ? 0 : misses / requests);
        j.addProperty("core_seconds", Math.round(coreSeconds));
        j.addProperty("reward_per_step", reward);
        return j;
    }
}
