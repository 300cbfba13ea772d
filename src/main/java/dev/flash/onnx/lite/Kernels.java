package dev.flash.onnx.lite;

import java.util.Arrays;

/**
 * The operators of flash's exports with ONNX semantics (opset 13-17): float32 arithmetic with
 * numpy-style (multidirectional) broadcasting, MatMul with broadcast batch dimensions, and the
 * shape operators on float32 or int64 tensors. Dot products and reductions add in double, so the
 * result is at least as close to the exact value as ONNX Runtime's float sums. A shape or type a
 * node cannot take is an IllegalArgumentException naming the operator and the shapes.
 */
final class Kernels {
    private Kernels() {
    }

    // ---- elementwise ------------------------------------------------------------------------

    enum Binary { ADD, SUB, MUL, DIV, MAX }

    static Tensor binary(Binary op, Tensor a, Tensor b) {
        floats(op.name(), a, b);
        int[] out = broadcast(op.name(), a.shape, b.shape);
        int n = (int) Tensor.count(out);
        float[] r = new float[n];
        if (n == 0) {
            return Tensor.of(r, out);
        }
        int rank = out.length;
        int[] sa = broadcastStrides(a.shape, out);
        int[] sb = broadcastStrides(b.shape, out);
        int[] so = Tensor.strides(out);
        // The trailing dimensions [split, rank) form runs of `inner` elements along which each
        // operand either moves with the output (step 1) or stays put (step 0, broadcast): a bias
        // [N, K] + [K] is N runs of K, equal shapes one run. One tight loop per run and operator
        // instead of a multi-index step per element: a one-shot answer runs these kernels
        // interpreted, where the per-element bookkeeping cost more than the arithmetic.
        int stepA = -1;
        int stepB = -1;
        int split = rank;
        int inner = 1;
        for (int d = rank - 1; d >= 0; d--) {
            if (out[d] != 1) {
                int da = sa[d] == 0 ? 0 : sa[d] == so[d] ? 1 : -1;
                int db = sb[d] == 0 ? 0 : sb[d] == so[d] ? 1 : -1;
                if (da < 0 || db < 0 || (stepA >= 0 && (da != stepA || db != stepB))) {
                    break;
                }
                stepA = da;
                stepB = db;
            }
            split = d;
            inner *= out[d];
        }
        if (stepA < 0) { // every trailing dimension has size 1
            stepA = 1;
            stepB = 1;
        }
        int[] idx = new int[split];
        int ia = 0;
        int ib = 0;
        for (int ro = 0; ro < n; ro += inner) {
            run(op, a.floats, ia, stepA, b.floats, ib, stepB, r, ro, inner);
            // advance the multi-index of the outer dimensions (last fastest) and both offsets
            for (int d = split - 1; d >= 0; d--) {
                idx[d]++;
                ia += sa[d];
                ib += sb[d];
                if (idx[d] < out[d]) {
                    break;
                }
                ia -= sa[d] * out[d];
                ib -= sb[d] * out[d];
                idx[d] = 0;
            }
        }
        return Tensor.of(r, out);
    }

