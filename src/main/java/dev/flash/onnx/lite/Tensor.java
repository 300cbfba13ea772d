package dev.flash.onnx.lite;

import java.util.Arrays;

/**
 * A dense row-major tensor of float32 (every graph input, output and weight) or int64 (shapes,
 * axes and slice bounds) values; exactly one of {@link #floats} and {@link #longs} is non-null.
 */
public final class Tensor {
    final int[] shape;
    final float[] floats;
    final long[] longs;

    private Tensor(int[] shape, float[] floats, long[] longs) {
        this.shape = shape;
        this.floats = floats;
        this.longs = longs;
        long count = count(shape);
        int have = floats != null ? floats.length : longs.length;
        if (count != have) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                    + " values, given " + have);
        }
    }

    /** A float32 tensor over {@code data} (not copied). */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(shape.clone(), data, null);
    }

    static Tensor ofLongs(long[] data, int... shape) {
        return new Tensor(shape.clone(), null, data);
    }

    public int[] shape() {
        return shape.clone();
    }

    /** The float32 values (not a copy); fails for an int64 tensor. */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("an int64 tensor, not float32");
        }
        return floats;
    }

    boolean isFloat() {
        return floats != null;
    }

    int rank() {
        return shape.length;
    }

    int size() {
        return floats != null ? floats.length : longs.length;
    }

    String type() {
        return floats != null ? "float32" : "int64";
    }

    static long count(int[] shape) {
        long c = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            c *= d;
        }
        return c;
    }

    /** Row-major strides of {@code shape}. */
    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    @Override
    public String toString() {
        return type() + Arrays.toString(shape);
    }
}
