package dev.flash.onnx.lite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The elementwise and ReduceSum kernels walk runs of elements instead of one multi-index step per
 * element: the results must be the same bits as the element-by-element definition (written out
 * here, as the kernels had it), on random shapes with every kind of broadcasting (missing leading
 * dimensions, size-1 dimensions on either side, scalars, empty tensors) and every set of axes.
 */
class KernelsFastPathTest {

    private static final Kernels.Binary[] OPS = Kernels.Binary.values();

    @Test
    void binaryKernelsGiveTheSameBitsAsTheElementByElementDefinition() {
        Random rnd = new Random(21);
        for (int trial = 0; trial < 4000; trial++) {
            int rank = rnd.nextInt(5);
            int[] out = new int[rank];
            for (int d = 0; d < rank; d++) {
                out[d] = rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(5);
            }
            Tensor a = random(rnd, operand(rnd, out));
            Tensor b = random(rnd, operand(rnd, out));
            Kernels.Binary op = OPS[rnd.nextInt(OPS.length)];
            Tensor fast = Kernels.binary(op, a, b);
            Tensor slow = referenceBinary(op, a, b);
            String what = op + " " + Arrays.toString(a.shape) + " " + Arrays.toString(b.shape);
            assertArrayEquals(slow.shape, fast.shape, what);
            assertEquals(slow.floats.length, fast.floats.length, what);
            for (int i = 0; i < slow.floats.length; i++) {
                assertEquals(Float.floatToIntBits(slow.floats[i]), Float.floatToIntBits(fast.floats[i]), what + " at " + i);
            }
        }
    }

    @Test
    void reduceSumGivesTheSameBitsAsTheElementByElementDefinition() {
        Random rnd = new Random(22);
        for (int trial = 0; trial < 3000; trial++) {
            int rank = rnd.nextInt(5);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(6);
            }
            Tensor a = random(rnd, shape);
            long[] axes = null;
            if (rank > 0 && rnd.nextInt(6) != 0) {
                axes = rnd.longs(1 + rnd.nextInt(rank), -rank, rank).distinct().toArray();
                long[] normal = Arrays.stream(axes).map(x -> x < 0 ? x + rank : x).distinct().toArray();
                if (normal.length != axes.length) {
                    axes = normal; // -1 and rank-1 together would name one axis twice
                }
            }
            boolean keepDims = rnd.nextBoolean();
            Tensor fast = Kernels.reduceSum(a, axes, keepDims);
            Tensor slow = referenceReduceSum(a, axes, keepDims);
            String what = Arrays.toString(shape) + " axes " + Arrays.toString(axes) + " keepdims " + keepDims;
            assertArrayEquals(slow.shape, fast.shape, what);
            for (int i = 0; i < slow.floats.length; i++) {
                assertEquals(Float.floatToIntBits(slow.floats[i]), Float.floatToIntBits(fast.floats[i]), what + " at " + i);
            }
        }
    }

    /** A shape that broadcasts to {@code out}: trailing dimensions kept, some set to 1, some leading ones dropped. */
    private static int[] operand(Random rnd, int[] out) {
        int drop = out.length == 0 ? 0 : rnd.nextInt(out.length + 1);
        int[] s = Arrays.copyOfRange(out, drop, out.length);
        for (int d = 0; d < s.length; d++) {
            if (rnd.nextInt(3) == 0) {
                s[d] = 1;
            }
        }
        return s;
    }

    private static Tensor random(Random rnd, int[] shape) {
        float[] v = new float[(int) Tensor.count(shape)];
        for (int i = 0; i < v.length; i++) {
            int kind = rnd.nextInt(40);
            v[i] = kind == 0 ? Float.NaN : kind == 1 ? 0f : (float) (rnd.nextGaussian() * 10);
        }
        return Tensor.of(v, shape);
    }

    // ---- the element-by-element definitions ---------------------------------------------------

    private static Tensor referenceBinary(Kernels.Binary op, Tensor a, Tensor b) {
        int[] out = Kernels.broadcast(op.name(), a.shape, b.shape);
        int n = (int) Tensor.count(out);
        float[] r = new float[n];
        int[] idx = new int[out.length];
        for (int i = 0; i < n; i++) {
            r[i] = apply(op, a.floats[offset(a.shape, idx)], b.floats[offset(b.shape, idx)]);
            for (int d = out.length - 1; d >= 0; d--) {
                if (++idx[d] < out[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return Tensor.of(r, out);
    }

    /** The flat offset in a tensor of {@code shape} of the broadcast multi-index {@code idx}. */
    private static int offset(int[] shape, int[] idx) {
        int shift = idx.length - shape.length;
        int[] strides = Tensor.strides(shape);
        int o = 0;
        for (int d = 0; d < shape.length; d++) {
            o += (shape[d] == 1 ? 0 : idx[d + shift]) * strides[d];
        }
        return o;
    }

    private static float apply(Kernels.Binary op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAX -> Float.isNaN(x) || Float.isNaN(y) ? Float.NaN : Math.max(x, y);
        };
    }

    private static Tensor referenceReduceSum(Tensor a, long[] axes, boolean keepDims) {
        int rank = a.rank();
        boolean[] reduce = new boolean[rank];
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduce, true);
        } else {
            for (long ax : axes) {
                reduce[(int) (ax < 0 ? ax + rank : ax)] = true;
            }
        }
        int[] kept = new int[rank];
        for (int d = 0; d < rank; d++) {
            kept[d] = reduce[d] ? 1 : a.shape[d];
        }
        int[] ks = Tensor.strides(kept);
        double[] sum = new double[(int) Tensor.count(kept)];
        int[] idx = new int[rank];
        for (int i = 0; i < a.size(); i++) {
            int o = 0;
            for (int d = 0; d < rank; d++) {
                o += reduce[d] ? 0 : idx[d] * ks[d];
            }
            sum[o] += a.floats[i];
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < a.shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        float[] r = new float[sum.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) sum[i];
        }
        int[] out = Arrays.stream(kept).toArray();
        if (!keepDims) {
            int[] o = new int[rank];
            int j = 0;
            for (int d = 0; d < rank; d++) {
                if (!reduce[d]) {
                    o[j++] = kept[d];
                }
            }
            out = Arrays.copyOf(o, j);
        }
        return Tensor.of(r, out);
    }
}
