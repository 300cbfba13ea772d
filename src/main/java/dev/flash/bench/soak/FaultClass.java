package dev.flash.bench.soak;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What the soak does to flashd's world, one class per way it goes wrong; counted per class. */
public enum FaultClass {
    /** The next write to one of a policy's controls fails with EIO. */
    WRITE_EIO,
    /** ... with EBUSY. */
    WRITE_EBUSY,
    /** ... with EINVAL. */
    WRITE_EINVAL,
    /** A policy's CPUs are hot-removed for a while, then come back with the kernel's defaults. */
    UNPLUG,
    /** Random bytes named {@code *.onnx} appear in the models directory. */
    MODEL_CORRUPT,
    /** A model file far larger than any real one (the valid model padded to {@value SoakRun#HUGE_MODEL_MIB} MiB). */
    MODEL_HUGE,
    /** The first part of the valid model, as a copy cut short. */
    MODEL_HALF,
    /** The telemetry stops: the same record, and counters that stand still, for a while. */
    TELEMETRY_STALL,
    /** The package energy counter is moved just below its wrap point. */
    RAPL_WRAP,
    /** The package energy counter drops to 0. */
    RAPL_RESET,
    /** Another tool sets a policy's governor. */
    FOREIGN_GOVERNOR,
    /** Another tool sets a policy's scaling_max_freq. */
    FOREIGN_LIMIT,
    /** The daemon dies without its shutdown (SIGKILL); `flash restore` runs; a new daemon starts. */
    SIGKILL;

    /** The name on the command line and in reports: {@code write-eio}, {@code sigkill}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@link #key()} (or the enum name). */
    public static FaultClass parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (FaultClass f : values()) {
            if (f.name().equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown fault class '" + text + "' (known: " + keys() + ")");
    }

    /** A comma-separated list of keys, or "all". */
    public static Set<FaultClass> parseList(String text) {
        if (text.trim().equalsIgnoreCase("all")) {
            return all();
        }
        Set<FaultClass> s = EnumSet.noneOf(FaultClass.class);
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                s.add(parse(part));
            }
        }
        return s;
    }

    public static String keys() {
        StringBuilder b = new StringBuilder();
        for (FaultClass f : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(f.key());
        }
        return b.toString();
    }

    /** Every class: the command's default mix. */
    public static Set<FaultClass> all() {
        return EnumSet.allOf(FaultClass.class);
    }
}
