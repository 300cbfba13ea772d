package dev.flash.daemon;

/**
 * A count (decisions, target changes) per minute for the status: the last whole minute's, or
 * before one has passed, the rate since start. The loop closes a minute with {@link #close};
 * nothing here allocates, so the tick stays allocation-free.
 */
final class MinuteCounter {
    static final long MINUTE_NANOS = 60_000_000_000L;

    private long total;
    private long atMinuteStart;
    private long lastMinute = -1;

    void add() {
        total++;
    }

    long total() {
        return total;
    }

    /** Ends the current minute: what was counted in it becomes the last whole minute's count. */
    void close() {
        lastMinute = total - atMinuteStart;
        atMinuteStart = total;
    }

    /** Per minute, or null when no time has passed yet. */
    Double perMinute(long nanosSinceStart) {
        if (lastMinute >= 0) {
            return (double) lastMinute;
        }
        if (nanosSinceStart <= 0) {
            return null;
        }
        return Math.round(total * (double) MINUTE_NANOS / nanosSinceStart * 1000) / 1000.0;
    }
}
