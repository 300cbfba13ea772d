package dev.flash.bench.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What this process holds, read from {@code /proc/self}: open file descriptors, threads (every
 * task but the JIT compiler's, native ones such as ONNX Runtime's included), the heap in use
 * after a collection, and the resident set ({@code VmRSS} of {@code /proc/self/status}; -1 where
 * there is none).
 */
public record ResourceProbe(long fds, long threads, long heapBytes, long rssBytes) {

    /**
     * A sample after full collections (the heap figure is then what is reachable). Descriptors
     * that only an unreachable object held are closed by the cleaner thread after a collection,
     * so collections are repeated while the count still falls.
     */
    public static ResourceProbe sample() {
        Runtime rt = Runtime.getRuntime();
        Path fdDir = Path.of("/proc/self/fd");
        long fds = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            System.gc();
            System.runFinalization();
            long now = count(fdDir);
            if (now >= fds) {
                break;
            }
            fds = now;
        }
        long heap = rt.totalMemory() - rt.freeMemory();
        return new ResourceProbe(fds, countThreads(), heap, rss());
    }

    /** VmRSS in bytes, -1 when unknown (not Linux). */
    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] w = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(w[0]) * 1024L; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Every task of the process (native ones such as ONNX Runtime's included) but the JIT's
     * compiler threads, which the JVM starts and stops by its own load.
     */
    private static long countThreads() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            return s.filter(t -> {
                try {
                    String name = Files.readString(t.resolve("comm")).strip();
                    return !(name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre"));
                } catch (IOException e) {
                    return false; // the thread ended while we looked
                }
            }).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            return -1; // not Linux: unknown, never "flat"
        }
    }

    /**
     * True when {@code last} grew by no more than {@code tolerance} of {@code first} (1 unit of
     * slack for small counts). A fall is not a leak: the first sample may still hold what the
     * run's start-up left for the collector.
     */
    static boolean flat(long first, long last, double tolerance) {
        if (first < 0 || last < 0) {
            return false;
        }
        return last - first <= Math.max(1, tolerance * first);
    }
}
