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
        } else if (action.matches("up[1-9][0-9]?")) {
            next = current + Integer.parseInt(action.substring(2));
        } else if (action.matches("down[1-9][0-9]?")) {
            next = current - Integer.parseInt(action.substring(4));
        } else {
            throw new IllegalArgumentException("unknown DVFS action '" + action
                    + "' (expected hold, min, max, upN or downN)");
        }
        return Math.max(0, Math.min(levels - 1, next));
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
