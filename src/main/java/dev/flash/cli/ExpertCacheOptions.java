package dev.flash.cli;

import dev.flash.meta.yardstick.ExpertCache;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The converged experts' cache of every reproduce command (a picocli mixin): where it is, and
 * whether to train every expert again. The experts are the shared yardsticks' reference
 * ({@code dev.flash.meta.yardstick}), so the cache and its options are the same for every case.
 */
public final class ExpertCacheOptions {

    @Option(names = "--experts", paramLabel = "DIR",
            description = "Cache of converged experts (default: $XDG_CACHE_HOME/flash/experts or "
                    + "~/.cache/flash/experts); an expert is reused while the simulator version, the "
                    + "application (or service) and the expert's config are unchanged")
    Path experts;

    @Option(names = "--rebuild-experts",
            description = "Train every expert again (overwriting the cache) and report how long it took")
    boolean rebuild;

    /** $XDG_CACHE_HOME/flash/experts, or ~/.cache/flash/experts. */
    static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("flash").resolve("experts");
    }

    /** The cache directory, or null (with the reason on {@code err}) when it is a file. */
    Path dir(String command, PrintWriter err) {
        Path dir = experts != null ? experts : defaultDir();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            err.println(command + ": --experts " + dir + " exists and is not a directory");
            return null;
        }
        return dir;
    }

    ExpertCache cache(Path dir) {
        return new ExpertCache(dir, rebuild);
    }
}
