package dev.flash.telemetry.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * Finds line ends in a procfs file eight bytes at a time. At 256 CPUs {@code /proc/schedstat}
 * is about 130 kB, nearly all of it domain lines that {@link RunQueueMeter} only skips; under
 * C1 (the daemon's compiler) a byte-by-byte search for their ends was most of a reading. Here
 * the file's bytes are also copied as longs (one bulk copy), and a word without a newline is
 * passed with a few arithmetic operations (the "has a zero byte" test on the word XOR
 * {@code 0x0a0a...}); only a word that has one is searched byte by byte. The test is exact for
 * a whole word and the position comes from the bytes themselves, so byte order does not matter
 * and the result is the byte loop's.
 *
 * <p>Not thread-safe: one meter owns it.
 */
final class NewlineFinder {
    private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private long[] words = new long[0];
    /** A long view of the last buffer indexed (kept while the reader keeps that buffer). */
    private ByteBuffer viewed;
    private LongBuffer view;

    /** Copies the first {@code n} bytes of {@code buffer} (from index 0) as longs; its position is untouched. */
    void index(ByteBuffer buffer, int n) {
        if (buffer != viewed) {
            viewed = buffer;
            view = buffer.duplicate().clear().order(ByteOrder.nativeOrder()).asLongBuffer();
            words = new long[view.capacity()];
        }
        view.get(0, words, 0, n >>> 3);
    }

    /**
     * Offset of the first {@code '\n'} in {@code b[from, n)}, or {@code n} when there is none.
     * {@code b} must hold the bytes last {@link #index indexed}.
     */
    int next(byte[] b, int from, int n) {
        int i = from;
        while (i < n && (i & 7) != 0) { // up to a word boundary
            if (b[i] == '\n') {
                return i;
            }
            i++;
        }
        int wholeWords = n >>> 3;
        for (int w = i >>> 3; w < wholeWords; w++) {
            long x = words[w] ^ NEWLINES; // a newline byte became zero
            if (((x - ONES) & ~x & HIGHS) != 0) {
                int k = w << 3;
                while (b[k] != '\n') {
                    k++;
                }
                return k;
            }
        }
        for (i = Math.max(i, wholeWords << 3); i < n; i++) { // the tail after the last whole word
            if (b[i] == '\n') {
                return i;
            }
        }
        return n;
    }
}
