package dev.flash.sim;

/** Snapping a target to a cpufreq table the way the kernel's CPUFREQ_RELATION_* do. */
public final class FrequencyTable {
    private FrequencyTable() {
    }

    /** CPUFREQ_RELATION_C: the closest entry (ties go up). Table ascending, non-empty. */
    public static long nearest(long[] table, long target) {
        long best = table[0];
        for (long f : table) {
            if (Math.abs(f - target) <= Math.abs(best - target)) {
                best = f;
            }
        }
        return best;
    }

    /** CPUFREQ_RELATION_L: the lowest entry at or above target (the highest if none). */
    public static long atLeast(long[] table, long target) {
        for (long f : table) {
            if (f >= target) {
                return f;
            }
        }
        return table[table.length - 1];
    }

    /** CPUFREQ_RELATION_H: the highest entry at or below target (the lowest if none). */
    public static long atMost(long[] table, long target) {
        for (int i = table.length - 1; i >= 0; i--) {
            if (table[i] <= target) {
                return table[i];
            }
        }
        return table[0];
    }

    public static long clamp(long value, long lo, long hi) {
        return Math.max(lo, Math.min(hi, value));
    }
}
