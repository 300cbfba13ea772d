package dev.flash.meta;

/**
 * One few-shot episode as the network sees it: {@code rows} query rows of {@code state}
 * ([rows, F] row-major), one shot context shared by every row ({@code context} [C, W],
 * {@code mask} [C], shots first, padding after) and the target of each row. With C = 0 (a
 * network without encoder) {@code context} and {@code mask} are empty.
 */
public record Episode(int rows, float[] state, float[] context, float[] mask, float[] target) {
    public Episode {
        if (state.length % Math.max(1, rows) != 0 || target.length != rows) {
            throw new IllegalArgumentException("episode of " + rows + " rows has " + state.length
                    + " state floats and " + target.length + " targets");
        }
    }
}
