package dev.flash.policy;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Which rows a FLASH context of C rows holds: C windows of recent transitions, listed newest
 * first, each given to the encoder as one row, the mean of the transitions in its window (state
 * features, one-hot action, context reward, so a window's action columns are its action
 * distribution). Windows lie back to back: with {@code 1,1,2,4} the newest row is the last
 * transition, the next the one before, then the mean of the 2 before those, then of the 4 before
 * those, a horizon of 8 transitions in 4 rows.
 *
 * <p>The flat layout ({@link #flat}, every window 1) is the context every model had before
 * {@link ModelContract#META_CONTEXT_WINDOWS} existed: the last C transitions as they were. A
 * layout with longer windows describes the application over a longer horizon (the old rows)
 * while the newest rows still describe the current phase.
 *
 * <p>Rows are handed right-aligned, oldest window first and the newest last, like the flat
 * context. A window is filled once it holds at least one transition (its row is the mean of
 * those it holds); windows older than every transition held are padding (zero row, mask 0).
 * {@link ContextRing} builds the rows; the trainer's {@code dev.flash.meta.ContextBuffer} and
 * the daemon's {@link TrajectoryBuffer} both use it, so a model sees the same rows in both.
 */
public final class ContextLayout implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Longest window accepted: beyond it a row would average minutes of history on a 1 s tick. */
    public static final int MAX_WINDOW = 4096;
    /** Most rows accepted (the encoder's input is C rows). */
    public static final int MAX_ROWS = 1024;

    private final int[] windows;
    private final int horizon;

    private ContextLayout(int[] windows) {
        this.windows = windows;
        int h = 0;
        for (int w : windows) {
            h += w;
        }
        this.horizon = h;
    }

    /** Today's layout: the last {@code rows} transitions, one per row (0 rows: no context). */
    public static ContextLayout flat(int rows) {
        if (rows < 0 || rows > MAX_ROWS) {
            throw new IllegalArgumentException("context rows must be 0.." + MAX_ROWS + ", got " + rows);
        }
        int[] w = new int[rows];
        Arrays.fill(w, 1);
        return new ContextLayout(w);
    }

    /** The windows, newest first, each 1..{@value #MAX_WINDOW} transitions, 1..{@value #MAX_ROWS} of them. */
    public static ContextLayout of(int... windows) {
        if (windows.length == 0 || windows.length > MAX_ROWS) {
            throw new IllegalArgumentException("a context layout needs 1.." + MAX_ROWS + " windows, got "
                    + windows.length);
        }
        for (int w : windows) {
            if (w < 1 || w > MAX_WINDOW) {
                throw new IllegalArgumentException("context window lengths must be 1.." + MAX_WINDOW + ", got " + w
                        + " in " + Arrays.toString(windows));
            }
        }
        return new ContextLayout(windows.clone());
    }

    /**
     * Parses {@code "1,1,2,4,8,16,32"} (the form of {@link ModelContract#META_CONTEXT_WINDOWS} and
     * of {@code --context-windows}); the message of the exception names what is wrong.
     */
    public static ContextLayout parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty context layout: expected window lengths such as 1,1,2,4,8");
        }
        String[] parts = text.split(",", -1);
        int[] w = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            try {
                w[i] = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("context window " + (i + 1) + " is '" + p
                        + "', not a whole number (expected window lengths such as 1,1,2,4,8)");
            }
        }
        return of(w);
    }

    /** C, the rows the encoder sees. */
    public int rows() {
        return windows.length;
    }

    /** Transitions the rows cover together: the raw rows a {@link ContextRing} keeps. */
    public int horizon() {
        return horizon;
    }

    /** Length of window {@code i}, counted from the newest (0). */
    public int window(int i) {
        return windows[i];
    }

    /** Every window is one transition: the rows never change once recorded (row-codes apply). */
    public boolean isFlat() {
        return horizon == windows.length;
    }

    /** {@code "1,1,2,4"}: the metadata value, and what {@link #parse} reads. */
    public String key() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < windows.length; i++) {
            sb.append(i == 0 ? "" : ",").append(windows[i]);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContextLayout l && Arrays.equals(windows, l.windows);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(windows);
    }

    @Override
    public String toString() {
        return isFlat() ? "flat C=" + windows.length : "windows " + key() + " (horizon " + horizon + ")";
    }
}
