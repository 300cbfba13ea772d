package dev.flash.bench.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What this process holds, read from {@code /proc/self}: open file descriptors, threads (every
 * task, native ones such as ONNX Runtime's included) and the heap in use after a collection.
 */
public record ResourceProbe(long fds, long threads, long heapBytes) {

    /** A sample after asking for a full collection (the heap figure is then what is reachable). */
    public static ResourceProbe sample() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.runFinalization();
        System.gc();
        long heap = rt.totalMemory() - rt.freeMemory();
        return new ResourceProbe(count(Path.of("/proc/self/fd")), count(Path.of("/proc/self/task")), heap);
    }

    private static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            return -1; // not Linux: unknown, never "flat"
        }
    }

    /** True when {@code last} is within {@code tolerance} of {@code first} (relative; 1 unit of slack for small counts). */
    static boolean flat(long first, long last, double tolerance) {
        if (first < 0 || last < 0) {
            return false;
        }
        return Math.abs(last - first) <= Math.max(1, tolerance * first);
    }
}
