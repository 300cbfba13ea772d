package dev.flash.cli;

import dev.flash.dvfs.eval.Reproduction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * A reproduction's progress on stderr, one bar per phase (every case's reproduce command), and
 * the clean-up of its staging directory.
 */
final class PhaseBars implements Reproduction.Listener {
    private final boolean enabled;
    private ProgressBar bar;

    PhaseBars(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public synchronized void phase(String name, int total) {
        close();
        bar = new ProgressBar(System.err, name, total, enabled);
    }

    @Override
    public synchronized void step(String detail) {
        if (bar != null) {
            bar.step(detail);
        }
    }

    synchronized void close() {
        if (bar != null) {
            bar.finish();
        }
    }

    /** Deletes a reproduction's hidden staging directory and what is in it, deepest first. */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // a leftover hidden staging directory is harmless
        }
    }
}
