package dev.flash.sysfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A small sysfs file kept open and re-read from offset 0 on every call. The kernel regenerates
 * a sysfs attribute on a read at offset 0, so one {@code pread} replaces open/read/close (three
 * syscalls and a path walk); a regular file in a fake tree gives the same result as long as it
 * is rewritten in place. On any error the channel is closed and the next read reopens it.
 *
 * <p>Writable files are written the same way ({@link #write}): one {@code pwrite} at offset 0,
 * which sysfs hands whole to the attribute's store method whatever the offset. This is what
 * keeps a tick at 256 policies cheap (the telemetry reads and the cpufreq writes).
 *
 * <p>Not thread-safe: one reader owns it.
 */
public final class KeptOpenFile implements AutoCloseable {
    /** sysfs attributes are at most one page. */
    static final int PAGE = 4096;

    private final Path path;
    private final ByteBuffer buffer;
    private FileChannel channel;
    private boolean writable;
    /** A fake tree's plain file keeps old bytes past a shorter write; sysfs has no such bytes. */
    private boolean truncateAfterWrite;
    private byte[] lastBytes = new byte[0];
    private String lastText = "";

    /**
     * @param scratch a buffer of at least {@link #PAGE} bytes shared by the files one reader
     *                owns (direct, so the read needs no copy); its content is only valid
     *                until the next read of any of them
     */
    public KeptOpenFile(Path path, ByteBuffer scratch) {
        this.path = path;
        this.buffer = scratch;
    }

    /** A scratch buffer for {@link #KeptOpenFile(Path, ByteBuffer)}. */
    public static ByteBuffer newScratch() {
        return ByteBuffer.allocateDirect(PAGE);
    }

    public Path path() {
        return path;
    }

    /** Reads the file; the bytes stay in the buffer (position 0, limit = length). */
    private ByteBuffer readRaw() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            writable = false;
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
    public long readLong() throws IOException {
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
    public String readText() throws IOException {
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

    /**
     * Writes {@code value} with one {@code pwrite} at offset 0, reusing the open channel (opened
     * for reading and writing on first use). Errors name the file and the errno, as
     * {@link SysfsRoot#write} does; the channel is then closed and reopened on the next call.
     */
    public void write(String value) throws SysfsException {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        try {
            if (channel == null || !writable) {
                close();
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                writable = true;
                truncateAfterWrite = !"sysfs".equals(Files.getFileStore(path).type());
            }
            buffer.clear();
            buffer.put(bytes).flip();
            int written = channel.write(buffer, 0);
            if (written != bytes.length) {
                throw new java.io.IOException("short write: " + written + " of " + bytes.length + " bytes");
            }
            if (truncateAfterWrite) {
                channel.truncate(bytes.length);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            close();
            throw new SysfsException(path, "missing (policy gone? hotplug?)", e);
        } catch (java.nio.file.AccessDeniedException e) {
            close();
            throw new SysfsException(path, "permission denied (EACCES); run as root", e);
        } catch (IOException e) {
            close();
            throw new SysfsException(path, "write of '" + value + "' failed: " + SysfsRoot.describe(e), e);
        }
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
