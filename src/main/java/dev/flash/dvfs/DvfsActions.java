package dev.flash.dvfs;

import dev.flash.telemetry.PolicySample;
import java.util.List;

/**
 * The DVFS action set: discrete moves on a ladder of {@code levels} rungs spread over the
 * policy's frequencies, from its hardware minimum to its maximum. Action names are written into
 * every DVFS model's metadata, so the mapping from a model output to a frequency is data, not
 * code: {@code hold}, {@code upN}, {@code downN}, {@code min}, {@code max}.
 *
 * <p>Where the policy lists its frequencies ({@code scaling_available_frequencies}), the rungs
 * are spread over the <em>entries of that table</em> (rung i is the entry at rank
 * i/(levels-1) of it); without a table, evenly over the kHz range. On an evenly spaced table
 * the two are the same frequencies. On any other they differ where it matters: a table with a
 * boost bin far above the stepped range (800-2400 MHz in 25 MHz steps, then 3700) put every
 * upper rung of an even kHz ladder in the gap, each snapped back up to 3700, so a model could
 * never step down out of the boost bin; spread over the table, the rung below 3700 is 2250.
 */
public final class DvfsActions {
    private DvfsActions() {
    }

    public static final List<String> DEFAULT = List.of("min", "down2", "down1", "hold", "up1", "up2", "max");
    public static final int DEFAULT_LEVELS = 10;

    /** Throws IllegalArgumentException naming the action when it is not of a known form. */
    public static void validate(String action) {
        levelAfter(action, 0, DEFAULT_LEVELS);
    }

    /** The ladder level (0 .. levels-1) that the action leads to from {@code current}. */
    public static int levelAfter(String action, int current, int levels) {
        int next;
        if (action.equals("hold")) {
            next = current;
        } else if (action.equals("min")) {
            next = 0;
        } else if (action.equals("max")) {
            next = levels - 1;
        } else if (step(action, "up") > 0) {
            next = current + step(action, "up");
        } else if (step(action, "down") > 0) {
            next = current - step(action, "down");
        } else {
            throw new IllegalArgumentException("unknown DVFS action '" + action
                    + "' (expected hold, min, max, upN or downN)");
        }
        return Math.max(0, Math.min(levels - 1, next));
    }

    /**
     * N of {@code prefix + N} where N is 1..99 without a leading zero ({@code up[1-9][0-9]?}),
     * else -1. Parsed by hand: this runs for every policy on every tick, and a regular
     * expression compiled per call was most of a 256-policy tick's garbage.
     */
    static int step(String action, String prefix) {
        int n = action.length() - prefix.length();
        if ((n != 1 && n != 2) || !action.startsWith(prefix)) {
            return -1;
        }
        char first = action.charAt(prefix.length());
        if (first < '1' || first > '9') {
            return -1;
        }
        if (n == 1) {
            return first - '0';
        }
        char second = action.charAt(prefix.length() + 1);
        return second < '0' || second > '9' ? -1 : (first - '0') * 10 + (second - '0');
    }

    /** The ladder level nearest to the policy's current frequency. */
    public static int currentLevel(PolicySample p, int levels) {
        return currentLevel(p, table(p), levels);
    }

    private static int currentLevel(PolicySample p, long[] table, int levels) {
        double f = ladderPosition(p, table);
        if (Double.isNaN(f)) {
            return levels - 1;
        }
        return (int) Math.round(f * (levels - 1));
    }

    /**
     * Frequency in kHz of a ladder level for this policy: an entry of its table when it lists
     * one, else a point of the kHz range (which the actuator snaps and clamps).
     */
    public static long levelKhz(PolicySample p, int level, int levels) {
        return levelKhz(p, table(p), level, levels);
    }

    private static long levelKhz(PolicySample p, long[] table, int level, int levels) {
        double frac = levels <= 1 ? 1.0 : (double) level / (levels - 1);
        if (table != null) {
            return table[(int) Math.round(frac * (table.length - 1))];
        }
        return Math.round(p.cpuinfoMinKhz() + frac * (p.cpuinfoMaxKhz() - p.cpuinfoMinKhz()));
    }

    /**
     * Where the current frequency sits on the ladder, 0..1: the rank of the nearest table entry
     * over the table's last rank, or the normalised frequency without a table; NaN when unknown.
     */
    static double ladderPosition(PolicySample p, long[] table) {
        if (table == null) {
            return p.normalizedFrequency();
        }
        if (p.curKhz() < 0) {
            return Double.NaN;
        }
        int nearest = 0;
        for (int i = 1; i < table.length; i++) {
            if (Math.abs(table[i] - p.curKhz()) < Math.abs(table[nearest] - p.curKhz())) {
                nearest = i;
            }
        }
        return (double) nearest / (table.length - 1);
    }

    /**
     * The policy's frequency table inside its hardware range, ascending, when it has two or more
     * entries; else null (the kHz range is used). The kernel's own list (ascending, or
     * descending as acpi-cpufreq writes it) is used as it is or reversed; only an odd one
     * (unordered, or with entries outside cpuinfo_min..max) is filtered and sorted. This runs for
     * every policy on every tick.
     */
    private static long[] table(PolicySample p) {
        long[] t = p.availableKhz();
        if (t == null || t.length < 2) {
            return null;
        }
        boolean ascending = true;
        boolean descending = true;
        for (int i = 1; i < t.length; i++) {
            ascending &= t[i] > t[i - 1];
            descending &= t[i] < t[i - 1];
        }
        long lowest = ascending ? t[0] : t[t.length - 1];
        long highest = ascending ? t[t.length - 1] : t[0];
        boolean inside = lowest >= p.cpuinfoMinKhz() && highest <= p.cpuinfoMaxKhz();
        if (ascending && inside) {
            return t;
        }
        if (descending && inside) {
            long[] r = new long[t.length];
            for (int i = 0; i < t.length; i++) {
                r[i] = t[t.length - 1 - i];
            }
            return r;
        }
        long[] kept = java.util.Arrays.stream(t).filter(k -> k >= p.cpuinfoMinKhz() && k <= p.cpuinfoMaxKhz())
                .sorted().distinct().toArray();
        return kept.length < 2 ? null : kept;
    }

    /** Target frequency for an action taken at the policy's current frequency. */
    public static long targetKhz(String action, PolicySample p, int levels) {
        long[] table = table(p); // once per decision: it may be a reversed copy of the kernel's list
        return levelKhz(p, table, levelAfter(action, currentLevel(p, table, levels), levels), levels);
    }
}
