package dev.flash.autoscale;

import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * Is an autoscale model's context informative? Each service of the default population runs under
 * the model (as the recommend stream runs it) on its own synthetic load; after N steps the probe
 * keeps three descriptions of what the service has shown so far:
 *
 * <ul>
 *   <li>{@code embedding}: the model's context embedding (what the policy reads);</li>
 *   <li>{@code context-mean}: the mean of the raw context rows the encoder was given (its own
 *       input, no learning: whether the encoder keeps what its input holds);</li>
 *   <li>{@code state-mean}: the mean of every state seen over the N steps (a longer history than
 *       the C rows: what a longer context could hold).</li>
 * </ul>
 *
 * Each held-out service's parameters are predicted as the mean of its 5 nearest TRAINING services
 * in that description (every dimension z-scored on the training services), and scored by R^2
 * against predicting the training mean. Chance: the same with the training services' parameters
 * shuffled (20 shuffles, mean and the 95th percentile). The held-out services are only predicted,
 * never used to choose anything. Run:
 * java -cp ... dev.flash.autoscale.ContextProbe MODEL.onnx [steps,...] [seed]
 */
public final class ContextProbe {

    static final int K = 5;
    static final int SHUFFLES = 20;

    /** A service parameter the policy could want to know, and how it is read off the spec. */
    record Param(String name, ToDoubleFunction<ServiceSpec> of) {
    }

    static final List<Param> PARAMS = List.of(
            new Param("parallel_efficiency", ServiceSpec::parallelEfficiency),
            new Param("startup_steps", s -> s.startupSteps()),
            new Param("slo_over_cpu", s -> s.sloSeconds() / s.cpuPerRequest()),
            new Param("demand_cv", ServiceSpec::demandCv),
            new Param("log_cpu_per_request", s -> Math.log(s.cpuPerRequest())),
            new Param("peak_cores_over_max_replicas",
                    s -> s.load().peakRate() * s.cpuPerRequest() / 0.7 / s.maxReplicas()),
            new Param("trough", s -> s.load().trough()),
            new Param("bursts_per_cycle", s -> s.load().burstsPerCycle()),
            new Param("noise", s -> s.load().noise()));

    static final List<String> KINDS = List.of("embedding", "context-mean", "state-mean");

    /** What a service showed after each of the probe's step counts: [step][kind] -> vector. */
    static float[][][] probe(OnnxModel model, ServiceSpec spec, int[] steps, long seed) {
        int maxSteps = Arrays.stream(steps).max().orElse(0) + 1;
        float[][][] out = new float[steps.length][KINDS.size()][];
        int c = model.description().contextLength();
        int w = AutoscaleFeatures.COUNT + ScalingAction.values().length + 1;
        double[] stateSum = new double[AutoscaleFeatures.COUNT];
        int[] seen = {0};
        LearnedAutoscaler a = new LearnedAutoscaler(spec.name(), spec.sloSeconds(), model.description().contextLayout(),
                MoveGuard.ofCheckedModel(model.description())) {
            @Override
            protected float[] probabilities(float[] state, float[] context, float[] mask) {
                OnnxModel.Batch b = OnnxAutoscaler.infer(model, state, context, mask);
                for (int i = 0; i < state.length; i++) {
                    stateSum[i] += state[i];
                }
                seen[0]++;
                int k = Arrays.binarySearch(steps, seen[0]);
                if (k >= 0) {
                    out[k][0] = b.embedding.clone();
                    float[] cm = new float[w];
                    int filled = 0;
                    for (int r = 0; r < c; r++) {
                        if (mask[r] > 0) {
                            filled++;
                            for (int j = 0; j < w; j++) {
                                cm[j] += context[r * w + j];
                            }
                        }
                    }
                    for (int j = 0; j < w; j++) {
                        cm[j] /= Math.max(1, filled);
                    }
                    out[k][1] = cm;
                    float[] sm = new float[stateSum.length];
                    for (int i = 0; i < sm.length; i++) {
                        sm[i] = (float) (stateSum[i] / seen[0]);
                    }
                    out[k][2] = sm;
                }
                return b.primary.clone();
            }
        };
        OperatorRun.run(a, spec, LoadTrace.synthetic(spec.load(), maxSteps, seed), seed);
        return out;
    }

