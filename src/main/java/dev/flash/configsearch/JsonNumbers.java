package dev.flash.configsearch;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import dev.flash.policy.onnx.JsonDecimal;

/**
 * Numbers of a config-search model's {@code flash.params} (about 16,800 of them, most written
 * from floats, so 9 significant digits or fewer), read faster than {@code getAsDouble} and
 * {@code getAsFloat}: Gson keeps each number as its text, and the JDK's general parsing path
 * ({@code FloatingDecimal}, a few thousand bytes of bytecode) costs a one-shot {@code recommend}
 * milliseconds of interpretation and of C1 compiling it.
 *
 * <p>Exact: a plain decimal whose digits make an integer the binary type holds exactly (at most
 * 2^53 for a double, 2^24 for a float) and whose power of ten the type holds exactly too (10^22,
 * 10^10) is one correctly rounded IEEE multiplication or division of two exact numbers
 * (Clinger's fast path, the one the JDK takes itself; {@link JsonDecimal#exactDouble} holds it for
both readers); anything else goes to
 * {@link Double#parseDouble} or {@link Float#parseFloat}. {@code JsonNumbersTest} compares them.
 */
final class JsonNumbers {
    /** {@link #decimal}'s answer for a text it does not take apart: the JDK parses it. */
    private static final long GENERAL = -1;
    private static final int MANTISSA_BITS = 54; // up to 2^53 itself
    private static final long MANTISSA_MASK = (1L << MANTISSA_BITS) - 1;
    private static final int POWER_BIAS = 32; // powers -22..22 stored as 10..54 in six bits
    private static final long NEGATIVE = 1L << 60;

    private JsonNumbers() {
    }

    /**
     * {@code e.getAsDouble()}, the same value. A number of a tree the model's loading read
     * ({@link JsonDecimal}) has it already, from the digits that reading went over.
     */
    static double asDouble(JsonElement e) {
        if (e instanceof JsonPrimitive p && p.isNumber() && p.getAsNumber() instanceof JsonDecimal d) {
            return d.doubleValue();
        }
        return parse(e.getAsString());
    }

    /** {@code e.getAsFloat()}, the same value (see {@link #asDouble}). */
    static float asFloat(JsonElement e) {
        if (e instanceof JsonPrimitive p && p.isNumber() && p.getAsNumber() instanceof JsonDecimal d) {
            return d.floatValue();
        }
        return parseFloat(e.getAsString());
    }

    /** {@link Double#parseDouble}'s value for {@code s}. */
    static double parse(String s) {
        long d = decimal(s);
        if (d == GENERAL) {
            return Double.parseDouble(s);
        }
        // decimal() kept the mantissa and the power within the fast path's range: never NaN here
        return JsonDecimal.exactDouble(d & MANTISSA_MASK, (int) ((d >>> MANTISSA_BITS) & 63) - POWER_BIAS,
                (d & NEGATIVE) != 0);
    }

    /** {@link Float#parseFloat}'s value for {@code s}. */
    static float parseFloat(String s) {
        long d = decimal(s);
        float v = d == GENERAL ? Float.NaN : JsonDecimal.exactFloat(d & MANTISSA_MASK,
                (int) ((d >>> MANTISSA_BITS) & 63) - POWER_BIAS, (d & NEGATIVE) != 0);
        return Float.isNaN(v) ? Float.parseFloat(s) : v;
    }

    /**
     * {@code s} as a plain decimal ({@code -12.5}, {@code 3e-7}): its digits as an integer
     * mantissa of at most 2^53, the power of ten to scale it by (within -22..22) and its sign,
     * packed in one long (bits 0-53, 54-59 the power plus {@link #POWER_BIAS}, 60), so that the
     * hot loop allocates nothing; {@link #GENERAL} for anything else (more digits, a larger
     * power, NaN, hex, a type suffix, spaces, a malformed text), which the JDK then parses or
     * refuses.
     */
    private static long decimal(String s) {
        int n = s.length();
        int i = 0;
        boolean negative = false;
        if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        long mantissa = 0;
        int digits = 0; // significant digits kept in the mantissa (18 fit in a long)
        int scale = 0; // digits after the point
        boolean point = false;
        boolean any = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                any = true;
                if (mantissa == 0 && c == '0') {
                    if (point) {
                        scale++;
                    }
                    continue; // leading zeros are not significant
                }
                if (++digits > 18) {
                    return GENERAL;
                }
                mantissa = mantissa * 10 + (c - '0');
                if (point) {
                    scale++;
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        int exponent = 0;
        if (i < n) {
            char c = s.charAt(i);
            if ((c != 'e' && c != 'E') || !any || ++i >= n) {
                return GENERAL;
            }
            boolean negExp = false;
            if (s.charAt(i) == '-' || s.charAt(i) == '+') {
                negExp = s.charAt(i) == '-';
                i++;
            }
            if (i >= n || n - i > 3) {
                return GENERAL;
            }
            for (; i < n; i++) {
                char d = s.charAt(i);
                if (d < '0' || d > '9') {
                    return GENERAL;
                }
                exponent = exponent * 10 + (d - '0');
            }
            if (negExp) {
                exponent = -exponent;
            }
        }
        int power = exponent - scale;
        if (!any || mantissa > (1L << 53) || (mantissa != 0 && (power > 22 || power < -22))) {
            return GENERAL;
        }
        if (mantissa == 0) {
            power = 0;
        }
        return (negative ? NEGATIVE : 0) | ((long) (power + POWER_BIAS) << MANTISSA_BITS) | mantissa;
    }
}
