package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.flash.dvfs.train.DvfsApplications;
import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.dvfs.train.DvfsTrainer;
import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same seed trains byte-identical weights when garbage collections run in the middle of
 * every update, between building the loss and its backward pass. That is where the rare
 * divergence of training under load came from (docs/log/2026-12-07-dvfs-repeatability.md): a
 * constant of the loss lived in a Java direct buffer that a collection could free before the
 * backward pass read it. Here every update collects, gives the Cleaner time to free what is
 * unreachable, then fills fresh small native buffers with another number (7) so that freed
 * memory, if any tensor still used it, would read differently. Without the fix this trained
 * other weights from the first update on.
 */
class TrainingBesideGarbageCollectionTest {

    static final List<AppSpec> POPULATION = AppPopulation.sample(12, 5, 0.25);

    static byte[] train(long seed, Runnable beforeBackward) throws Exception {
        Djl.init();
        DvfsTrainer.Settings s = DvfsTrainer.Settings.quick(seed).withIterations(2).withContextLength(4);
        DvfsApplications apps = new DvfsApplications(POPULATION, DvfsEnvironment.defaultNode(), s.env());
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = FlashAgentNetwork.create(s.network(), m, s.seed());
            new PpoTrainer(net, s.ppo()).beforeBackward(beforeBackward).train(apps, null);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                net.writeWeights(out);
            }
            return bytes.toByteArray();
        }
    }

    /** A collection, time for the Cleaner to free what it found, then native traffic that reuses freed memory. */
    static int collectAndScribble() {
        System.gc();
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            held.add(ByteBuffer.allocateDirect(4).putFloat(0, 7f));
        }
        return held.size();
    }

    @Test
    void collectionsBetweenTheLossAndItsBackwardPassChangeNoWeight() throws Exception {
        int[] collections = {0};
        byte[] plain = train(7, null);
        byte[] collected = train(7, () -> collections[0] += collectAndScribble() > 0 ? 1 : 0);
        assertTrue(collections[0] > 0, "the hook ran");
        assertArrayEquals(plain, collected, "weights after " + collections[0] + " updates with a collection inside");
        assertFalse(Arrays.equals(plain, train(8, null)), "the seed matters");
    }
}
