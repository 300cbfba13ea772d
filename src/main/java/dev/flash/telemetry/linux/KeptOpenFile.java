package dev.flash.telemetry.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A small sysfs file kept open and re-read from offset 0 on every call. The kernel regenerates
 * a sysfs attribute on a read at offset 0, so one {@code pread} replaces open/read/close (three
 * syscalls and a path walk); a regular file in a fake tree gives the same result as long as it
 * is rewritten in place. On any error the channel is closed and the next read reopens it.
 *
 * <p>Not thread-safe: one reader owns it.
 */
final class KeptOpenFile implements AutoCloseable {
    /** sysfs attributes are at most one page. */
    static final int PAGE = 4096;

    private final Path path;
    private final ByteBuffer buffer;
    private FileChannel channel;
    private byte[] lastBytes = new byte[0];
    private String lastText = "";

    /**
     * @param scratch a buffer of at least {@link #PAGE} bytes shared by the files one reader
     *                owns (direct, so the read needs no copy); its content is only valid
     *                until the next read of any of them
     */
    KeptOpenFile(Path path, ByteBuffer scratch) {
        this.path = path;
        this.buffer = scratch;
    }

    /** A scratch buffer for {@link #KeptOpenFile(Path, ByteBuffer)}. */
    static ByteBuffer newScratch() {
        return ByteBuffer.allocateDirect(PAGE);
    }

    Path path() {
        return path;
    }

    /** Reads the file; the bytes stay in the buffer (position 0, limit = length). */
    private ByteBuffer readRaw() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        }
        buffer.clear().limit(PAGE);
        try {
            // One pread at offset 0: sysfs returns the whole attribute (at most a page) in one
            // read, and a read at a later offset would make it regenerate the text again.
            channel.read(buffer, 0);
        } catch (IOException e) {
            close();
            throw e;
        }
        buffer.flip();
        return buffer;
    }

    /**
     * The file as a decimal number; {@code -1} when it holds something else (the kernel writes
     * {@code <unknown>} or {@code <unsupported>} in places) or is empty mid-rewrite.
     */
    long readLong() throws IOException {
        ByteBuffer b = readRaw();
        int i = 0;
        int n = b.limit();
        while (i < n && isSpace(b.get(i))) {
            i++;
        }
        if (i == n) {
            return -1;
        }
        long value = 0;
        int digits = 0;
        for (; i < n; i++) {
            byte c = b.get(i);
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                digits++;
            } else if (isSpace(c)) {
                break;
            } else {
                return -1;
            }
        }
        return digits == 0 ? -1 : value;
    }

    /** The file's text, trimmed; the same String instance while the bytes do not change. */
    String readText() throws IOException {
        ByteBuffer b = readRaw();
        int n = b.limit();
        while (n > 0 && isSpace(b.get(n - 1))) {
            n--;
        }
        if (n == lastBytes.length && sameAsLast(b, n)) {
            return lastText;
        }
        lastBytes = new byte[n];
        b.get(0, lastBytes, 0, n);
        lastText = new String(lastBytes, StandardCharsets.UTF_8).trim();
        return lastText;
    }

    private boolean sameAsLast(ByteBuffer b, int n) {
        for (int i = 0; i < n; i++) {
            if (b.get(i) != lastBytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r';
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a sysfs file cannot lose data; nothing to report
            }
            channel = null;
        }
    }
}
