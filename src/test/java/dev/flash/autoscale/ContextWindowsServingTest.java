package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import dev.flash.autoscale.train.AutoscaleTrainer;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.OnnxExport;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An autoscale model whose context has two time scales (recent transitions plus means over longer
 * windows, {@code flash train autoscale --context-windows}) records its layout, the serving path
 * ({@link WorkloadTrajectory}, as the recommend stream and the controller keep it) rebuilds the
 * layout's rows from the model alone, each window row is the batch mean of the transitions it
 * covers, and ONNX Runtime answers what DJL answers on those rows at every step of a real run.
 */
class ContextWindowsServingTest {

    /** The last 4 transitions, then the means of the 4, 8 and 16 before them: horizon 32. */
    static final ContextLayout LAYOUT = ContextLayout.parse("1,1,1,1,4,8,16");
    static final int W = AutoscaleFeatures.COUNT + ScalingAction.values().length + 1;

    @TempDir
    Path dir;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    @Test
    void servedRowsAreTheWindowsMeansAndOnnxAgreesWithDjl() throws Exception {
        AutoscaleTrainer.Settings s = AutoscaleTrainer.Settings.quick(3).withContextLayout(LAYOUT);
        assertEquals(LAYOUT.rows(), s.contextLength());
        assertEquals(LAYOUT, s.network().contextLayout());
        ServiceSpec spec = ServicePopulation.sample(4, 11, 0.25).get(0);
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = FlashAgentNetwork.create(s.network(), m, 3);
            Path file = dir.resolve("windows.onnx");
            Files.write(file, OnnxExport.toBytes(net, AutoscaleTrainer.metadata(s, 0.5, "{\"command\":\"test\"}"),
                    ModelContract.ENCODING_ROWS));
            try (OnnxModel model = OnnxModel.load(file)) {
                OnnxAutoscaler.check(model.description());
                assertEquals(LAYOUT, model.description().contextLayout(), "the model states its layout");
                Checker checker = new Checker(model, net, m, spec.sloSeconds());
                OperatorRun.run(checker, spec, LoadTrace.synthetic(spec.load(), 60, 5), 5);
                assertTrue(checker.decisions >= 59, "a decision on (nearly) every step: " + checker.decisions);
                assertTrue(checker.windowRowsChecked > 100, "window rows checked: " + checker.windowRowsChecked);
            }
        }
    }

    @Test
    void flatSettingsKeepTheNetworkTheyHadBeforeWindows() {
        AutoscaleTrainer.Settings flat = AutoscaleTrainer.Settings.defaults(7).withContextLength(32);
        assertEquals(null, flat.contextWindows());
        assertEquals(ContextLayout.flat(32), flat.contextLayout());
        assertEquals(flat.network().toString(),
                AutoscaleTrainer.Settings.defaults(7).withContextLayout(ContextLayout.flat(32)).network().toString(),
                "a flat layout is the plain context length");
        AutoscaleTrainer.Settings windows = AutoscaleTrainer.Settings.defaults(7).withContextLayout(LAYOUT);
        assertEquals(AutoscaleTrainer.Settings.defaults(7).withContextLength(0).network().toString(),
                windows.withContextLength(0).network().toString(),
                "the base agent (and the experts' cache key made of it) does not carry FLASH's windows");
        assertEquals(LAYOUT, windows.withIterations(1500).contextWindows(), "other settings keep the windows");
    }

    /**
     * Decides as a served model does, and on every step checks the windowed rows against the
     * transitions kept flat (the batch mean of each window), and ONNX against DJL.
     */
    private static final class Checker implements Autoscaler {
        final OnnxModel model;
        final FlashAgentNetwork net;
        final NDManager m;
        final double slo;
        final WorkloadTrajectory windows = new WorkloadTrajectory(LAYOUT);
        final WorkloadTrajectory raw = new WorkloadTrajectory(LAYOUT.horizon());
        final float[] ctx = new float[LAYOUT.rows() * W];
        final float[] mask = new float[LAYOUT.rows()];
        final float[] rawCtx = new float[LAYOUT.horizon() * W];
        final float[] rawMask = new float[LAYOUT.horizon()];
        int decisions;
        int windowRowsChecked;

        Checker(OnnxModel model, FlashAgentNetwork net, NDManager m, double slo) {
            this.model = model;
            this.net = net;
            this.m = m;
            this.slo = slo;
        }

        @Override
        public String name() {
            return "checker";
        }

        @Override
        public void reset() {
            windows.clear();
            raw.clear();
        }

        @Override
        public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
            float[] state = windows.observe(last, slo, bounds);
            raw.observe(last, slo, bounds);
            windows.context().copyInto(ctx, mask, 0);
            raw.context().copyInto(rawCtx, rawMask, 0);
            checkWindows();
            float[] onnx = OnnxAutoscaler.run(model, state, ctx, mask);
            float[] djl = net.heads(new ParameterStore(m, false), m.create(state, new Shape(1, state.length)),
                    m.create(ctx, new Shape(1, LAYOUT.rows(), W)), m.create(mask, new Shape(1, LAYOUT.rows())), false)
                    .actionProbs().toFloatArray();
            for (int i = 0; i < onnx.length; i++) {
                assertEquals(djl[i], onnx[i], 1e-4f, "step " + decisions + ", action_probs[" + i + "]");
            }
            int action = LearnedAutoscaler.argmax(onnx);
            windows.acted(state, action);
            raw.acted(state, action);
            decisions++;
            return ScalingAction.of(action).apply(last, now, bounds);
        }

        /** Row r (newest is the last row) against the mean of the raw transitions its window covers. */
        private void checkWindows() {
            int held = 0;
            for (float f : rawMask) {
                held += f > 0 ? 1 : 0;
            }
            int newestRaw = LAYOUT.horizon() - 1; // raw rows are right-aligned too
            int covered = 0;
            for (int k = 0; k < LAYOUT.rows(); k++) { // window k, counted from the newest
                int row = LAYOUT.rows() - 1 - k;
                int len = LAYOUT.window(k);
                int inWindow = Math.max(0, Math.min(len, held - covered));
                if (inWindow == 0) {
                    assertEquals(0f, mask[row], "window " + k + " beyond the history is padding");
                } else {
                    assertEquals(1f, mask[row], "window " + k + " holds " + inWindow);
                    for (int j = 0; j < W; j++) {
                        double sum = 0;
                        for (int t = 0; t < inWindow; t++) {
                            sum += rawCtx[(newestRaw - covered - t) * W + j];
                        }
                        assertEquals(sum / inWindow, ctx[row * W + j], 1e-5, "window " + k + ", column " + j);
                    }
                    windowRowsChecked++;
                }
                covered += len;
            }
        }
    }
}
