package dev.flash.policy.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keeps ONNX Runtime's two shared libraries extracted in a cache directory, so that a process
 * loads them from there ({@code onnxruntime.native.path}) instead of copying 22 MB out of the jar
 * into a fresh temporary directory on every start, as the binding does by default. The first
 * process extracts; every later one only checks the directory and loads.
 *
 * <p>Where: {@code flash.native.cache} if set (a directory; {@code none} turns the cache off),
 * else {@code $CACHE_DIRECTORY/native} (systemd's {@code CacheDirectory=}), else
 * {@code /var/cache/flash/native} for root, else {@code $XDG_CACHE_HOME/flash/native} or
 * {@code ~/.cache/flash/native}. One subdirectory per ONNX Runtime jar, named after its version,
 * size and modification time: a new flash.jar gets a new one, and the others are removed then.
 *
 * <p>A shared library is code: the cache is only used when the directory and the files in it
 * belong to this user (or root) and nobody else may write them, as sshd's StrictModes asks
 * of a key file. It is written into a private temporary directory and renamed into place whole,
 * so a reader never sees half a library. Anything unexpected (no home, a read-only file
 * system, a foreign owner, a library missing from the jar) leaves the property unset and the
 * binding extracts as before: the cache can make start-up faster, never make it fail.
 */
final class NativeLibraryCache {
    private NativeLibraryCache() {
    }

    static final String PROPERTY = "flash.native.cache";
    /** ONNX Runtime's own property: the directory both libraries are loaded from. */
    static final String ORT_PATH = "onnxruntime.native.path";
    static final List<String> LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");
    private static final String RESOURCES = "/ai/onnxruntime/native/linux-x64/";

    /**
     * Points ONNX Runtime at the cached libraries (extracting them first if needed) unless the
     * property is already set or the cache cannot be used. Returns the directory used, if any.
     */
    static Optional<Path> prepare() {
        if (System.getProperty(ORT_PATH) != null || !isLinuxX64()) {
            return Optional.empty();
        }
        try {
            Optional<Path> root = cacheRoot();
            Optional<Path> jar = ortJar();
            if (root.isEmpty() || jar.isEmpty()) {
                return Optional.empty();
            }
            Optional<Path> dir = ensure(root.get(), jar.get());
            dir.ifPresent(d -> System.setProperty(ORT_PATH, d.toString()));
            return dir;
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static boolean isLinuxX64() {
        String arch = System.getProperty("os.arch", "");
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** The cache's root directory (not created here), or empty when the cache is off. */
    static Optional<Path> cacheRoot() {
        String set = System.getProperty(PROPERTY);
        if (set != null) {
            return set.isBlank() || set.equals("none") ? Optional.empty() : Optional.of(Path.of(set));
        }
        String systemd = System.getenv("CACHE_DIRECTORY");
        if (systemd != null && !systemd.isBlank() && !systemd.contains(":")) {
            return Optional.of(Path.of(systemd, "native"));
        }
        if (euid() == 0) {
            return Optional.of(Path.of("/var/cache/flash/native"));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Optional.of(Path.of(xdg, "flash", "native"));
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isBlank() || home.equals("?")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(home, ".cache", "flash", "native"));
    }

    /** The jar (or directory) ONNX Runtime's classes come from. */
    static Optional<Path> ortJar() {
        try {
            var source = ai.onnxruntime.OrtEnvironment.class.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The cache directory for {@code jar} under {@code root}, extracted if it was not there yet;
     * empty when it cannot be trusted or made.
     */
    static Optional<Path> ensure(Path root, Path jar) throws IOException {
        BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
        String version = ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion();
        String key = "ort-" + (version == null ? "dev" : version.replaceAll("[^0-9A-Za-z.-]", "_")) + "-"
                + Long.toHexString(a.size()) + "-" + Long.toHexString(a.lastModifiedTime().toMillis());
        Path dir = root.resolve(key);
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return trusted(root) && trusted(dir) && LIBRARIES.stream().allMatch(l -> trustedFile(dir.resolve(l)))
                    ? Optional.of(dir) : Optional.empty();
        }
        if (!makeRoot(root)) {
            return Optional.empty();
        }
        Path tmp = Files.createTempDirectory(root, key + ".tmp-");
        try {
            for (String lib : LIBRARIES) {
                try (InputStream in = ai.onnxruntime.OrtEnvironment.class.getResourceAsStream(RESOURCES + lib)) {
                    if (in == null) {
                        return Optional.empty(); // a build without the Linux natives: the binding decides
                    }
                    Path f = tmp.resolve(lib);
                    Files.copy(in, f);
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
                }
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                // another process was quicker: use its copy
                return Files.isDirectory(dir) && trusted(dir) ? Optional.of(dir) : Optional.empty();
            }
            removeOthers(root, key);
            return Optional.of(dir);
        } finally {
            deleteTree(tmp);
        }
    }

    private static boolean makeRoot(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
        }
        return trusted(root) && Files.isWritable(root);
    }

    /** Owned by this user or root, not a link, writable by nobody else. */
    static boolean trusted(Path p) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return !Files.isSymbolicLink(p) && (owner == euid() || owner == 0)
                    && !perms.contains(PosixFilePermission.GROUP_WRITE) && !perms.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean trustedFile(Path f) {
        return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && trusted(f);
    }

    /** This process's effective user id (the owner of /proc/self), or -1. */
    static int euid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Removes the directories of other ONNX Runtime jars (an older flash) untouched for an hour
     * (a process of that flash starting right now still finds its copy); best effort.
     */
    private static void removeOthers(Path root, String keep) {
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        try (Stream<Path> list = Files.list(root)) {
            for (Path p : list.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith("ort-") && !name.equals(keep)
                        && Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() < hourAgo) {
                    deleteTree(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // left for the next time
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : list.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }
}
