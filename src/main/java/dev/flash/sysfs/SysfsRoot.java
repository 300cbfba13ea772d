package dev.flash.sysfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one place every sysfs and procfs path goes through. The root is configurable, so tests and
 * {@code --sysfs-root} point the whole program at a fake tree laid out like the kernel's.
 *
 * <p>Reads come in two flavours, as in OSHI: {@code read*} return {@link Optional#empty()} (or a
 * default) for a missing or unreadable file, because hotplug and driver differences make
 * absence normal; {@code require*} throw {@link SysfsException} naming the file when the caller
 * cannot go on without it.
 */
public final class SysfsRoot {
    /** Paths relative to the root, as in the kernel. */
    public static final String CPU = "sys/devices/system/cpu";
    public static final String CPUFREQ = CPU + "/cpufreq";
    public static final String POWERCAP = "sys/class/powercap";
    public static final String DEV_CPU = "dev/cpu";
    public static final String PROC_STAT = "proc/stat";

    private final Path root;
    private final SysfsWriter writer;

    public SysfsRoot(Path root) {
        this(root, SysfsWriter.FILES);
    }

    private SysfsRoot(Path root, SysfsWriter writer) {
        this.root = root.toAbsolutePath().normalize();
        this.writer = java.util.Objects.requireNonNull(writer, "writer");
    }

    /**
     * The same root with writes going through {@code newWriter} (tests give a fake tree the
     * kernel's write semantics this way). Reads are unaffected.
     */
    public SysfsRoot withWriter(SysfsWriter newWriter) {
        return new SysfsRoot(root, newWriter);
    }

    /** Where this root's writes go; {@link SysfsWriter#FILES} unless replaced. */
    public SysfsWriter writer() {
        return writer;
    }

    /**
     * Writes a control through this root's writer. Every write of a control (actuation and
     * restore) goes through here, so a test's fake kernel sees all of them.
     */
    public void writeFile(Path file, String value) throws SysfsException {
        writer.write(file, value);
    }

    /** The real machine: "/". */
    public static SysfsRoot system() {
        return new SysfsRoot(Path.of("/"));
    }

    public Path root() {
        return root;
    }

    /** Resolves a kernel path such as {@code sys/devices/system/cpu/cpufreq} under the root. */
    public Path resolve(String relative) {
        String clean = relative.startsWith("/") ? relative.substring(1) : relative;
        return root.resolve(clean);
    }

    /** True when this root is the real "/" (writes then touch the real machine). */
    public boolean isSystemRoot() {
        return root.getParent() == null;
    }

    // ---- reads that tolerate absence ------------------------------------------------------

    /** The file's first line, trimmed; empty if it does not exist or cannot be read. */
    public static Optional<String> readLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.of("") : Optional.of(lines.get(0).trim());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** A long value, or {@code fallback} when the file is missing, unreadable or not a number. */
    public static long readLong(Path file, long fallback) {
        return readLine(file).map(s -> parseLong(s, fallback)).orElse(fallback);
    }

    /** Whitespace-separated words (e.g. {@code scaling_available_governors}); empty if absent. */
    public static List<String> readWords(Path file) {
        return readLine(file)
                .map(s -> s.isEmpty() ? List.<String>of() : Arrays.asList(s.split("\\s+")))
                .orElse(List.of());
    }

    /** Whitespace-separated numbers, ascending; empty if absent or any word is not a number. */
    public static long[] readLongs(Path file) {
        List<String> words = readWords(file);
        long[] out = new long[words.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = parseLong(words.get(i), Long.MIN_VALUE);
            if (out[i] == Long.MIN_VALUE) {
                return new long[0];
            }
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * A CPU list in the kernel's format ({@code "0-3,8,10-11"} or {@code "0 1 2"} as in
     * {@code affected_cpus}), parsed; empty on a missing file or a malformed list.
     */
    public static int[] readCpuList(Path file) {
        return readLine(file).map(SysfsRoot::parseCpuList).orElse(new int[0]);
    }

    /**
     * The largest CPU number a list may name, plus one: the kernel's NR_CPUS is at most 8192 on
     * every architecture today; this leaves room and keeps a list's size bounded by it.
     */
    public static final int MAX_CPUS = 1 << 16;

    /**
     * Pure parser for the kernel's CPU list formats; tests call it directly. Malformed (not a
     * number, a range running backwards, a CPU number outside [0, {@link #MAX_CPUS})): empty, as
     * for a missing file. Memory is bounded by {@link #MAX_CPUS}, whatever the range says
     * ({@code 0-2000000000} once ran the heap out, found by CpufreqFuzzTest).
     */
    public static int[] parseCpuList(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return new int[0];
        }
        java.util.BitSet cpus = new java.util.BitSet();
        try {
            for (String part : s.split("[,\\s]+")) {
                int dash = part.indexOf('-');
                int lo;
                int hi;
                if (dash > 0) {
                    lo = Integer.parseInt(part.substring(0, dash));
                    hi = Integer.parseInt(part.substring(dash + 1));
                } else {
                    lo = Integer.parseInt(part);
                    hi = lo;
                }
                if (lo < 0 || hi < lo || hi >= MAX_CPUS) {
                    return new int[0];
                }
                cpus.set(lo, hi + 1);
            }
        } catch (NumberFormatException e) {
            return new int[0];
        }
        return cpus.stream().toArray();
    }

    // ---- reads that must succeed ----------------------------------------------------------

    /** The first line, trimmed; throws naming the file and the reason when it cannot be read. */
    public static String requireLine(Path file) throws SysfsException {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0).trim();
        } catch (NoSuchFileException e) {
            throw new SysfsException(file, "missing", e);
        } catch (AccessDeniedException e) {
            throw new SysfsException(file, "permission denied (EACCES); run as root", e);
        } catch (IOException e) {
            throw new SysfsException(file, describe(e), e);
        }
    }

    public static long requireLong(Path file) throws SysfsException {
        String s = requireLine(file);
        long v = parseLong(s, Long.MIN_VALUE);
        if (v == Long.MIN_VALUE) {
            throw new SysfsException(file, "not a number: '" + s + "'", null);
        }
        return v;
    }

    // ---- writes -------------------------------------------------------------------------

    /**
     * Writes a value the way sysfs expects (one write of the whole string, no truncation
     * games), mapping the kernel's errors to messages that name the file.
     */
    public static void write(Path file, String value) throws SysfsException {
        try {
            Files.writeString(file, value, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        } catch (NoSuchFileException e) {
            throw new SysfsException(file, "missing (policy gone? hotplug?)", e);
        } catch (AccessDeniedException e) {
            throw new SysfsException(file, "permission denied (EACCES); run as root", e);
        } catch (IOException e) {
            throw new SysfsException(file, "write of '" + value + "' failed: " + describe(e), e);
        }
    }

    /** True when the failure was a permission denial (EACCES): the caller needs root. */
    public static boolean isPermissionDenied(SysfsException e) {
        return e.getCause() instanceof AccessDeniedException
                || (e.getMessage() != null && e.getMessage().contains("EACCES"));
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        // The JDK reports kernel errnos as text: "Device or resource busy" (EBUSY),
        // "Invalid argument" (EINVAL). Name them the way operators know them.
        if (m.contains("Device or resource busy")) {
            return "EBUSY (" + m + ")";
        }
        if (m.contains("Invalid argument")) {
            return "EINVAL (" + m + ")";
        }
        return m;
    }

    private static long parseLong(String s, long fallback) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
