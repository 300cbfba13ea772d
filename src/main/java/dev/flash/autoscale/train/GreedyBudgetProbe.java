package dev.flash.autoscale.train;

import dev.flash.autoscale.Autoscaler;
import dev.flash.autoscale.CoreBudget;
import dev.flash.autoscale.HpaReference;
import dev.flash.autoscale.LoadTrace;
import dev.flash.autoscale.OnnxAutoscaler;
import dev.flash.autoscale.OperatorRun;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.OnnxExport;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Measures the budget on the GREEDY policy ({@code --budget-on greedy}): after every PPO
 * iteration the current weights run as {@code flash evaluate autoscale} runs them (exported,
 * ONNX Runtime, the most probable move behind the guard, {@link OnnxAutoscaler}) on a few
 * training services' synthetic loads from the operator's set-up ({@link OperatorRun}), HPA on
 * the same loads and seeds, and those runs' cores and misses are what the dual step compares
 * ({@link CoreBudget#recordGreedy}). The training episodes still pay the price; they no longer
 * set it.
 *
 * Why: PPO's sampled moves missed 16% against HPA's 13% on the training episodes while the
 * greedy weights, which are what is deployed, missed half of HPA's held out, so the miss price
 * sat at its cap (docs/log/2026-12-07-autoscale-bc.md, m2). Training services only; the
 * held-out services are never probed.
 */
public final class GreedyBudgetProbe {

    /** Services probed per iteration (a rotating window over the training services). */
    public static final int SERVICES_PER_ITERATION = 8;

    private final List<ServiceSpec> services;
    private final int steps;
    private final long seed;
    private int round;

    /**
     * @param services the training services (probed {@link #SERVICES_PER_ITERATION} at a time, in turn)
     * @param steps    steps of load per probe run (the evaluation's length)
     */
    public GreedyBudgetProbe(List<ServiceSpec> services, int steps, long seed) {
        if (services.isEmpty() || steps < 2) {
            throw new IllegalArgumentException("greedy probe: needs training services and >= 2 steps, got "
                    + services.size() + " services, " + steps + " steps");
        }
        this.services = services;
        this.steps = steps;
        this.seed = seed;
    }

    /**
     * Runs {@code agent} (one per service) and HPA on this round's services and records each pair
     * into {@code budget}; the next call takes the next services and fresh loads.
     */
    public void measure(Function<ServiceSpec, Autoscaler> agent, CoreBudget budget) {
        int n = Math.min(SERVICES_PER_ITERATION, services.size());
        for (int j = 0; j < n; j++) {
            int k = round * n + j;
            ServiceSpec spec = services.get(Math.floorMod(k, services.size()));
            long runSeed = seed * 1_000_003L + 7_777L + k;
            LoadTrace load = LoadTrace.synthetic(spec.load(), steps, runSeed);
            OperatorRun a = OperatorRun.run(agent.apply(spec), spec, load, runSeed);
            OperatorRun h = OperatorRun.run(new HpaReference(), spec, load, runSeed);
            budget.recordGreedy(a.coreSeconds(), h.coreSeconds(), a.sloMisses(), h.sloMisses(), a.requests());
        }
        round++;
    }

    /** {@link #measure} with {@code net}'s current weights, exported and run by ONNX Runtime as evaluated. */
    public void measure(FlashAgentNetwork net, AutoscaleTrainer.Settings s, CoreBudget budget) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("flash-greedy-probe", ".onnx");
            Files.write(tmp, OnnxExport.toBytes(net, AutoscaleTrainer.metadata(s, 0, "{}"), ModelContract.ENCODING_ROWS));
            try (OnnxModel model = OnnxModel.load(tmp)) {
                measure(spec -> new OnnxAutoscaler("greedy", model, spec.sloSeconds()), budget);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ModelRejectedException e) {
            throw new IllegalStateException("greedy probe: the exported weights were rejected: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }
}
