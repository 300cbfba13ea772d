package dev.flash.policy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime's libraries extracted once into a cache directory, used only when it can be trusted. */
class NativeLibraryCacheTest {

    @TempDir
    Path dir;

    Path jar;

    @BeforeEach
    void ortJar() {
        Assumptions.assumeTrue(NativeLibraryCache.isLinuxX64(), "the shaded natives are Linux x86-64 ones");
        jar = NativeLibraryCache.ortJar().orElseThrow();
    }

    @Test
    void extractsBothLibrariesOnceAndReusesThem() throws Exception {
        Path root = dir.resolve("cache/native");
        Optional<Path> first = NativeLibraryCache.ensure(root, jar);
        assertTrue(first.isPresent());
        for (String lib : NativeLibraryCache.LIBRARIES) {
            Path f = first.get().resolve(lib);
            assertTrue(Files.size(f) > 0, lib);
            assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        }
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.get())));
        Path lib = first.get().resolve(NativeLibraryCache.LIBRARIES.get(0));
        Object inode = Files.getAttribute(lib, "unix:ino");

        Optional<Path> second = NativeLibraryCache.ensure(root, jar);
        assertEquals(first, second);
        assertEquals(inode, Files.getAttribute(lib, "unix:ino"), "not written again");
        try (var list = Files.list(root)) {
            assertEquals(1, list.count(), "no temporary directory left");
        }
    }

    @Test
    void aCacheOthersMayWriteIsNotUsed() throws Exception {
        Path root = dir.resolve("shared");
        Path made = NativeLibraryCache.ensure(root, jar).orElseThrow();
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), NativeLibraryCache.ensure(root, jar));

        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(made.resolve(NativeLibraryCache.LIBRARIES.get(1)),
                PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(Optional.empty(), NativeLibraryCache.ensure(root, jar));

        Path fresh = dir.resolve("fresh");
        Files.createDirectories(fresh);
        Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), NativeLibraryCache.ensure(fresh, jar), "not extracted into it either");
        try (var list = Files.list(fresh)) {
            assertEquals(0, list.count());
        }
    }

    @Test
    void anOlderFlashsCopyGoesOnlyOnceUntouchedForAnHour() throws Exception {
        Path root = dir.resolve("c");
        Files.createDirectories(root);
        Path old = Files.createDirectory(root.resolve("ort-0.9-1-1"));
        Files.writeString(old.resolve("libonnxruntime.so"), "old");
        Path recent = Files.createDirectory(root.resolve("ort-0.9-2-2"));
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 2 * 3_600_000L));
        Path made = NativeLibraryCache.ensure(root, jar).orElseThrow();
        assertTrue(Files.isDirectory(made));
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent), "another flash may be loading from it right now");
    }

    @Test
    void theCacheCanBeTurnedOff() {
        String before = System.getProperty(NativeLibraryCache.PROPERTY);
        try {
            System.setProperty(NativeLibraryCache.PROPERTY, "none");
            assertEquals(Optional.empty(), NativeLibraryCache.cacheRoot());
            System.setProperty(NativeLibraryCache.PROPERTY, dir.toString());
            assertEquals(Optional.of(dir), NativeLibraryCache.cacheRoot());
        } finally {
            if (before == null) {
                System.clearProperty(NativeLibraryCache.PROPERTY);
            } else {
                System.setProperty(NativeLibraryCache.PROPERTY, before);
            }
        }
    }
}
