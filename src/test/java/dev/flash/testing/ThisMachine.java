package dev.flash.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the machine the tests run on, read as the kernel states them. */
public final class ThisMachine {
    private ThisMachine() {
    }

    /**
     * Logical CPUs the kernel accounts for in {@code /proc/stat} (one {@code cpuN} line each).
     * Not {@code Runtime.availableProcessors()}, which counts only the CPUs this process may run
     * on: under {@code taskset} or a cgroup cpuset that is fewer than the node has, and the
     * telemetry reports every CPU of the node.
     */
    public static int logicalCpus() {
        try (var lines = Files.lines(Path.of("/proc/stat"))) {
            return (int) lines.filter(l -> l.matches("cpu\\d+ .*")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