    /** r[ro + i] = x[ia + i * sx] op y[ib + i * sy] for i < len (steps 0 or 1). */
    private static void run(Binary op, float[] x, int ia, int sx, float[] y, int ib, int sy, float[] r, int ro, int len) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < len; i++) {
                    r[ro + i] = x[ia + i * sx] + y[ib + i * sy];
                }
            }
            case SUB -> {
                for (int i = 0; i < len; i++) {
                    r[ro + i] = x[ia + i * sx] - y[ib + i * sy];
                }
            }
            case MUL -> {
                for (int i = 0; i < len; i++) {
                    r[ro + i] = x[ia + i * sx] * y[ib + i * sy];
                }
            }
            case DIV -> {
                for (int i = 0; i < len; i++) {
                    r[ro + i] = x[ia + i * sx] / y[ib + i * sy];
                }
            }
            case MAX -> {
                for (int i = 0; i < len; i++) {
                    float u = x[ia + i * sx];
                    float v = y[ib + i * sy];
                    r[ro + i] = Float.isNaN(u) || Float.isNaN(v) ? Float.NaN : Math.max(u, v);
                }
            }
            default -> throw new IllegalStateException(op.name());
        }
    }

    static Tensor relu(Tensor a) {
        floats("Relu", a);
        float[] r = new float[a.size()];
        for (int i = 0; i < r.length; i++) {
            float v = a.floats[i];
            r[i] = v > 0 ? v : (Float.isNaN(v) ? v : 0f);
        }
        return Tensor.of(r, a.shape);
    }

    static Tensor tanh(Tensor a) {
        floats("Tanh", a);
        float[] r = new float[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) Math.tanh(a.floats[i]);
        }
        return Tensor.of(r, a.shape);
    }

    /** Softmax along {@code axis} (opset 13: one axis, not the flattened 2-D of earlier sets). */
    static Tensor softmax(Tensor a, long axis) {
        floats("Softmax", a);
        int ax = axis("Softmax", axis, a.rank());
        int len = a.shape[ax];
        int inner = Tensor.strides(a.shape)[ax];
        int outer = a.size() / Math.max(1, len * inner);
        float[] r = new float[a.size()];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * len * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < len; k++) {
                    max = Math.max(max, a.floats[base + k * inner]);
                }
                double sum = 0;
                for (int k = 0; k < len; k++) {
                    sum += Math.exp(a.floats[base + k * inner] - max);
                }
                for (int k = 0; k < len; k++) {
                    r[base + k * inner] = (float) (Math.exp(a.floats[base + k * inner] - max) / sum);
                }
            }
        }
        return Tensor.of(r, a.shape);
    }

    // ---- MatMul -----------------------------------------------------------------------------

    /** numpy matmul for operands of rank >= 2: [..., M, K] x [..., K, N], batch dimensions broadcast. */
    static Tensor matMul(Tensor a, Tensor b) {
        floats("MatMul", a, b);
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("MatMul of " + a + " and " + b + ": operands of rank 1 are not"
                    + " supported by the built-in evaluator");
        }
        int m = a.shape[a.rank() - 2];
        int k = a.shape[a.rank() - 1];
        int n = b.shape[b.rank() - 1];
        if (b.shape[b.rank() - 2] != k) {
            throw new IllegalArgumentException("MatMul of " + a + " and " + b + ": inner dimensions differ");
        }
        int[] batchA = Arrays.copyOf(a.shape, a.rank() - 2);
        int[] batchB = Arrays.copyOf(b.shape, b.rank() - 2);
        int[] batch = broadcast("MatMul", batchA, batchB);
        int[] sa = broadcastStrides(batchA, batch);
        int[] sb = broadcastStrides(batchB, batch);
        int batches = (int) Tensor.count(batch);
        int[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = m;
        out[batch.length + 1] = n;
        float[] r = new float[batches * m * n];
        double[] acc = new double[n];
        int[] idx = new int[batch.length];
        for (int t = 0; t < batches; t++) {
            int offA = 0;
            int offB = 0;
            for (int d = 0; d < batch.length; d++) {
                offA += idx[d] * sa[d];
                offB += idx[d] * sb[d];
            }
            offA *= m * k;
            offB *= k * n;
            for (int i = 0; i < m; i++) {
                Arrays.fill(acc, 0);
                int rowA = offA + i * k;
                for (int p = 0; p < k; p++) {
                    double x = a.floats[rowA + p];
                    if (x == 0) {
                        continue;
                    }
                    int rowB = offB + p * n;
                    for (int j = 0; j < n; j++) {
                        acc[j] += x * b.floats[rowB + j];
                    }
                }
                int rowR = (t * m + i) * n;
                for (int j = 0; j < n; j++) {
                    r[rowR + j] = (float) acc[j];
                }
            }
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++idx[d] < batch[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return Tensor.of(r, out);
    }

    // ---- reductions -------------------------------------------------------------------------

    /** ReduceSum over {@code axes} (all of them when null: noop_with_empty_axes is 0). */
    static Tensor reduceSum(Tensor a, long[] axes, boolean keepDims) {
        floats("ReduceSum", a);
        boolean[] reduce = new boolean[a.rank()];
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduce, true);
        } else {
            for (long ax : axes) {
                reduce[axis("ReduceSum", ax, a.rank())] = true;
            }
        }
        int[] kept = new int[a.rank()];
        int outRank = 0;
        for (int d = 0; d < a.rank(); d++) {
            kept[d] = reduce[d] ? 1 : a.shape[d];
            outRank += reduce[d] && !keepDims ? 0 : 1;
        }
        double[] sum = new double[(int) Tensor.count(kept)];
        int lo = 0;
        while (lo < a.rank() && !reduce[lo]) {
            lo++;
        }
        int hi = lo;
        while (hi < a.rank() && reduce[hi]) {
            hi++;
        }
        int after = hi;
        while (after < a.rank() && !reduce[after]) {
            after++;
        }
        if (after == a.rank()) {
            // the reduced axes are one block [lo, hi): outer x len x inner, each output summed in
            // the same order as below (k increasing), without a multi-index per element
            int outer = (int) Tensor.count(Arrays.copyOfRange(a.shape, 0, lo));
            int len = (int) Tensor.count(Arrays.copyOfRange(a.shape, lo, hi));
            int inner = (int) Tensor.count(Arrays.copyOfRange(a.shape, hi, a.rank()));
            float[] x = a.floats;
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < len; k++) {
                    int from = (o * len + k) * inner;
                    int to = o * inner;
                    for (int in = 0; in < inner; in++) {
                        sum[to + in] += x[from + in];
                    }
                }
            }
        } else {
            reduceSumAnyAxes(a, reduce, kept, sum);
        }
        float[] r = new float[sum.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) sum[i];
        }
        int[] out = new int[outRank];
        for (int d = 0, j = 0; d < a.rank(); d++) {
            if (!(reduce[d] && !keepDims)) {
                out[j++] = kept[d];
            }
        }
        return Tensor.of(r, out);
    }

    /** ReduceSum's general case: axes that are not one block, one multi-index step per element. */
    private static void reduceSumAnyAxes(Tensor a, boolean[] reduce, int[] kept, double[] sum) {
        int[] outStrides = Tensor.strides(kept);
        int[] idx = new int[a.rank()];
        for (int i = 0; i < a.size(); i++) {
            int o = 0;
            for (int d = 0; d < a.rank(); d++) {
                o += reduce[d] ? 0 : idx[d] * outStrides[d];
            }
            sum[o] += a.floats[i];
            for (int d = a.rank() - 1; d >= 0; d--) {
                if (++idx[d] < a.shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }

    // ---- shapes -----------------------------------------------------------------------------

    static Tensor shape(Tensor a) {
        long[] s = new long[a.rank()];
        for (int d = 0; d < s.length; d++) {
            s[d] = a.shape[d];
        }
        return Tensor.ofLongs(s, s.length);
    }

    /** Reshape with allowzero = 0: a 0 copies the input's dimension, one -1 is inferred. */
    static Tensor reshape(Tensor a, Tensor shape) {
        long[] want = longs("Reshape", shape, "shape");
        int[] out = new int[want.length];
        int infer = -1;
        long known = 1;
        for (int d = 0; d < want.length; d++) {
            long w = want[d];
            if (w == 0) {
                if (d >= a.rank()) {
                    throw new IllegalArgumentException("Reshape of " + a + " to " + Arrays.toString(want)
                            + ": a 0 past the input's rank");
                }
                out[d] = a.shape[d];
            } else if (w == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape to " + Arrays.toString(want) + ": two -1");
                }
                infer = d;
                continue;
            } else if (w < 0) {
                throw new IllegalArgumentException("Reshape to " + Arrays.toString(want) + ": negative dimension");
            } else {
                out[d] = (int) w;
            }
            known *= out[d];
        }
        if (infer >= 0) {
            if (known == 0 || a.size() % known != 0) {
                throw new IllegalArgumentException("Reshape of " + a + " to " + Arrays.toString(want)
                        + ": the -1 cannot be inferred");
            }
            out[infer] = (int) (a.size() / known);
        }
        if (Tensor.count(out) != a.size()) {
            throw new IllegalArgumentException("Reshape of " + a + " to " + Arrays.toString(want)
                    + ": " + Tensor.count(out) + " values, not " + a.size());
        }
        return a.isFloat() ? Tensor.of(a.floats, out) : Tensor.ofLongs(a.longs, out);
    }

    static Tensor unsqueeze(Tensor a, Tensor axesTensor) {
        long[] axes = longs("Unsqueeze", axesTensor, "axes");
        int rank = a.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long ax : axes) {
            int d = axis("Unsqueeze", ax, rank);
            if (inserted[d]) {
                throw new IllegalArgumentException("Unsqueeze: axis " + ax + " given twice");
            }
            inserted[d] = true;
        }
        int[] out = new int[rank];
        for (int d = 0, j = 0; d < rank; d++) {
            out[d] = inserted[d] ? 1 : a.shape[j++];
        }
        return a.isFloat() ? Tensor.of(a.floats, out) : Tensor.ofLongs(a.longs, out);
    }

    static Tensor transpose(Tensor a, long[] perm) {
        int rank = a.rank();
        int[] p = new int[rank];
        if (perm == null) {
            for (int d = 0; d < rank; d++) {
                p[d] = rank - 1 - d;
            }
        } else {
            if (perm.length != rank) {
                throw new IllegalArgumentException("Transpose of " + a + " with perm " + Arrays.toString(perm));
            }
            boolean[] seen = new boolean[rank];
            for (int d = 0; d < rank; d++) {
                if (perm[d] < 0 || perm[d] >= rank || seen[(int) perm[d]]) {
                    throw new IllegalArgumentException("Transpose: perm " + Arrays.toString(perm) + " is not a permutation");
                }
                seen[(int) perm[d]] = true;
                p[d] = (int) perm[d];
            }
        }
        int[] out = new int[rank];
        int[] inStrides = Tensor.strides(a.shape);
        int[] st = new int[rank];
        for (int d = 0; d < rank; d++) {
            out[d] = a.shape[p[d]];
            st[d] = inStrides[p[d]];
        }
        int n = a.size();
        int[] src = new int[n];
        int[] idx = new int[rank];
        int off = 0;
        for (int i = 0; i < n; i++) {
            src[i] = off;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += st[d];
                if (idx[d] < out[d]) {
                    break;
                }
                off -= st[d] * out[d];
                idx[d] = 0;
            }
        }
        return gather(a, src, out);
    }

    static Tensor concat(Tensor[] parts, long axis) {
        Tensor first = parts[0];
        int rank = first.rank();
        int ax = axis("Concat", axis, rank);
        int[] out = first.shape.clone();
        out[ax] = 0;
        for (Tensor t : parts) {
            if (t.rank() != rank || t.isFloat() != first.isFloat()) {
                throw new IllegalArgumentException("Concat of " + first + " and " + t);
            }
            for (int d = 0; d < rank; d++) {
                if (d != ax && t.shape[d] != first.shape[d]) {
                    throw new IllegalArgumentException("Concat on axis " + ax + " of " + first + " and " + t);
                }
            }
            out[ax] += t.shape[ax];
        }
        int outer = 1;
        for (int d = 0; d < ax; d++) {
            outer *= out[d];
        }
        int inner = Tensor.strides(out)[ax];
        int n = (int) Tensor.count(out);
        float[] f = first.isFloat() ? new float[n] : null;
        long[] l = first.isFloat() ? null : new long[n];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : parts) {
                int block = t.shape[ax] * inner;
                if (f != null) {
                    System.arraycopy(t.floats, o * block, f, pos, block);
                } else {
                    System.arraycopy(t.longs, o * block, l, pos, block);
                }
                pos += block;
            }
        }
        return f != null ? Tensor.of(f, out) : Tensor.ofLongs(l, out);
    }

    /** Slice (opset 13): starts, ends, optional axes and steps; bounds clamped as ONNX says. */
    static Tensor slice(Tensor a, Tensor startsT, Tensor endsT, Tensor axesT, Tensor stepsT) {
        long[] starts = longs("Slice", startsT, "starts");
        long[] ends = longs("Slice", endsT, "ends");
        long[] axes = axesT == null ? null : longs("Slice", axesT, "axes");
        long[] steps = stepsT == null ? null : longs("Slice", stepsT, "steps");
        int rank = a.rank();
        if (ends.length != starts.length || (axes != null && axes.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw new IllegalArgumentException("Slice: starts, ends, axes and steps differ in length");
        }
        int[] begin = new int[rank];
        int[] step = new int[rank];
        int[] out = a.shape.clone();
        Arrays.fill(step, 1);
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < starts.length; i++) {
            int d = axes == null ? i : axis("Slice", axes[i], rank);
            if (seen[d]) {
                throw new IllegalArgumentException("Slice: axis " + d + " given twice");
            }
            seen[d] = true;
            long s = steps == null ? 1 : steps[i];
            if (s == 0) {
                throw new IllegalArgumentException("Slice: step 0");
            }
            long dim = a.shape[d];
            long st = starts[i] < 0 ? starts[i] + dim : starts[i];
            long en = ends[i] < 0 ? ends[i] + dim : ends[i];
            long count;
            if (s > 0) {
                st = clamp(st, 0, dim);
                en = clamp(en, 0, dim);
                count = en > st ? (en - st + s - 1) / s : 0;
            } else {
                st = clamp(st, 0, dim - 1);
                en = clamp(en, -1, dim - 1);
                count = st > en ? (st - en - s - 1) / -s : 0;
            }
            begin[d] = (int) st;
            step[d] = (int) s;
            out[d] = (int) count;
        }
        int[] inStrides = Tensor.strides(a.shape);
        int n = (int) Tensor.count(out);
        int[] src = new int[n];
        int[] idx = new int[rank];
        for (int i = 0; i < n; i++) {
            int off = 0;
            for (int d = 0; d < rank; d++) {
                off += (begin[d] + idx[d] * step[d]) * inStrides[d];
            }
            src[i] = off;
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < out[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return gather(a, src, out);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Tensor gather(Tensor a, int[] src, int[] out) {
        if (a.isFloat()) {
            float[] r = new float[src.length];
            for (int i = 0; i < src.length; i++) {
                r[i] = a.floats[src[i]];
            }
            return Tensor.of(r, out);
        }
        long[] r = new long[src.length];
        for (int i = 0; i < src.length; i++) {
            r[i] = a.longs[src[i]];
        }
        return Tensor.ofLongs(r, out);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** A (possibly negative) axis of a rank-{@code rank} tensor. */
    static int axis(String op, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for rank " + rank);
        }
        return (int) a;
    }

    static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int x = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int y = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    /** Strides of {@code in} over the broadcast shape {@code out}: 0 along broadcast dimensions. */
    private static int[] broadcastStrides(int[] in, int[] out) {
        int[] s = new int[out.length];
        int[] own = Tensor.strides(in);
        int shift = out.length - in.length;
        for (int d = 0; d < in.length; d++) {
            s[d + shift] = in[d] == 1 && out[d + shift] != 1 ? 0 : own[d];
        }
        return s;
    }

    private static void floats(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (!t.isFloat()) {
                throw new IllegalArgumentException(op + " of an int64 tensor " + t
                        + ": not supported by the built-in evaluator");
            }
        }
    }

    private static long[] longs(String op, Tensor t, String role) {
        if (t.isFloat() || t.rank() != 1) {
            throw new IllegalArgumentException(op + ": " + role + " must be a 1-D int64 tensor, got " + t);
        }
        return t.longs;
    }
}
