package dev.flash.telemetry.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import oshi.hardware.CentralProcessor.TickType;

/**
 * Per-CPU tick counters from {@code /proc/stat}, read the way the tick loop can afford at 256
 * CPUs: the file is kept open and re-read from offset 0 (procfs regenerates it on such a read),
 * into one direct buffer, and the {@code cpuN} lines are parsed as bytes into arrays that are
 * reused from call to call. OSHI's driver ({@code CpuStat.getProcessorCpuLoadTicks}) reads the
 * file into a list of Strings and splits each line with a regular expression, which at 256 CPUs
 * was a quarter of a tick's garbage.
 *
 * <p>Layout as OSHI's: {@code ticks()[cpu][TickType.getIndex()]} = user, nice, system, idle,
 * iowait, irq, softirq, steal (guest and guest_nice are already in user and nice). Unlike
 * OSHI's driver the row is the N of {@code cpuN}, so an offline CPU (whose line is absent) does
 * not shift the CPUs after it; its row keeps the values of its last reading. The array grows
 * when a CPU with a higher number appears (hotplug).
 *
 * <p>The returned array is owned by this reader and overwritten by the next call
 * ({@link CpuLoadMeter} copies what it keeps). Not thread-safe: one loop owns it.
 */
public final class ProcStatTicks implements CpuLoadMeter.TickSource {
    static final int FIELDS = TickType.values().length;
    /** Enough for the cpu lines of a few hundred CPUs; grows when a read fills it. */
    static final int INITIAL_BYTES = 32 * 1024;

    private final KeptOpenProcFile file;
    private long[][] ticks;
    /** The file's bytes of the last reading, copied out of the direct buffer in one go. */
    private byte[] bytes = new byte[INITIAL_BYTES];

    /**
     * @param file {@code /proc/stat} (or a fake tree's copy)
     * @param cpus rows to start with (the logical CPUs); more appear as they are seen
     */
    public ProcStatTicks(Path file, int cpus) {
        this.file = new KeptOpenProcFile(file, INITIAL_BYTES);
        this.ticks = new long[Math.max(0, cpus)][FIELDS];
    }

    public Path file() {
        return file.file();
    }

    /**
     * Reads and parses the file.
     *
     * @throws UncheckedIOException when it cannot be read (the telemetry source reports it)
     */
    @Override
    public long[][] ticks() {
        try {
            // only the cpu lines are needed: a full buffer that holds all of them is enough
            parse(file.read(b -> cpuLinesEnd(b) >= 0));
        } catch (IOException e) {
            throw new UncheckedIOException(file.file() + ": " + e.getMessage(), e);
        }
        return ticks;
    }

    /** Offset of the first line after the cpu lines, or -1 when the buffer ends inside them. */
    static int cpuLinesEnd(ByteBuffer b) {
        int n = b.limit();
        int line = 0;
        while (line < n) {
            if (line + 3 > n) {
                return -1; // cut inside a line's start: cannot tell yet
            }
            if (!(b.get(line) == 'c' && b.get(line + 1) == 'p' && b.get(line + 2) == 'u')) {
                return line;
            }
            int eol = line;
            while (eol < n && b.get(eol) != '\n') {
                eol++;
            }
            if (eol == n) {
                return -1;
            }
            line = eol + 1;
        }
        return -1;
    }

    /**
     * Fills {@link #ticks} from the {@code cpuN} lines (the aggregate {@code cpu} line is
     * skipped). The bytes are copied out of the direct buffer first, in one bulk copy: under C1
     * (the daemon's compiler) every {@code ByteBuffer.get(i)} is a call with its checks, and the
     * parser reads each byte of the cpu lines at least once (as {@link RunQueueMeter} does).
     */
    void parse(ByteBuffer buffer) {
        int n = buffer.limit();
        if (bytes.length < n) {
            bytes = new byte[buffer.capacity()];
        }
        buffer.get(0, bytes, 0, n);
        parse(bytes, n);
    }

    private void parse(byte[] b, int n) {
        int i = 0;
        while (i < n) {
            int lineEnd = i;
            while (lineEnd < n && b[lineEnd] != '\n') {
                lineEnd++;
            }
            if (lineEnd - i > 3 && b[i] == 'c' && b[i + 1] == 'p' && b[i + 2] == 'u') {
                int p = i + 3;
                int cpu = 0;
                int digits = 0;
                while (p < lineEnd && b[p] >= '0' && b[p] <= '9') {
                    if (cpu < 1 << 20) { // beyond it the line is skipped; an int must not wrap negative
                        cpu = cpu * 10 + (b[p] - '0');
                    }
                    digits++;
                    p++;
                }
                if (digits > 0 && cpu < 1 << 20) {
                    parseRow(b, p, lineEnd, row(cpu));
                }
            } else if (i > 0) {
                return; // past the cpu lines: intr, ctxt, ... are not needed
            }
            i = lineEnd + 1;
        }
    }

    private long[] row(int cpu) {
        if (cpu >= ticks.length) {
            long[][] grown = new long[cpu + 1][];
            System.arraycopy(ticks, 0, grown, 0, ticks.length);
            for (int c = ticks.length; c < grown.length; c++) {
                grown[c] = new long[FIELDS];
            }
            ticks = grown;
        }
        return ticks[cpu];
    }

    /** Up to {@link #FIELDS} decimal numbers; a missing or malformed one is 0, as in OSHI. */
    private static void parseRow(byte[] b, int p, int end, long[] out) {
        for (int field = 0; field < FIELDS; field++) {
            while (p < end && b[p] == ' ') {
                p++;
            }
            long value = 0;
            boolean ok = p < end;
            while (p < end && b[p] != ' ') {
                byte c = b[p++];
                if (c >= '0' && c <= '9' && value <= (Long.MAX_VALUE - 9) / 10) {
                    value = value * 10 + (c - '0');
                } else {
                    ok = false; // not a number, or one that would wrap negative
                }
            }
            out[field] = ok ? value : 0;
        }
    }

    public void close() {
        file.close();
    }
}
