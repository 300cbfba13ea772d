package dev.flash.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Not a test: is a one-thread PyTorch matmul sensitive to where its input sits in memory? Creates
 * the same input at 16 byte offsets of a direct buffer and counts distinct results per shape
 * (one for the product, one for a backward-like product: 2 means insensitive). Written while
 * chasing the rare divergence of FLASH training (docs/log/2026-11-dvfs-experiments-log.md); on this VM every shape
 * gave 2.
 *
 * <pre>
 *   java -Dai.djl.offline=true -cp target/classes:target/test-classes:$(cat target/bench-cp.txt) dev.flash.meta.AlignmentProbe
 * </pre>
 */
public final class AlignmentProbe {
    public static void main(String[] args) {
        Djl.init();
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            Random r = new Random(1);
            int[][] shapes = {{128, 69, 64}, {1024, 64, 64}, {512, 10, 32}, {256, 32, 16}, {1024, 21, 64}, {64, 64, 7}};
            for (int[] s : shapes) {
                float[] x = new float[s[0] * s[1]];
                float[] w = new float[s[1] * s[2]];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) r.nextGaussian() * 0.1f;
                }
                Set<Integer> hashes = new TreeSet<>();
                for (int off = 0; off < 16; off++) {
                    ByteBuffer bb = ByteBuffer.allocateDirect(x.length * 4 + 64 + off * 4).order(ByteOrder.nativeOrder());
                    bb.position(off * 4);
                    ByteBuffer sl = bb.slice().order(ByteOrder.nativeOrder());
                    sl.asFloatBuffer().put(x);
                    NDArray xa = m.create(sl, new Shape(s[0], s[1]), DataType.FLOAT32);
                    NDArray wa = m.create(w, new Shape(s[1], s[2]));
                    float[] y = xa.matMul(wa).toFloatArray();
                    hashes.add(Arrays.hashCode(y));
                    NDArray g = xa.transpose().matMul(xa.matMul(wa));
                    hashes.add(31 * Arrays.hashCode(g.toFloatArray()));
                }
                System.out.println(Arrays.toString(s) + " distinct results over 16 offsets: " + hashes.size() + " (2 expected)");
            }
        }
    }
}
