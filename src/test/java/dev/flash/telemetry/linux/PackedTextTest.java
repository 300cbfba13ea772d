package dev.flash.telemetry.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packed bytes read back as the file's, and the word-at-a-time search gives the byte loop's answer everywhere. */
class PackedTextTest {

    private static int byteLoop(byte[] b, int from, int n) {
        int i = Math.min(from, n);
        while (i < n && b[i] != '\n') {
            i++;
        }
        return i;
    }

    @Test
    void agreesWithTheBytesAndTheByteLoopEverywhere() {
        Random random = new Random(7);
        PackedText text = new PackedText();
        ByteBuffer direct = ByteBuffer.allocateDirect(512);
        for (int round = 0; round < 200; round++) {
            int n = random.nextInt(300);
            byte[] b = new byte[n + random.nextInt(16)];
            for (int i = 0; i < b.length; i++) {
                // sparse newlines, and bytes whose XOR with '\n' borrows (0x0b, 0x8a, 0x00)
                int r = random.nextInt(40);
                b[i] = r == 0 ? (byte) '\n' : r == 1 ? 0x0b : r == 2 ? (byte) 0x8a : r == 3 ? 0 : (byte) ('0' + r % 10);
            }
            // the buffer is reused as the reader reuses it: stale bytes past n, newlines among them, must not count
            direct.clear();
            for (int i = 0; i < direct.capacity(); i++) {
                direct.put(i, (byte) '\n');
            }
            direct.put(b).flip();
            text.copy(direct, n);
            assertEquals(n, text.length());
            for (int i = 0; i < n; i++) {
                assertEquals(b[i] & 0xff, text.at(i), "n " + n + " byte " + i);
            }
            for (int from = 0; from <= n + 2; from++) {
                assertEquals(byteLoop(b, from, n), text.nextNewline(from), "n " + n + " from " + from);
            }
        }
    }

    @Test
    void aLongLineWithoutNewlineEndsAtTheEnd() {
        byte[] b = new byte[1000];
        java.util.Arrays.fill(b, (byte) '7');
        ByteBuffer direct = ByteBuffer.allocateDirect(1024);
        direct.put(b).flip();
        PackedText text = new PackedText();
        text.copy(direct, 1000);
        assertEquals(1000, text.nextNewline(3));
        direct.put(999, (byte) '\n');
        text.copy(direct, 1000);
        assertEquals(999, text.nextNewline(3));
        assertEquals(1000, text.nextNewline(1000));
    }

    @Test
    void aNewBufferIsViewedAfresh() {
        PackedText text = new PackedText();
        ByteBuffer small = ByteBuffer.allocateDirect(16);
        small.put("ab\ncd".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).flip();
        text.copy(small, 5);
        assertEquals(2, text.nextNewline(0));
        ByteBuffer large = ByteBuffer.allocateDirect(64); // the reader's buffer grew
        large.put("0123456789abcdefghij\nx".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).flip();
        text.copy(large, 22);
        assertEquals(20, text.nextNewline(3));
        assertEquals('x', text.at(21));
    }
}
