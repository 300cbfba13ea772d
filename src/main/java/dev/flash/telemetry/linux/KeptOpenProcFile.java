package dev.flash.telemetry.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;

/**
 * A procfs file of many lines ({@code /proc/stat}, {@code /proc/schedstat}) kept open and re-read
 * from offset 0 on every call: procfs regenerates the text on such a read, so one open and a
 * few {@code pread}s replace open/read/close and a path walk per tick. The bytes land in one
 * direct buffer that doubles whenever a read fills it (a machine with more CPUs than it held).
 * Unlike {@link dev.flash.sysfs.KeptOpenFile} (one sysfs attribute, at most a page, one read),
 * the file can be any size, so it is read until EOF or until the caller has what it needs.
 *
 * <p>Not thread-safe: one reader owns it.
 */
final class KeptOpenProcFile implements AutoCloseable {
    private final Path file;
    private FileChannel channel;
    private ByteBuffer buffer;

    KeptOpenProcFile(Path file, int initialBytes) {
        this.file = file;
        this.buffer = ByteBuffer.allocateDirect(initialBytes);
    }

    Path file() {
        return file;
    }

    /** Opens the file now if it is closed, so a missing one shows before the first read. */
    void open() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
    }

    /**
     * Reads from offset 0 into the buffer (position 0, limit = bytes read) until EOF, or until a
     * full buffer already holds {@code enough} (a parser that needs only the start of the file
     * says so); grows the buffer and reads again otherwise. The buffer is overwritten by the
     * next call. On an error the file is closed and the next call reopens it.
     *
     * @param enough tested only on a full buffer; pass a non-capturing lambda or method
     *               reference, so the tick allocates nothing for it
     */
    ByteBuffer read(Predicate<ByteBuffer> enough) throws IOException {
        try {
            open();
            while (true) {
                buffer.clear();
                long position = 0;
                int n;
                while (buffer.hasRemaining() && (n = channel.read(buffer, position)) > 0) {
                    position += n;
                }
                buffer.flip();
                if (buffer.limit() < buffer.capacity() || enough.test(buffer)) {
                    return buffer;
                }
                buffer = ByteBuffer.allocateDirect(buffer.capacity() * 2);
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // a procfs file: nothing to lose on close
            }
            channel = null;
        }
    }
}
