package dev.flash.meta;

import java.util.Arrays;
import java.util.Random;

/**
 * Draws k shots and up to {@code maxQueries} queries per task, uniformly without replacement:
 * the few-shot protocol's "measure k configurations at random, predict the rest".
 */
public final class ShotSampler {
    private ShotSampler() {
    }

    /**
     * k distinct shots and, among the remaining examples, {@code min(maxQueries, size - k)}
     * distinct queries (all of them when {@code maxQueries <= 0}).
     *
     * @throws IllegalArgumentException when the task has fewer than {@code k + 1} examples
     */
    public static ShotDraw draw(int size, int k, int maxQueries, Random random) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (size < k + 1) {
            throw new IllegalArgumentException("a task needs at least " + (k + 1) + " examples for " + k
                    + " shots and one query, got " + size);
        }
        int[] order = permutation(size, random);
        int rest = size - k;
        int q = maxQueries <= 0 ? rest : Math.min(maxQueries, rest);
        return new ShotDraw(Arrays.copyOfRange(order, 0, k), Arrays.copyOfRange(order, k, k + q));
    }

    /** A uniformly random permutation of {@code 0 .. n-1} (Fisher-Yates). */
    public static int[] permutation(int n, Random random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
