package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads a model's decisions against HPA's on TRAINING services: how often it takes each move,
 * the utilization and CPU limit it runs at, with or without the guard it was trained behind. Run:
 * java -cp ... dev.flash.autoscale.DecisionDiagnosis MODEL.onnx [services] [raw|guarded|capped]
 */
public final class DecisionDiagnosis {

    public static void main(String[] args) throws Exception {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        boolean raw = args.length > 2 && args[2].equals("raw");
        // capped: a learned scale-up may not take the limit above one core below the maximum replicas
        boolean capped = args.length > 2 && args[2].equals("capped");
        List<ServiceSpec> train = ServicePopulation.split(ServicePopulation.sample(200, 7, 0.2), ServiceSpec.TRAIN);
        try (OnnxModel model = OnnxModel.load(Path.of(args[0]))) {
            int c = model.description().contextLength();
            MoveGuard guard = MoveGuard.ofModel(model.description());
            double[] totals = new double[6];
            for (int i = 0; i < n; i++) {
                ServiceSpec spec = train.get(i);
                LoadTrace load = LoadTrace.synthetic(spec.load(), 480, 1000 + i);
                int[] counts = new int[5];
                double[] stats = new double[3]; // utilization, limit, steps
                Autoscaler agent = new Autoscaler() {
                    final WorkloadTrajectory tr = new WorkloadTrajectory(c);
                    final float[] ctx = new float[c * (AutoscaleFeatures.COUNT + 6)];
                    final float[] mask = new float[c];

                    public String name() {
                        return "flash";
                    }

                    public void reset() {
                        tr.clear();
                    }

                    public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
                        double prev = tr.previousRate();
                        float[] s = tr.observe(last, spec.sloSeconds(), bounds);
                        if (c > 0) {
                            tr.context().copyInto(ctx, mask, 0);
                        }
                        int a = LearnedAutoscaler.argmax(OnnxAutoscaler.run(model, s, ctx, mask));
                        tr.acted(s, a);
                        counts[a]++;
                        stats[0] += last.cpuUtilization();
                        stats[1] += now.cpuLimit();
                        stats[2]++;
                        if (raw) {
                            return ScalingAction.of(a).apply(now, bounds);
                        }
                        Allocation move = ScalingAction.of(a).apply(last, now, bounds);
                        if (capped && a == ScalingAction.SCALE_UP.ordinal() && move.cpuLimit() > Math.max(1, now.cpuLimit())
                                && now.replicas() < bounds.maxReplicas()) {
                            move = now;
                        }
                        return guard.apply(last, prev, move, bounds);
                    }
                };
                OperatorRun f = OperatorRun.run(agent, spec, load, 1000 + i);
                OperatorRun h = OperatorRun.run(new HpaReference(), spec, load, 1000 + i);
                System.out.printf(Locale.ROOT,
                        "%s start-up %d opL %.2f | flash miss %5.1f%% core-h %7.1f util %.2f L %.2f moves %s | hpa miss %5.1f%% core-h %7.1f%n",
                        spec.name(), spec.startupSteps(), OperatorRun.operatorLimit(spec, load.peak()),
                        100 * f.violationShare(), f.coreSeconds() / 3600, stats[0] / stats[2], stats[1] / stats[2],
                        java.util.Arrays.toString(counts), 100 * h.violationShare(), h.coreSeconds() / 3600);
                totals[0] += f.requests();
                totals[1] += f.sloMisses();
                totals[2] += f.coreSeconds();
                totals[3] += h.requests();
                totals[4] += h.sloMisses();
                totals[5] += h.coreSeconds();
            }
            System.out.printf(Locale.ROOT, "total: flash miss %.2f%% core-h %.1f | hpa miss %.2f%% core-h %.1f%n",
                    100 * totals[1] / totals[0], totals[2] / 3600, 100 * totals[4] / totals[3], totals[5] / 3600);
        }
    }
}
