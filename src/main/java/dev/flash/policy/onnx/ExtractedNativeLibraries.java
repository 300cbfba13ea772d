package dev.flash.policy.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes the copy of ONNX Runtime's shared libraries that its Java binding extracts into
 * {@code java.io.tmpdir} ({@code onnxruntime-java<random>/}) on every start. The binding only
 * asks for the directory to be deleted on exit, which cannot succeed while the libraries are
 * still in it, so every run used to leave 22 MB behind: after a hundred {@code flash evaluate}
 * runs, 2 GB of {@code /tmp}. (The systemd unit has {@code PrivateTmp=yes}, so the service
 * itself was spared; interactive runs were not.)
 *
 * <p>Once {@code dlopen} has mapped a library, Linux keeps the mapping after the file is
 * unlinked, so the copy can go as soon as the environment is up. Only directories this very
 * process has mapped (found in {@code /proc/self/maps}) and that have the binding's name
 * inside the temp directory are touched: another process's copy or a library loaded from
 * {@code onnxruntime.native.path} never is.
 */
final class ExtractedNativeLibraries {
    private ExtractedNativeLibraries() {
    }

    /** Directory-name prefix of ONNX Runtime's extraction ({@code Files.createTempDirectory("onnxruntime-java")}). */
    static final String PREFIX = "onnxruntime-java";

    /**
     * Deletes this process's extracted ONNX Runtime directories. Best effort: returns the
     * directories removed; anything that cannot be read or deleted is left as it was.
     */
    static List<Path> removeMapped() {
        return removeMapped(Path.of("/proc/self/maps"), Path.of(System.getProperty("java.io.tmpdir")));
    }

    static List<Path> removeMapped(Path maps, Path tmpDir) {
        Set<Path> dirs = new LinkedHashSet<>();
        try {
            Path tmp = tmpDir.toRealPath();
            for (String line : Files.readAllLines(maps)) {
                Path dir = extractionDirectory(line, tmp);
                if (dir != null) {
                    dirs.add(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of(); // not Linux, or no /proc: nothing we can safely identify
        }
        List<Path> removed = new java.util.ArrayList<>();
        for (Path dir : dirs) {
            if (deleteLibrariesAndDirectory(dir)) {
                removed.add(dir);
            }
        }
        return removed;
    }

    /** The extraction directory a {@code /proc/PID/maps} line maps a file from, or null. */
    static Path extractionDirectory(String mapsLine, Path tmpDir) {
        int slash = mapsLine.indexOf('/');
        if (slash < 0 || mapsLine.endsWith(" (deleted)")) {
            return null;
        }
        Path file = Path.of(mapsLine.substring(slash).trim());
        Path dir = file.getParent();
        if (dir == null || !tmpDir.equals(dir.getParent()) || !dir.getFileName().toString().startsWith(PREFIX)
                || !file.getFileName().toString().endsWith(".so")) {
            return null;
        }
        return dir;
    }

    private static boolean deleteLibrariesAndDirectory(Path dir) {
        try {
            List<Path> entries;
            try (java.util.stream.Stream<Path> list = Files.list(dir)) {
                entries = list.toList();
            }
            if (!entries.stream().allMatch(e -> e.getFileName().toString().endsWith(".so") && Files.isRegularFile(e))) {
                return false; // not the binding's layout: leave it alone
            }
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
