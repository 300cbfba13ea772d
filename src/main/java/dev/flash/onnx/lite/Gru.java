package dev.flash.onnx.lite;

/**
 * ONNX GRU (opset 14, layout 0, default activations sigmoid and tanh, no clip, no sequence
 * lengths, zero initial state): X [S, B, I], W [D, 3H, I], R [D, 3H, H], B [D, 6H] with the gates
 * in ONNX's order (z, r, h); outputs Y [S, D, B, H] and Y_h [D, B, H]. The reverse direction reads
 * the sequence from its end and writes each step's state at that step's position, as ONNX does.
 */
final class Gru {
    private Gru() {
    }

    /** Returns {Y, Y_h}. */
    static Tensor[] run(Tensor x, Tensor w, Tensor r, Tensor b, int hidden, boolean bidirectional,
                        boolean linearBeforeReset) {
        int dirs = bidirectional ? 2 : 1;
        if (x.rank() != 3 || !x.isFloat()) {
            throw new IllegalArgumentException("GRU: X must be float32 [S, B, I], got " + x);
        }
        int seq = x.shape[0];
        int batch = x.shape[1];
        int in = x.shape[2];
        check("W", w, dirs, 3 * hidden, in);
        check("R", r, dirs, 3 * hidden, hidden);
        if (b != null && (b.rank() != 2 || !b.isFloat() || b.shape[0] != dirs || b.shape[1] != 6 * hidden)) {
            throw new IllegalArgumentException("GRU: B must be float32 [" + dirs + ", " + 6 * hidden + "], got " + b);
        }
        float[] y = new float[seq * dirs * batch * hidden];
        float[] yh = new float[dirs * batch * hidden];
        double[] gx = new double[3 * hidden];
        double[] gh = new double[3 * hidden];
        double[] next = new double[hidden];
        for (int dir = 0; dir < dirs; dir++) {
            int wOff = dir * 3 * hidden * in;
            int rOff = dir * 3 * hidden * hidden;
            int bOff = dir * 6 * hidden;
            for (int n = 0; n < batch; n++) {
                double[] h = new double[hidden];
                for (int s = 0; s < seq; s++) {
                    int t = dir == 0 ? s : seq - 1 - s;
                    int xOff = (t * batch + n) * in;
                    // gx = W x + Wb, gh = R h + Rb, each [z | r | h]
                    for (int g = 0; g < 3 * hidden; g++) {
                        double sx = b == null ? 0 : b.floats[bOff + g];
                        int row = wOff + g * in;
                        for (int i = 0; i < in; i++) {
                            sx += (double) w.floats[row + i] * x.floats[xOff + i];
                        }
                        gx[g] = sx;
                        double sh = b == null ? 0 : b.floats[bOff + 3 * hidden + g];
                        int rrow = rOff + g * hidden;
                        if (linearBeforeReset || g < 2 * hidden) {
                            for (int i = 0; i < hidden; i++) {
                                sh += (double) r.floats[rrow + i] * h[i];
                            }
                        }
                        gh[g] = sh;
                    }
                    for (int j = 0; j < hidden; j++) {
                        double z = sigmoid(gx[j] + gh[j]);
                        double rr = sigmoid(gx[hidden + j] + gh[hidden + j]);
                        double cand;
                        if (linearBeforeReset) {
                            cand = Math.tanh(gx[2 * hidden + j] + rr * gh[2 * hidden + j]);
                        } else {
                            // Rh (r . h) + Rbh: the reset gate applies before the recurrent weights
                            double sh = gh[2 * hidden + j];
                            int rrow = rOff + (2 * hidden + j) * hidden;
                            for (int i = 0; i < hidden; i++) {
                                double ri = sigmoid(gx[hidden + i] + gh[hidden + i]);
                                sh += (double) r.floats[rrow + i] * ri * h[i];
                            }
                            cand = Math.tanh(gx[2 * hidden + j] + sh);
                        }
                        next[j] = (1 - z) * cand + z * h[j];
                    }
                    for (int j = 0; j < hidden; j++) {
                        // ONNX Runtime keeps the state in float32 between steps: so do we.
                        h[j] = (float) next[j];
                        y[((t * dirs + dir) * batch + n) * hidden + j] = (float) next[j];
                    }
                }
                for (int j = 0; j < hidden; j++) {
                    yh[(dir * batch + n) * hidden + j] = (float) h[j];
                }
            }
        }
        return new Tensor[] {Tensor.of(y, seq, dirs, batch, hidden), Tensor.of(yh, dirs, batch, hidden)};
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private static void check(String role, Tensor t, int dirs, int rows, int cols) {
        if (t.rank() != 3 || !t.isFloat() || t.shape[0] != dirs || t.shape[1] != rows || t.shape[2] != cols) {
            throw new IllegalArgumentException("GRU: " + role + " must be float32 [" + dirs + ", " + rows + ", "
                    + cols + "], got " + t);
        }
    }
}
