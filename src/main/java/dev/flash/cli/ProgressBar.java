package dev.flash.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for long commands (training, reproduction): a bar, the
 * count, elapsed time, an estimate of what is left, and a short detail such as the current
 * reward. On a terminal it redraws one line with {@code \r}; when stderr is a file or a pipe it
 * prints a plain line at most every 10% so logs stay short. Silent when disabled.
 */
public final class ProgressBar {
    private static final int WIDTH = 28;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean interactive;
    private final boolean enabled;
    private final long startNanos = System.nanoTime();
    private long done;
    private int lastDecile = -1;

    /**
     * @param out     where to draw (stderr)
     * @param label   what is progressing, e.g. "meta-train"
     * @param total   steps to completion (>= 1)
     * @param enabled false makes every call a no-op (e.g. --quiet)
     */
    public ProgressBar(PrintStream out, String label, long total, boolean enabled) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.enabled = enabled;
        this.interactive = System.console() != null;
    }

    /** Advances by one step. */
    public void step(String detail) {
        advanceTo(done + 1, detail);
    }

    /** Sets the absolute position. */
    public synchronized void advanceTo(long position, String detail) {
        done = Math.min(total, Math.max(0, position));
        if (!enabled) {
            return;
        }
        int decile = (int) (done * 10 / total);
        if (interactive) {
            out.print("\r" + line(detail));
            out.flush();
        } else if (decile != lastDecile || done == total) {
            lastDecile = decile;
            out.println(line(detail));
        }
    }

    /** Ends the line (interactive mode). */
    public synchronized void finish() {
        if (enabled && interactive) {
            out.println();
        }
    }

    String line(String detail) {
        double frac = (double) done / total;
        int filled = (int) Math.round(frac * WIDTH);
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        double left = done == 0 ? Double.NaN : elapsed / done * (total - done);
        StringBuilder sb = new StringBuilder();
        sb.append(label).append(" [");
        sb.append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        sb.append(done).append('/').append(total);
        sb.append(String.format(Locale.ROOT, " %s", clock(elapsed)));
        if (!Double.isNaN(left) && done < total) {
            sb.append(String.format(Locale.ROOT, " (~%s left)", clock(left)));
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append("  ").append(detail);
        }
        return sb.toString();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
