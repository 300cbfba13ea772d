package dev.flash.sim;

/**
 * A simulated-node spec, application or population file is invalid. The message names the file,
 * the application or key and the offending value, e.g.
 * {@code apps.json: app 3 (name 'x'): phase 1: memory_boundness 1.7 out of range [0, 0.95]}.
 * It is an {@link IllegalArgumentException} so callers that only know "bad input" can catch that.
 */
public class SpecException extends IllegalArgumentException {
    public SpecException(String message) {
        super(oneLine(message));
    }

    public SpecException(String message, Throwable cause) {
        super(oneLine(message), cause);
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

    /**
     * The message as one line: a key or value echoed from the file may hold a line break or
     * another control character (found by SimFilesFuzzTest); it is shown escaped.
     */
    static String oneLine(String message) {
        if (message == null || message.chars().noneMatch(Character::isISOControl)) {
            return message;
        }
        StringBuilder b = new StringBuilder(message.length() + 8);
        for (char c : message.toCharArray()) {
            if (c == '\n') {
                b.append("\\n");
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
