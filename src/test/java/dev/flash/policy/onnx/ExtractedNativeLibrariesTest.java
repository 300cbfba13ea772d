package dev.flash.policy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractedNativeLibrariesTest {

    /** The real thing: ONNX Runtime up in this JVM, and its extracted copy gone from disk. */
    @Test
    void theRuntimesExtractedCopyIsGoneOnceItIsLoaded() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "needs Linux /proc");
        assumeTrue(System.getProperty("onnxruntime.native.path") == null, "libraries loaded from a fixed path");
        OnnxModel.environment();
        List<String> lines = Files.readAllLines(maps).stream()
                .filter(l -> l.contains("/" + ExtractedNativeLibraries.PREFIX)).toList();
        assertFalse(lines.isEmpty(), "ONNX Runtime was loaded from its extraction directory");
        for (String line : lines) {
            Path file = Path.of(line.substring(line.indexOf('/')).replace(" (deleted)", "").trim());
            assertFalse(Files.exists(file), file + " is still on disk");
            assertFalse(Files.exists(file.getParent()), file.getParent() + " is still on disk");
        }
    }

    @Test
    void onlyMappedExtractionDirectoriesInTheTempDirectoryAreRemoved(@TempDir Path root) throws IOException {
        Path tmp = Files.createDirectories(root.resolve("tmp")).toRealPath();
        Path mine = extraction(tmp.resolve(ExtractedNativeLibraries.PREFIX + "111"));
        Path another = extraction(tmp.resolve(ExtractedNativeLibraries.PREFIX + "222")); // another process's
        Path odd = extraction(tmp.resolve(ExtractedNativeLibraries.PREFIX + "333"));
        Files.writeString(odd.resolve("notes.txt"), "not the binding's layout");
        Path elsewhere = extraction(Files.createDirectories(root.resolve("opt")).resolve(ExtractedNativeLibraries.PREFIX + "444"));
        Path maps = root.resolve("maps");
        Files.write(maps, List.of(
                "7f00-7f01 r-xp 00000000 08:01 1 " + mine.resolve("libonnxruntime.so"),
                "7f01-7f02 r-xp 00000000 08:01 2 " + mine.resolve("libonnxruntime4j_jni.so"),
                "7f02-7f03 r-xp 00000000 08:01 3 " + odd.resolve("libonnxruntime.so"),
                "7f03-7f04 r-xp 00000000 08:01 4 " + elsewhere.resolve("libonnxruntime.so"),
                "7f04-7f05 rw-p 00000000 00:00 0 [heap]",
                "7f05-7f06 r-xp 00000000 08:01 5 /usr/lib/x86_64-linux-gnu/libc.so.6"));

        assertEquals(List.of(mine), ExtractedNativeLibraries.removeMapped(maps, tmp));
        assertFalse(Files.exists(mine));
        assertTrue(Files.exists(another.resolve("libonnxruntime.so")), "not mapped by this process");
        assertTrue(Files.exists(odd.resolve("libonnxruntime.so")), "holds a file that is not a library");
        assertTrue(Files.exists(elsewhere.resolve("libonnxruntime.so")), "outside the temp directory");
    }

    @Test
    void deletedAnonymousAndForeignMappingsAreNotExtractions(@TempDir Path tmp) {
        Path dir = tmp.resolve(ExtractedNativeLibraries.PREFIX + "1");
        assertEquals(dir, ExtractedNativeLibraries.extractionDirectory(
                "7f00-7f01 r-xp 00000000 08:01 1 " + dir.resolve("libonnxruntime.so"), tmp));
        assertNull(ExtractedNativeLibraries.extractionDirectory(
                "7f00-7f01 r-xp 00000000 08:01 1 " + dir.resolve("libonnxruntime.so") + " (deleted)", tmp));
        assertNull(ExtractedNativeLibraries.extractionDirectory("7f00-7f01 rw-p 00000000 00:00 0 ", tmp));
        assertNull(ExtractedNativeLibraries.extractionDirectory(
                "7f00-7f01 r--p 00000000 08:01 1 " + tmp.resolve("djl-cache/libtorch.so"), tmp));
    }

    private static Path extraction(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("libonnxruntime.so"), new byte[] {0x7f, 'E', 'L', 'F'});
        Files.write(dir.resolve("libonnxruntime4j_jni.so"), new byte[] {0x7f, 'E', 'L', 'F'});
        return dir;
    }
}
