package dev.flash.dvfs;

import dev.flash.telemetry.PolicySample;
import java.util.List;

/**
 * The DVFS action set: discrete moves on a ladder of {@code levels} evenly spaced frequencies
 * between the policy's hardware minimum and maximum. Action names are written into every DVFS
 * model's metadata, so the mapping from a model output to a frequency is data, not code:
 * {@code hold}, {@code upN}, {@code downN}, {@code min}, {@code max}.
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
        double f = p.normalizedFrequency();
        if (Double.isNaN(f)) {
            return levels - 1;
        }
        return (int) Math.round(f * (levels - 1));
    }

    /** Frequency in kHz of a ladder level for this policy (not yet snapped to its table). */
    public static long levelKhz(PolicySample p, int level, int levels) {
        double frac = levels <= 1 ? 1.0 : (double) level / (levels - 1);
        return Math.round(p.cpuinfoMinKhz() + frac * (p.cpuinfoMaxKhz() - p.cpuinfoMinKhz()));
    }

    /** Target frequency for an action taken at the policy's current frequency. */
    public static long targetKhz(String action, PolicySample p, int levels) {
        return levelKhz(p, levelAfter(action, currentLevel(p, levels), levels), levels);
    }
}
