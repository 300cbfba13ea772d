package dev.flash.sim;

/**
 * A simulated-node spec, application or population file is invalid. The message names the file,
 * the application or key and the offending value, e.g.
 * {@code apps.json: app 3 (name 'x'): phase 1: memory_boundness 1.7 out of range [0, 0.95]}.
 * It is an {@link IllegalArgumentException} so callers that only know "bad input" can catch that.
 */
public class SpecException extends IllegalArgumentException {
    public SpecException(String message) {
        super(message);
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Same problem, with a location (file, app, key, line) put in front of the message. */
    public SpecException at(String location) {
        return new SpecException(location + ": " + getMessage(), this);
    }

    static double inRange(String field, double value, double lo, double hi) {
        if (Double.isNaN(value) || value < lo || value > hi) {
            throw new SpecException(field + " " + fmt(value) + " out of range [" + fmt(lo) + ", " + fmt(hi) + "]");
        }
        return value;
    }

    /** Lower bound excluded: (lo, hi]. */
    static double inRangeOpen(String field, double value, double lo, double hi) {
        if (Double.isNaN(value) || value <= lo || value > hi) {
            throw new SpecException(field + " " + fmt(value) + " out of range (" + fmt(lo) + ", " + fmt(hi) + "]");
        }
        return value;
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
