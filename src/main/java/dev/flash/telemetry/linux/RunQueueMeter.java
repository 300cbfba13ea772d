package dev.flash.telemetry.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * How long runnable tasks waited for a CPU, per group of CPUs, from {@code /proc/schedstat}.
 * Utilization stops at 1: a CPU with one task and a CPU with three look the same. The
 * scheduler's run-queue delay is the part utilization cannot show, the demand the clock leaves
 * waiting.
 *
 * <p>Of each {@code cpuN} line (schedstat versions 15 to 17, kernel
 * {@code Documentation/scheduler/sched-stats.rst}) the meter keeps field 7, the time tasks ran on
 * the CPU, and field 8, the time tasks waited on its run queue, both in nanoseconds since boot.
 * The kernel adds to them when a task leaves the CPU (run time) and when a waiting task gets it
 * (delay), so a tick sees the waits that ended in it. The {@code domainN} lines between the
 * {@code cpuN} lines (load-balancing counters, whose layout changed in versions 16 and 17) are
 * skipped.
 *
 * <p>Read the way {@link ProcStatTicks} reads {@code /proc/stat} ({@link KeptOpenProcFile}), because at 256 CPUs the file
 * is large (a few domain lines of about 40 numbers per CPU, 130 kB): kept open, re-read from
 * offset 0 into one direct buffer that grows to fit, parsed as bytes into arrays reused from
 * reading to reading. Unlike {@code /proc/stat} the whole file must be walked, so its bytes are
 * copied into a byte array first: under C1 (the daemon's compiler) that halved the time of a
 * 256-CPU reading, to about 0.2 ms, most of it finding the ends of the domain lines. Rows are
 * the N of {@code cpuN}; an offline CPU's line is absent, so each reading remembers which CPUs
 * it saw, and only CPUs seen in both readings count.
 *
 * <p>The meter never throws into the tick loop. A kernel without {@code CONFIG_SCHEDSTATS} has
 * no {@code /proc/schedstat}: the meter is unavailable from the start and says why. A read that
 * fails later, or a schedstat version whose fields it does not know, makes it unavailable from
 * then on. A malformed reading (a cpu line with too few numbers, or one that is not a number)
 * only spoils the shares that need it, and {@link #problem()} says what was wrong.
 *
 * <p>Not thread-safe: one loop owns it.
 */
public final class RunQueueMeter {
    /** The oldest and newest versions whose cpu lines carry run time and run delay as fields 7 and 8. */
    static final int MIN_VERSION = 15;
    static final int MAX_VERSION = 17;
    /** Numbers on a cpu line in versions 15 to 17. */
    static final int CPU_FIELDS = 9;
    private static final int RUN_TIME = 6; // field 7, zero-based
    private static final int RUN_DELAY = 7; // field 8
    /** Enough for about 100 CPUs with their domain lines; grows when a read fills it. */
    static final int INITIAL_BYTES = 64 * 1024;
    private static final byte[] VERSION = "version ".getBytes(StandardCharsets.US_ASCII);

    private final KeptOpenProcFile file;
    /** The buffer's bytes, copied in one go: the parser walks the whole file, and array reads are cheap under C1. */
    private byte[] bytes;
    /** Why the meter measures nothing (absent file, failed read, unknown version); null while it works. */
    private String unavailableReason;
    /** What was wrong with the last reading; null when it was whole. */
    private String readingProblem;
    private Reading current;
    private Reading previous;
    /** Reused for the numbers of one cpu line. */
    private final long[] fields = new long[CPU_FIELDS];
    /** Finds the ends of the domain lines, most of the file, eight bytes a step. */
    private final NewlineFinder newlines = new NewlineFinder();

    /**
     * Opens the file; a missing or unreadable one leaves the meter unavailable (no exception,
     * and no retry: a kernel does not grow {@code /proc/schedstat}).
     *
     * @param file {@code /proc/schedstat} (or a fake copy)
     * @param cpus rows to start with (the logical CPUs); more appear as they are seen
     */
    public RunQueueMeter(Path file, int cpus) {
        this.file = new KeptOpenProcFile(file, INITIAL_BYTES);
        this.current = new Reading(cpus);
        this.previous = new Reading(cpus);
        try {
            this.file.open();
            bytes = new byte[INITIAL_BYTES];
        } catch (NoSuchFileException e) {
            unavailableReason = file + " absent (kernel without CONFIG_SCHEDSTATS)";
        } catch (IOException e) {
            unavailableReason = file + " not readable: " + why(e);
        }
    }

    /** The running kernel's {@code /proc/schedstat}, whatever the sysfs root (as {@link CpuLoadMeter#linux()}). */
    public static RunQueueMeter linux() {
        return new RunQueueMeter(Path.of("/proc/schedstat"), Runtime.getRuntime().availableProcessors());
    }

    public Path file() {
        return file.file();
    }

    /** False when the meter cannot measure at all (see {@link #unavailableReason()}). */
    public boolean available() {
        return unavailableReason == null;
    }

    /** Why the meter measures nothing; empty while it works. */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    /**
     * Why the last reading gives no share: the meter's unavailability, or what was wrong with
     * the reading; null when it was whole (the first reading, and the one after a malformed
     * reading, are whole but have nothing to compare with). A String, not an Optional: the tick
     * loop asks every tick.
     */
    public String problem() {
        return unavailableReason != null ? unavailableReason : readingProblem;
    }

    /**
     * Takes a new reading and keeps the previous one. Never throws: a failed read makes the
     * meter unavailable, a malformed file spoils this reading only.
     */
    public void read() {
        if (unavailableReason != null) {
            return;
        }
        Reading swap = previous;
        previous = current;
        current = swap;
        current.clear();
        try {
            int n = readAll();
            readingProblem = parse(bytes, n);
        } catch (IOException e) {
            unavailableReason = file.file() + " could not be read: " + why(e) + " (run-queue wait not measured from then on)";
            close();
        }
        current.whole = readingProblem == null && unavailableReason == null;
    }

    /**
     * Share of the runnable time of {@code cpus} spent waiting for a CPU between the last two
     * readings: sum of run-delay deltas / sum of (run-time + run-delay deltas), 0..1. 0 when the
     * CPUs ran nothing and nothing waited. NaN when the meter is unavailable, before a second
     * reading, when either reading was malformed, when none of the CPUs is in both readings, or
     * when a counter went backwards (they only grow; a decrease means the numbers are not what
     * the meter takes them for).
     */
    public double waitShare(int[] cpus) {
        if (unavailableReason != null || !current.whole || !previous.whole) {
            return Double.NaN;
        }
        long delay = 0;
        long runnable = 0;
        boolean any = false;
        for (int cpu : cpus) {
            if (!current.saw(cpu) || !previous.saw(cpu)) {
                continue; // offline in one of the readings: nothing to compare
            }
            long ran = current.runTime[cpu] - previous.runTime[cpu];
            long waited = current.runDelay[cpu] - previous.runDelay[cpu];
            if (ran < 0 || waited < 0) {
                return Double.NaN;
            }
            delay += waited;
            runnable += ran + waited;
            any = true;
        }
        if (!any) {
            return Double.NaN;
        }
        return runnable == 0 ? 0 : (double) delay / runnable;
    }

    /** An IOException's message without the path most of them consist of. */
    private static String why(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "gone";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage();
    }

    /** Run time of the last reading, in ns (tests). */
    long runTime(int cpu) {
        return current.saw(cpu) ? current.runTime[cpu] : -1;
    }

    /** Run delay of the last reading, in ns (tests). */
    long runDelay(int cpu) {
        return current.saw(cpu) ? current.runDelay[cpu] : -1;
    }

    /** Rows of the readings: one more than the highest CPU number seen (tests). */
    int rows() {
        return current.runTime.length;
    }

    /**
     * Reads the whole file (cpu lines are spread through it) and copies it into {@link #bytes},
     * growing that to the buffer; returns its length.
     */
    private int readAll() throws IOException {
        ByteBuffer buffer = file.read(b -> false);
        if (bytes.length < buffer.capacity()) {
            bytes = new byte[buffer.capacity()];
        }
        int n = buffer.limit();
        buffer.get(0, bytes, 0, n);
        newlines.index(buffer, n);
        return n;
    }

    /**
     * Fills {@link #current} from the file: a {@code version} line first, then {@code cpuN}
     * lines; the others (timestamp, domainN) are skipped. Returns what was wrong, or null.
     * Builds no String unless something is wrong.
     */
    private String parse(byte[] b, int n) {
        if (!startsWith(b, 0, n, VERSION)) {
            return file.file() + ": no \"version\" line first";
        }
        int firstEnd = lineEnd(b, 0, n);
        if (parseNumbers(b, VERSION.length, firstEnd, fields, 1) != 1) {
            return file.file() + ": malformed version line";
        }
        if (fields[0] < MIN_VERSION || fields[0] > MAX_VERSION) {
            unavailableReason = file.file() + ": schedstat version " + fields[0] + " (run time and run delay are read"
                    + " from versions " + MIN_VERSION + " to " + MAX_VERSION + " only)";
            close();
            return null;
        }
        boolean anyCpu = false;
        for (int i = firstEnd + 1; i < n; ) {
            int end = lineEnd(b, i, n);
            if (isCpuLine(b, i, end)) {
                int p = i + 3;
                int cpu = 0;
                int digits = 0;
                while (p < end && b[p] >= '0' && b[p] <= '9' && digits < 8) {
                    cpu = cpu * 10 + (b[p] - '0');
                    digits++;
                    p++;
                }
                if (p == end || b[p] != ' ') {
                    return file.file() + ": malformed cpu line at byte " + i;
                }
                int count = parseNumbers(b, p, end, fields, CPU_FIELDS);
                if (count < CPU_FIELDS) {
                    return file.file() + ": cpu" + cpu + " line: " + (count < 0 ? "a field that is not a number"
                            : count + " numbers, " + CPU_FIELDS + " expected");
                }
                current.put(cpu, fields[RUN_TIME], fields[RUN_DELAY]);
                anyCpu = true;
            }
            i = end + 1;
        }
        return anyCpu ? null : file.file() + ": no cpu lines";
    }

    /**
     * Parses up to {@code max} space-separated decimal numbers of b[p, end) into {@code out};
     * returns how many there were, or -1 at a token that is not a number (or too large for a
     * long). Numbers after the first {@code max} are left unread.
     */
    private static int parseNumbers(byte[] b, int p, int end, long[] out, int max) {
        int count = 0;
        while (count < max) {
            while (p < end && b[p] == ' ') {
                p++;
            }
            if (p == end) {
                return count;
            }
            long value = 0;
            while (p < end && b[p] != ' ') {
                byte c = b[p++];
                if (c < '0' || c > '9' || value > (Long.MAX_VALUE - 9) / 10) {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            out[count++] = value;
        }
        return count;
    }

    /** "cpu" and a digit: the kernel's {@code cpu%d} (schedstat has no aggregate cpu line). */
    private static boolean isCpuLine(byte[] b, int i, int end) {
        return end - i > 3 && b[i] == 'c' && b[i + 1] == 'p' && b[i + 2] == 'u'
                && b[i + 3] >= '0' && b[i + 3] <= '9';
    }

    /** Offset of the first newline at or after {@code from}, or {@code n}; eight bytes a step ({@link NewlineFinder}). */
    private int lineEnd(byte[] b, int from, int n) {
        return newlines.next(b, from, n);
    }

    private static boolean startsWith(byte[] b, int at, int n, byte[] prefix) {
        if (n - at < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (b[at + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** Releases the file; a later {@link #read()} opens it again. */
    public void close() {
        file.close();
    }

    /** The two counters of every CPU in one reading, and which CPUs the reading had a line for. */
    private static final class Reading {
        long[] runTime;
        long[] runDelay;
        boolean[] seen;
        /** Parsed without a problem. */
        boolean whole;

        Reading(int cpus) {
            int rows = Math.max(0, cpus);
            runTime = new long[rows];
            runDelay = new long[rows];
            seen = new boolean[rows];
        }

        void clear() {
            Arrays.fill(seen, false);
            whole = false;
        }

        boolean saw(int cpu) {
            return cpu >= 0 && cpu < seen.length && seen[cpu];
        }

        void put(int cpu, long run, long delay) {
            if (cpu >= seen.length) { // a CPU with a higher number came online (hotplug)
                int rows = cpu + 1;
                runTime = Arrays.copyOf(runTime, rows);
                runDelay = Arrays.copyOf(runDelay, rows);
                seen = Arrays.copyOf(seen, rows);
            }
            runTime[cpu] = run;
            runDelay[cpu] = delay;
            seen[cpu] = true;
        }
    }
}
