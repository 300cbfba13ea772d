package dev.flash.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Training progress on stderr: a bar redrawn in place on a terminal; plain lines (about 20 per
 * phase) when stderr is a file or a pipe, so logs stay readable.
 */
final class TerminalProgress {

    private final PrintStream err;
    private final boolean tty;
    private String lastPhase;

    TerminalProgress(PrintStream err, boolean tty) {
        this.err = err;
        this.tty = tty;
    }

    /** Linux: is file descriptor 2 a terminal? */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    void update(String phase, int iteration, int total, int episodes, double meanReward, double seconds) {
        if (tty && lastPhase != null && !lastPhase.equals(phase)) {
            err.println();
        }
        lastPhase = phase;
        double eta = iteration == 0 ? 0 : seconds / iteration * (total - iteration);
        String stats = String.format("%-10s it %d/%d  episodes %d  mean reward %s  elapsed %s  ETA %s", phase,
                iteration, total, episodes, Double.isNaN(meanReward) ? "-" : String.format("%.3f", meanReward),
                duration(seconds), duration(eta));
        if (tty) {
            int width = 24;
            int filled = (int) Math.round((double) iteration / total * width);
            err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + stats + "   ");
            if (iteration == total) {
                err.println();
                lastPhase = null;
            }
            err.flush();
        } else if (iteration == 1 || iteration == total || iteration % Math.max(1, total / 20) == 0) {
            err.println(stats);
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + "m" + String.format("%02d", s % 60) + "s" : s + "s";
    }
}
