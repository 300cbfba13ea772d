package dev.flash.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch directories for the fuzz tests (jqwik properties do not take JUnit's @TempDir). */
public final class FuzzDirs {
    private FuzzDirs() {
    }

    /** A new empty directory under the build directory's fuzz/ folder. */
    public static Path fresh(String name) {
        try {
            Path parent = Path.of(System.getProperty("flash.build.dir", "target")).resolve("fuzz").toAbsolutePath();
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
