package dev.flash.telemetry.rapl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a decimal counter file such as {@code energy_uj}. The default keeps one channel per file
 * open and re-reads it at offset 0 (sysfs regenerates an attribute on every read from offset 0),
 * so a tick costs one pread per zone and no allocation. Tests inject readers that fail the way
 * the kernel does where root cannot reproduce it (EACCES).
 */
public interface EnergyCounterReader extends AutoCloseable {

    /**
     * The file's value.
     *
     * @throws java.nio.file.AccessDeniedException when the kernel refuses (EACCES)
     * @throws IOException                         on any other failure, or when it is not a number
     */
    long read(Path file) throws IOException;

    @Override
    default void close() {
    }

    /** The production reader: kept-open channels, positional reads, no per-read allocation. */
    static EnergyCounterReader keptOpen() {
        return new KeptOpen();
    }

    /** Not thread-safe, like the meters that own it. */
    final class KeptOpen implements EnergyCounterReader {
        private final Map<Path, FileChannel> channels = new HashMap<>();
        /** Direct: a heap buffer makes the JDK copy through a temporary direct one on every read. */
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(32);

        @Override
        public long read(Path file) throws IOException {
            FileChannel channel = channels.get(file);
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.READ);
                channels.put(file, channel);
            }
            buffer.clear();
            // One pread at offset 0: sysfs hands over the whole attribute in it, a plain file all
            // it holds (a counter is at most 21 bytes). Reading on to see EOF would be a second
            // system call per zone and tick (a pread costs 1.5-3 us in a VM) and, on sysfs, would
            // make the kernel format the attribute again.
            int total = Math.max(0, channel.read(buffer, 0));
            return parse(file, buffer, total);
        }

        private static long parse(Path file, ByteBuffer buf, int length) throws IOException {
            long value = 0;
            int digits = 0;
            for (int i = 0; i < length; i++) {
                byte b = buf.get(i);
                if (b >= '0' && b <= '9') {
                    if (value > (Long.MAX_VALUE - 9) / 10) {
                        throw new IOException(file + ": counter value out of range");
                    }
                    value = value * 10 + (b - '0');
                    digits++;
                } else if (b == '\n' || b == ' ') {
                    break;
                } else {
                    throw new IOException(file + ": not a counter value");
                }
            }
            if (digits == 0) {
                throw new IOException(file + ": empty counter value");
            }
            return value;
        }

        @Override
        public void close() {
            for (FileChannel c : channels.values()) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing a sysfs file cannot fail in a way we could act on
                }
            }
            channels.clear();
        }
    }
}
