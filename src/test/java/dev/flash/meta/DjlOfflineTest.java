package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.djl.util.Utils;
import org.junit.jupiter.api.Test;

/** DJL's PyTorch engine starts from the class-path native jars, with no network, and trains. */
class DjlOfflineTest {

    @Test
    void linearRegressionStepWithAdamReducesLossOffline() {
        Engine engine = Djl.init();
        assertEquals("PyTorch", engine.getEngineName());
        assertTrue(Utils.isOfflineMode(), "DJL must run in offline mode");
        assertEquals(Djl.PYTORCH_VERSION, engine.getVersion());

        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager(engine.getEngineName())) {
            Linear linear = Linear.builder().setUnits(1).build();
            linear.setInitializer(new ai.djl.training.initializer.XavierInitializer(), Parameter.Type.WEIGHT);
            linear.initialize(manager, DataType.FLOAT32, new Shape(8, 3));
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.05f)).build();
            ParameterStore store = new ParameterStore(manager, false);

            NDArray x = manager.randomNormal(new Shape(8, 3));
            NDArray y = x.dot(manager.create(new float[] {1f, -2f, 0.5f}, new Shape(3, 1)));
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 50; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray pred = linear.forward(store, new NDList(x), true).singletonOrThrow();
                    NDArray loss = pred.sub(y).square().mean();
                    gc.backward(loss);
                    float l = loss.getFloat();
                    if (step == 0) {
                        first = l;
                    }
                    last = l;
                }
                for (Pair<String, Parameter> p : linear.getParameters()) {
                    NDArray w = p.getValue().getArray();
                    adam.update(p.getValue().getId(), w, w.getGradient());
                }
            }
            assertTrue(last < first * 0.5f, "Adam should reduce the loss: " + first + " -> " + last);
        }
        try (Model m = Model.newInstance("probe", Djl.ENGINE)) {
            assertEquals("PyTorch", m.getNDManager().getEngine().getEngineName());
        }
    }

    @Test
    void mklReproducibilityModeIsSetInTheProcessEnvironmentUnlessTheUserChoseOne() {
        Djl.init();
        String chosen = System.getenv(Djl.MKL_CBWR);
        assertEquals(chosen == null ? Djl.MKL_CBWR_DEFAULT : chosen, Djl.mklCbwr(),
                "libtorch's MKL must see the reproducibility mode through the C library's getenv");
    }
}
