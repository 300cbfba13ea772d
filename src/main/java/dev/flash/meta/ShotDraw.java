package dev.flash.meta;

/**
 * The examples of one task a few-shot episode uses: {@code shots} are measured and given as the
 * context; {@code queries} are the ones to predict (never a shot).
 */
public record ShotDraw(int[] shots, int[] queries) {
    public ShotDraw {
        shots = shots.clone();
        queries = queries.clone();
    }

    public int k() {
        return shots.length;
    }
}
