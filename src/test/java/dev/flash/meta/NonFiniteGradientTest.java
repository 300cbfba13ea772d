package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The guard that skips a PPO update whose gradient is not finite must be able to clear that
 * gradient: a run of {@code flash train dvfs} died in this path (PyTorch refused the empty index
 * the first version used), which no test had exercised.
 */
class NonFiniteGradientTest {

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    @Test
    void gradientsOfEveryRankHoldingInfAndNanAreZeroedInPlace() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NDArray vector = m.create(new float[] {Float.POSITIVE_INFINITY, Float.NaN, 3f});
            NDArray matrix = m.create(new float[] {1f, Float.NEGATIVE_INFINITY, Float.NaN, 4f}, new Shape(2, 2));
            NDArray scalar = m.create(Float.NaN);
            for (NDArray a : new NDArray[] {vector, matrix, scalar}) {
                Shape before = a.getShape();
                PpoTrainer.zeroInPlace(a);
                assertEquals(before, a.getShape());
                assertArrayEquals(new float[(int) before.size()], a.toFloatArray(), 0f);
            }
        }
    }

    @Test
    void aParametersGradientIsZeroedThroughItsView() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NDArray w = m.create(new float[] {1f, 2f, 3f});
            w.setRequiresGradient(true);
            try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                gc.backward(w.mul(Float.POSITIVE_INFINITY).sum());
            }
            NDArray grad = w.getGradient();
            PpoTrainer.zeroInPlace(grad);
            assertArrayEquals(new float[3], w.getGradient().toFloatArray(), 0f);
        }
    }
}
