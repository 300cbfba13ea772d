package dev.flash.telemetry.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time search gives the byte loop's answer at every start, length and alignment. */
class NewlineFinderTest {

    private static int byteLoop(byte[] b, int from, int n) {
        int i = from;
        while (i < n && b[i] != '\n') {
            i++;
        }
        return i;
    }

    @Test
    void agreesWithTheByteLoopEverywhere() {
        Random random = new Random(7);
        NewlineFinder finder = new NewlineFinder();
        for (int round = 0; round < 200; round++) {
            int n = random.nextInt(300);
            byte[] b = new byte[n + random.nextInt(16)]; // bytes past n must not count
            for (int i = 0; i < b.length; i++) {
                // sparse newlines, and bytes whose XOR with '\n' borrows (0x0b, 0x8a, 0x00)
                int r = random.nextInt(40);
                b[i] = r == 0 ? (byte) '\n' : r == 1 ? 0x0b : r == 2 ? (byte) 0x8a : r == 3 ? 0 : (byte) ('0' + r % 10);
            }
            ByteBuffer direct = ByteBuffer.allocateDirect(b.length + 8);
            direct.put(b).flip();
            finder.index(direct, n);
            for (int from = 0; from <= n; from++) {
                assertEquals(byteLoop(b, from, n), finder.next(b, from, n), "n " + n + " from " + from);
            }
        }
    }

    @Test
    void aLongLineWithoutNewlineEndsAtTheEnd() {
        byte[] b = new byte[1000];
        java.util.Arrays.fill(b, (byte) '7');
        ByteBuffer direct = ByteBuffer.allocateDirect(1024);
        direct.put(b).flip();
        NewlineFinder finder = new NewlineFinder();
        finder.index(direct, 1000);
        assertEquals(1000, finder.next(b, 3, 1000));
        b[999] = '\n';
        direct.put(999, (byte) '\n');
        finder.index(direct, 1000);
        assertEquals(999, finder.next(b, 3, 1000));
    }
}