    /** R^2 of 5-NN prediction of {@code yTest} from {@code xTrain}/{@code yTrain} (z-scored on training). */
    static double r2(float[][] xTrain, double[] yTrain, float[][] xTest, double[] yTest) {
        int d = xTrain[0].length;
        double[] mu = new double[d];
        double[] sd = new double[d];
        for (float[] x : xTrain) {
            for (int j = 0; j < d; j++) {
                mu[j] += x[j] / (double) xTrain.length;
            }
        }
        for (float[] x : xTrain) {
            for (int j = 0; j < d; j++) {
                sd[j] += (x[j] - mu[j]) * (x[j] - mu[j]) / xTrain.length;
            }
        }
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(sd[j]) > 1e-9 ? Math.sqrt(sd[j]) : Double.POSITIVE_INFINITY; // constant: ignored
        }
        double mean = Arrays.stream(yTrain).average().orElse(0);
        double sse = 0;
        double sst = 0;
        for (int t = 0; t < xTest.length; t++) {
            double[] dist = new double[xTrain.length];
            Integer[] idx = new Integer[xTrain.length];
            for (int i = 0; i < xTrain.length; i++) {
                idx[i] = i;
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double z = (xTest[t][j] - xTrain[i][j]) / sd[j];
                    s += z * z;
                }
                dist[i] = s;
            }
            Arrays.sort(idx, (p, q) -> Double.compare(dist[p], dist[q]));
            double pred = 0;
            for (int k = 0; k < K; k++) {
                pred += yTrain[idx[k]] / K;
            }
            sse += (yTest[t] - pred) * (yTest[t] - pred);
            sst += (yTest[t] - mean) * (yTest[t] - mean);
        }
        return 1 - sse / sst;
    }

    public static void main(String[] args) throws Exception {
        Path modelFile = Path.of(args[0]);
        int[] steps = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).sorted().toArray()
                : new int[] {8, 60, 240};
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 7;
        List<ServiceSpec> all = ServicePopulation.sample(200, seed, 0.2);
        List<ServiceSpec> train = ServicePopulation.split(all, ServiceSpec.TRAIN);
        List<ServiceSpec> test = ServicePopulation.split(all, ServiceSpec.TEST);
        try (OnnxModel model = OnnxModel.load(modelFile)) {
            List<float[][][]> tr = new ArrayList<>();
            List<float[][][]> te = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                tr.add(probe(model, train.get(i), steps, seed * 7919 + i));
            }
            for (int i = 0; i < test.size(); i++) {
                te.add(probe(model, test.get(i), steps, seed * 7919 + 1_000 + i));
            }
            System.out.printf(Locale.ROOT, "model %s, C = %d, %d training / %d held-out services, %d-NN R^2 "
                    + "(chance: training parameters shuffled, mean / 95th pct of %d)%n", modelFile,
                    model.description().contextLength(), train.size(), test.size(), K, SHUFFLES);
            Random rng = new Random(seed);
            for (int s = 0; s < steps.length; s++) {
                System.out.printf(Locale.ROOT, "%n after %d steps%n%-30s", steps[s], "parameter");
                for (String k : KINDS) {
                    System.out.printf(Locale.ROOT, " %14s", k);
                }
                System.out.printf(Locale.ROOT, " %16s%n", "chance (emb.)");
                for (Param p : PARAMS) {
                    double[] yTr = train.stream().mapToDouble(p.of()).toArray();
                    double[] yTe = test.stream().mapToDouble(p.of()).toArray();
                    System.out.printf(Locale.ROOT, "%-30s", p.name());
                    for (int k = 0; k < KINDS.size(); k++) {
                        int kk = k;
                        int ss = s;
                        float[][] xTr = tr.stream().map(v -> v[ss][kk]).toArray(float[][]::new);
                        float[][] xTe = te.stream().map(v -> v[ss][kk]).toArray(float[][]::new);
                        System.out.printf(Locale.ROOT, " %14.3f", r2(xTr, yTr, xTe, yTe));
                    }
                    int ss = s;
                    float[][] xTr = tr.stream().map(v -> v[ss][0]).toArray(float[][]::new);
                    float[][] xTe = te.stream().map(v -> v[ss][0]).toArray(float[][]::new);
                    double[] chance = new double[SHUFFLES];
                    for (int r = 0; r < SHUFFLES; r++) {
                        double[] shuffled = yTr.clone();
                        for (int i = shuffled.length - 1; i > 0; i--) {
                            int j = rng.nextInt(i + 1);
                            double t = shuffled[i];
                            shuffled[i] = shuffled[j];
                            shuffled[j] = t;
                        }
                        chance[r] = r2(xTr, shuffled, xTe, yTe);
                    }
                    Arrays.sort(chance);
                    System.out.printf(Locale.ROOT, " %7.3f / %6.3f%n", Arrays.stream(chance).average().orElse(0),
                            chance[(int) Math.ceil(0.95 * SHUFFLES) - 1]);
                }
            }
        }
    }
}
