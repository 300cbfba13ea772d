package dev.flash.autoscale;

import ai.onnxruntime.OrtException;
import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves an autoscale model to many workloads at once: keeps each workload's trajectory (so its
 * embedding adapts as the workload reveals itself) and answers one decision per metrics sample.
 * What {@code flash autoscale recommend} and the controller run. Not thread-safe.
 */
public final class Recommender {

    /** A decision and, when asked, why. */
    public record Recommendation(String workload, ScalingAction action, Allocation next, int contextRows,
                                 float[] probabilities, List<Neighbour> nearest) {
    }

    /** A known service and its distance to the workload in embedding space. */
    public record Neighbour(String service, double distance) {
    }

    private record Known(String service, float[] embedding) {
    }

    private static final class Workload {
        final WorkloadTrajectory trajectory;

        Workload(ContextLayout layout) {
            trajectory = new WorkloadTrajectory(layout);
        }
    }

    private final OnnxModel model;
    private final int contextLength;
    /** The model's context rows (its {@code ModelDescription.contextLayout()}): every workload keeps them. */
    private final ContextLayout layout;
    private final Map<String, Workload> workloads = new HashMap<>();
    private final List<Known> known = new ArrayList<>();

    /** The safety layer the model was trained behind. */
    private final MoveGuard guard;

    public Recommender(OnnxModel model) {
        this.model = model;
        this.guard = MoveGuard.ofCheckedModel(model.description());
        this.contextLength = model.description().contextLength();
        this.layout = model.description().contextLayout();
    }

    /** Workloads whose trajectory is kept. */
    public int workloads() {
        return workloads.size();
    }

    /** Forgets a workload (deleted, or its contract changed). */
    public void forget(String workload) {
        workloads.remove(workload);
    }

    /**
     * Learns where known services sit in embedding space, for {@code explain}: each service runs
     * under the model on {@code steps} steps of its own synthetic load and its last embedding is kept.
     */
    public void learnKnownServices(List<ServiceSpec> services, int steps, long seed) {
        if (model.description().embeddingSize() == 0) {
            return;
        }
        for (ServiceSpec spec : services) {
            float[][] last = new float[1][];
            LearnedAutoscaler probe = new LearnedAutoscaler(spec.name(), spec.sloSeconds(), layout, guard) {
                @Override
                protected float[] probabilities(float[] state, float[] context, float[] mask) {
                    OnnxModel.Batch b = OnnxAutoscaler.infer(model, state, context, mask);
                    last[0] = b.embedding.clone();
                    return b.primary.clone();
                }
            };
            OperatorRun.run(probe, spec, LoadTrace.synthetic(spec.load(), steps, seed), seed);
            if (last[0] != null) {
                known.add(new Known(spec.name(), last[0]));
            }
        }
    }

    /**
     * The decision after {@code m}; records {@code m} in the workload's trajectory.
     *
     * @param explain also return the action probabilities and the 3 nearest known services
     */
    public Recommendation recommend(WorkloadMetrics m, boolean explain) {
        Workload w = workloads.computeIfAbsent(m.workload(), k -> new Workload(layout));
        StepMetrics step = m.toStep();
        double previousRate = w.trajectory.previousRate();
        float[] state = w.trajectory.observe(step, m.sloSeconds(), m.bounds());
        OnnxModel.Batch b;
        try {
            b = model.batch(1);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
        System.arraycopy(state, 0, b.state, 0, state.length);
        if (contextLength > 0) {
            w.trajectory.context().copyInto(b.context, b.mask, 0);
        }
        run(b);
        int action = LearnedAutoscaler.argmax(b.primary);
        w.trajectory.acted(state, action);
        ScalingAction a = ScalingAction.of(action);
        Allocation now = m.allocation();
        Allocation next = m.bounds().clamp(now, guard.apply(step, previousRate, a.apply(step, now, m.bounds()), m.bounds()));
        int rows = contextLength > 0 ? w.trajectory.context().filled() : 0;
        if (!explain) {
            return new Recommendation(m.workload(), a, next, rows, null, null);
        }
        return new Recommendation(m.workload(), a, next, rows, b.primary.clone(),
                b.embedding == null ? List.of() : nearest(b.embedding, 3));
    }

    private void run(OnnxModel.Batch b) {
        try {
            model.run(b);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    private List<Neighbour> nearest(float[] embedding, int k) {
        List<Neighbour> all = new ArrayList<>(known.size());
        for (Known s : known) {
            double d = 0;
            for (int i = 0; i < embedding.length; i++) {
                double x = embedding[i] - s.embedding()[i];
                d += x * x;
            }
            all.add(new Neighbour(s.service(), Math.sqrt(d)));
        }
        all.sort(Comparator.comparingDouble(Neighbour::distance));
        return all.subList(0, Math.min(k, all.size()));
    }
}
