package dev.flash.policy.onnx;

import com.google.gson.internal.LazilyParsedNumber;
import java.nio.charset.StandardCharsets;

/**
 * A number of a JSON tree {@link JsonTree} read: its text, as Gson keeps it
 * ({@link LazilyParsedNumber}: {@link #toString} is the text, the integer views parse it the same
 * way), and its double and float values, taken from the digits the reading already went over
 * when they make an exact case: an integer mantissa the type holds exactly (2^53, 2^24) scaled by
 * a power of ten it holds exactly too (10^22, 10^10) is one correctly rounded IEEE multiplication
 * or division (Clinger's fast path, the JDK's own), so the value is {@link Double#parseDouble}'s
 * and {@link Float#parseFloat}'s; anything else is parsed from the text by them. Why: a
 * config-search model's params hold about 16,800 numbers, and parsing each one's text again
 * (a String made, then read character by character, interpreted) was most of reading them
 * (docs/log/2026-12-07-recommend-latency-4.md). JsonDecimalTest compares the values.
 */
public final class JsonDecimal extends Number {
    private static final long serialVersionUID = 1L;
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    private static final float[] FLOAT_POW10 = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

    private final transient byte[] source;
    private final transient int start;
    private final transient int length;
    private String text;
    /** The significant digits as an integer (meaningful when {@link #digits} is at most 18). */
    private final long mantissa;
    private final int digits;
    /** value = +-mantissa x 10^power. */
    private final int power;
    private final boolean negative;

    /**
     * The number whose text is {@code source[start, start + length)} (ISO-8859-1: a JSON number
     * is ASCII), {@code digits} significant digits making {@code mantissa} (leading zeros not
     * counted; more than 18: the mantissa is not used), times 10^power, negative or not.
     */
    JsonDecimal(byte[] source, int start, int length, long mantissa, int digits, int power, boolean negative) {
        this.source = source;
        this.start = start;
        this.length = length;
        this.mantissa = mantissa;
        this.digits = digits;
        this.power = power;
        this.negative = negative;
    }

    @Override
    public double doubleValue() {
        double v = digits > 18 ? Double.NaN : exactDouble(mantissa, power, negative);
        return Double.isNaN(v) ? Double.parseDouble(toString()) : v;
    }

    @Override
    public float floatValue() {
        float v = digits > 18 ? Float.NaN : exactFloat(mantissa, power, negative);
        return Float.isNaN(v) ? Float.parseFloat(toString()) : v;
    }

    /**
     * {@link #doubleValue} of the number these arguments describe (as the constructor's), without
     * making it: {@link JsonCursor} reads numbers straight into a reader's arrays.
     */
    static double doubleOf(byte[] source, int start, int length, long mantissa, int digits, int power,
                           boolean negative) {
        double v = digits > 18 ? Double.NaN : exactDouble(mantissa, power, negative);
        return Double.isNaN(v) ? Double.parseDouble(new String(source, start, length, StandardCharsets.ISO_8859_1)) : v;
    }

    /** {@link #floatValue} of the number these arguments describe, without making it. */
    static float floatOf(byte[] source, int start, int length, long mantissa, int digits, int power,
                         boolean negative) {
        float v = digits > 18 ? Float.NaN : exactFloat(mantissa, power, negative);
        return Float.isNaN(v) ? Float.parseFloat(new String(source, start, length, StandardCharsets.ISO_8859_1)) : v;
    }

    /**
     * +-mantissa x 10^power by Clinger's fast path, {@link Double#parseDouble}'s value, when the
     * mantissa (at most 2^53) and the power of ten (within +-22) are both exact doubles; NaN
     * otherwise (no decimal text means NaN), for the caller to parse the text. Also the fast path
     * of the config-search params' own number reading.
     */
    public static double exactDouble(long mantissa, int power, boolean negative) {
        if (mantissa > (1L << 53) || power > 22 || power < -22) {
            return Double.NaN;
        }
        double v = mantissa == 0 ? 0 : power >= 0 ? mantissa * POW10[power] : mantissa / POW10[-power];
        return negative ? -v : v;
    }

    /** The same for a float ({@link Float#parseFloat}'s value): mantissa at most 2^24, power within +-10. */
    public static float exactFloat(long mantissa, int power, boolean negative) {
        if (mantissa > (1L << 24) || power > 10 || power < -10) {
            return Float.NaN;
        }
        // float operands: one float rounding, not a double's then a float's
        float v = mantissa == 0 ? 0 : power >= 0 ? (float) mantissa * FLOAT_POW10[power]
                : (float) mantissa / FLOAT_POW10[-power];
        return negative ? -v : v;
    }

    @Override
    public int intValue() {
        return new LazilyParsedNumber(toString()).intValue();
    }

    @Override
    public long longValue() {
        return new LazilyParsedNumber(toString()).longValue();
    }

    /** The number's text, as written. */
    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = new String(source, start, length, StandardCharsets.ISO_8859_1);
            text = t;
        }
        return t;
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Equal to another number of the same text, as LazilyParsedNumber is. */
    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof JsonDecimal d && toString().equals(d.toString()));
    }

    /** Serialised as Gson's own number: the text. */
    private Object writeReplace() {
        return new LazilyParsedNumber(toString());
    }
}
