package dev.flash.telemetry.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * A procfs file's bytes packed eight to a long, little-endian (byte {@code i} is bits
 * {@code 8 * (i % 8)} and up of word {@code i / 8}): the one copy {@link RunQueueMeter} parses.
 * At 256 CPUs {@code /proc/schedstat} is about 130 kB, nearly all of it domain lines the meter
 * only skips. Under C1 (the daemon's compiler) a byte-by-byte search for their ends was most of a
 * reading, so line ends are found a word at a time: the "has a zero byte" test on the word XOR
 * {@code 0x0a0a...} passes a word without a newline in a few operations, and in a word with one
 * the lowest flagged byte is the first newline (the test is exact for the lowest zero byte; its
 * false positives lie only above a true one). Before, the file was copied twice out of the direct
 * buffer (as bytes to parse and as longs to search); one copy touches half the memory.
 *
 * <p>Not thread-safe: one meter owns it.
 */
final class PackedText {
    private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private long[] words = new long[0];
    private int length;
    /** A little-endian long view of the last buffer copied (kept while the reader keeps that buffer). */
    private ByteBuffer viewed;
    private LongBuffer view;

    /**
     * Copies {@code buffer[0, n)} (from index 0; its position is untouched). Bytes past {@code n}
     * in the last word are zero, never a newline.
     */
    void copy(ByteBuffer buffer, int n) {
        if (buffer != viewed) {
            viewed = buffer;
            view = buffer.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
            words = new long[(buffer.capacity() + 7) >>> 3];
        }
        int whole = n >>> 3;
        view.get(0, words, 0, whole); // one bulk copy where the machine is little-endian
        int tail = n & 7;
        if (tail != 0) { // the buffer's bytes past n are a previous reading's: leave them out
            long last = 0;
            for (int k = tail - 1; k >= 0; k--) {
                last = (last << 8) | (buffer.get((whole << 3) + k) & 0xff);
            }
            words[whole] = last;
        }
        length = n;
    }

    /** Bytes copied by the last {@link #copy}. */
    int length() {
        return length;
    }

    /** The byte at {@code i} (0..255), {@code i < length()}. */
    int at(int i) {
        return (int) (words[i >>> 3] >>> ((i & 7) << 3)) & 0xff;
    }

    /** Offset of the first {@code '\n'} at or after {@code from}, or {@link #length()} when there is none. */
    int nextNewline(int from) {
        int n = length;
        if (from >= n) {
            return n;
        }
        int w = from >>> 3;
        // bytes of the first word before `from` become 0xff after the XOR: never zero, and they
        // borrow nothing from the bytes above them
        long x = (words[w] ^ NEWLINES) | ((1L << ((from & 7) << 3)) - 1);
        int end = (n + 7) >>> 3;
        while (true) {
            long hit = (x - ONES) & ~x & HIGHS;
            if (hit != 0) {
                return (w << 3) + (Long.numberOfTrailingZeros(hit) >>> 3);
            }
            if (++w == end) {
                return n;
            }
            x = words[w] ^ NEWLINES;
        }
    }
}
