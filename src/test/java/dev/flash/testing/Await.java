package dev.flash.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting in tests for an event rather than for a time: the condition is polled until it holds
 * or a generous deadline passes (then the test fails with what it was waiting for). A busy
 * 2-core machine only makes the wait longer; a fixed sleep would pass without the event, or
 * fail before it on a loaded machine.
 */
public final class Await {
    /** Long enough that only a real hang reaches it, on any machine that runs the suite. */
    public static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #DEADLINE}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEADLINE, condition, () -> "");
    }

    /** As {@link #until(String, BooleanSupplier)}, with more to say on failure (a log, a status). */
    public static void until(String what, Duration deadline, BooleanSupplier condition, Supplier<String> detail) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("waited " + deadline.toSeconds() + " s for " + what + "; " + detail.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * Waits until the file system's clock has moved past the current time stamp of a file written
     * in {@code dir}: a file written after this returns is stamped later than anything before it,
     * whatever the clock's granularity (a kernel tick on Linux, up to 2 s on FAT).
     */
    public static void nextFileTime(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, ".clock-", ".tmp");
            try {
                FileTime before = Files.getLastModifiedTime(probe);
                until("the file clock to advance past " + before, DEADLINE, () -> {
                    try {
                        Files.writeString(probe, "x");
                        return Files.getLastModifiedTime(probe).compareTo(before) > 0;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, () -> "");
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
