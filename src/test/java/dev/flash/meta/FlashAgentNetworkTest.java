package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FlashAgentNetworkTest {

    static final int F = 3;
    static final int A = 4;
    static final int C = 5;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void outputsFollowTheModelContractShapes() {
        for (NetworkConfig.EncoderType type : NetworkConfig.EncoderType.values()) {
            try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
                NetworkConfig c = NetworkConfig.rl(F, A, C, type, 16);
                FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 1);
                int w = c.contextWidth();
                NDList out = net.forward(new ParameterStore(m, false), new NDList(
                        m.create(random(2 * F, 1), new Shape(2, F)),
                        m.create(random(2 * C * w, 2), new Shape(2, C, w)),
                        m.ones(new Shape(2, C))), false);
                assertEquals(3, out.size());
                assertEquals(new Shape(2, A), out.get(0).getShape());
                assertEquals(new Shape(2, 1), out.get(1).getShape());
                assertEquals(new Shape(2, 16), out.get(2).getShape());
                float[] probs = out.get(0).toFloatArray();
                assertEquals(1.0, probs[0] + probs[1] + probs[2] + probs[3], 1e-5, type + " probs sum to 1");
            }
        }
    }

    @Test
    void plainBaseAgentHasNoEncoderAndTakesStateOnly() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = NetworkConfig.rl(F, A, 0, NetworkConfig.EncoderType.SET, 16);
            FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 1);
            assertFalse(net.encoder().isPresent());
            NDList out = net.forward(new ParameterStore(m, false),
                    new NDList(m.create(random(F, 3), new Shape(1, F))), false);
            assertEquals(2, out.size());
            assertEquals(new Shape(1, A), out.get(0).getShape());
        }
    }

    /**
     * Embeddings of one context three ways: as drawn (rows 0-1 padding, 2-4 filled), with
     * garbage in the padding rows, and that with filled rows 2 and 4 swapped.
     */
    private static float[][] paddingAndOrderProbe(NDManager m, NetworkConfig.EncoderType type) {
        NetworkConfig c = NetworkConfig.rl(F, A, C, type, 8);
        FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 2);
        ContextEncoder enc = net.encoder().orElseThrow();
        int w = c.contextWidth();
        float[] rows = random(C * w, 4);
        float[] mask = {0, 0, 1, 1, 1};
        float[] other = rows.clone();
        for (int i = 0; i < 2 * w; i++) {
            other[i] = 42f; // garbage in the padding rows: nothing may reach back into them
        }
        float[] swapped = other.clone();
        System.arraycopy(other, 4 * w, swapped, 2 * w, w);
        System.arraycopy(other, 2 * w, swapped, 4 * w, w);
        ParameterStore ps = new ParameterStore(m, false);
        float[][] out = new float[3][];
        float[][] inputs = {rows, other, swapped};
        for (int k = 0; k < 3; k++) {
            out[k] = enc.encode(ps, m.create(inputs[k], new Shape(1, C, w)), m.create(mask, new Shape(1, C)), false)
                    .toFloatArray();
        }
        return out;
    }

    @Test
    void setEncoderIgnoresPaddingRowsAndRowOrder() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            float[][] e = paddingAndOrderProbe(m, NetworkConfig.EncoderType.SET);
            assertArrayEquals(e[0], e[1], 1e-6f);
            assertArrayEquals(e[0], e[2], 1e-5f);
        }
    }

    @Test
    void setDeltaEncoderIgnoresPaddingButSeesHowConsecutiveRowsDiffer() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            float[][] e = paddingAndOrderProbe(m, NetworkConfig.EncoderType.SET_DELTA);
            float[] e1 = e[0];
            float[] e3 = e[2]; // swapping rows changes the differences between them
            assertArrayEquals(e1, e[1], 1e-6f);
            int w = NetworkConfig.rl(F, A, C, NetworkConfig.EncoderType.SET_DELTA, 8).contextWidth();
            double diff = 0;
            for (int i = 0; i < e1.length; i++) {
                diff += Math.abs(e1[i] - e3[i]);
            }
            assertTrue(diff > 1e-4, "row order must matter to SET_DELTA, embedding changed by " + diff);

            // The row input: (row * mask, (row - previous) * mask * previous mask), width 2W.
            float[] two = new float[2 * w];
            two[0] = 1f;      // row 0: (1, 0, ...)
            two[w] = 1f;      // row 1: (1, 2, ...)
            two[w + 1] = 2f;
            float[] in = SetContextEncoder.withDeltas(m.create(two, new Shape(1, 2, w)),
                    m.create(new float[] {1, 1}, new Shape(1, 2))).toFloatArray();
            assertEquals(4 * w, in.length);
            assertEquals(1f, in[0], 1e-6f);
            assertEquals(0f, in[w], 1e-6f, "the first row has no previous row: zero delta");
            assertEquals(2f, in[2 * w + 1], 1e-6f);
            assertEquals(0f, in[3 * w], 1e-6f, "unchanged column: zero delta");
            assertEquals(2f, in[3 * w + 1], 1e-6f, "changed column: its difference");
        }
    }

    @Test
    void copyHasEqualWeightsButIndependentStorage() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = NetworkConfig.rl(F, A, C, NetworkConfig.EncoderType.GRU, 8);
            FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 5);
            FlashAgentNetwork twin = net.copy(m);
            var mine = net.getParameters();
            var theirs = twin.getParameters();
            assertEquals(mine.size(), theirs.size());
            for (int i = 0; i < mine.size(); i++) {
                assertArrayEquals(mine.get(i).getValue().getArray().toFloatArray(),
                        theirs.get(i).getValue().getArray().toFloatArray(), 0f, mine.get(i).getKey());
            }
            theirs.get(0).getValue().getArray().addi(1f);
            assertTrue(mine.get(0).getValue().getArray().toFloatArray()[0]
                    != theirs.get(0).getValue().getArray().toFloatArray()[0]);
            mine.forEach(p -> System.out.println(p.getKey() + " " + p.getValue().getArray().getShape()));
        }
    }

    @Test
    void contextBufferIsRightAlignedNewestLast() {
        ContextBuffer b = new ContextBuffer(3, 1, 2, ContextBuffer.Mode.LATEST, 1);
        float[] rows = new float[3 * 4];
        float[] mask = new float[3];
        b.add(new float[] {0.5f}, 1, 7f);
        b.copyInto(rows, mask, 0);
        assertArrayEquals(new float[] {0, 0, 1}, mask);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 0.5f, 0, 1, 7f}, rows);
        for (int i = 0; i < 4; i++) {
            b.add(new float[] {i}, 0, i);
        }
        b.copyInto(rows, mask, 0);
        assertArrayEquals(new float[] {1, 1, 1}, mask);
        assertEquals(3f, rows[8], "newest row last");
        assertEquals(1f, rows[0], "oldest kept row first");
    }

    @Test
    void topEpisodesModeKeepsTheBestEpisodes() {
        ContextBuffer b = new ContextBuffer(4, 1, 2, ContextBuffer.Mode.TOP_EPISODES, 2);
        for (int ep = 0; ep < 3; ep++) {
            float reward = ep == 1 ? -5f : ep; // episode 1 is the worst
            b.add(new float[] {ep}, 0, reward);
            b.add(new float[] {ep}, 1, reward);
            b.endEpisode(2 * reward);
        }
        float[] rows = new float[4 * 4];
        float[] mask = new float[4];
        b.copyInto(rows, mask, 0);
        assertArrayEquals(new float[] {1, 1, 1, 1}, mask);
        assertEquals(0f, rows[0]);
        assertEquals(0f, rows[4]);
        assertEquals(2f, rows[8], "episode 1 dropped, episode 2 follows episode 0");
        assertEquals(2f, rows[12]);
    }
    @Test
    void weightsTravelBitForBitAndAMismatchNamesTheParameter() throws Exception {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = NetworkConfig.rl(F, A, C, NetworkConfig.EncoderType.SET_DELTA, 16);
            FlashAgentNetwork trained = FlashAgentNetwork.create(c, m, 1);
            FlashAgentNetwork other = FlashAgentNetwork.create(c, m, 2);
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            trained.writeWeights(new java.io.DataOutputStream(bytes));
            other.readWeights(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            var mine = trained.getParameters();
            var theirs = other.getParameters();
            for (int i = 0; i < mine.size(); i++) {
                assertArrayEquals(mine.get(i).getValue().getArray().toFloatArray(),
                        theirs.get(i).getValue().getArray().toFloatArray(), mine.get(i).getKey());
            }

            FlashAgentNetwork wider = FlashAgentNetwork.create(c.withHidden(java.util.List.of(32, 32)), m, 1);
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> wider.readWeights(new java.io.DataInputStream(
                            new java.io.ByteArrayInputStream(bytes.toByteArray()))));
            assertTrue(e.getMessage().contains("where the network has"), e.getMessage());
        }
    }
}
