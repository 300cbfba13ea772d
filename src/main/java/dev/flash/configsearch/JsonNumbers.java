package dev.flash.configsearch;

import com.google.gson.JsonElement;

/**
 * Numbers of a config-search model's {@code flash.params} (about 15,000 of them, most written
 * from floats, so 9 significant digits or fewer), read faster than {@code getAsDouble}: Gson
 * keeps each number as its text, and {@link Double#parseDouble}'s general path costs a one-shot
 * {@code recommend} tens of milliseconds before the JIT has compiled it.
 *
 * <p>Exact: a decimal with at most 15 significant digits and a power of ten within 10^22 is a
 * long and a power of ten that doubles hold exactly, so one IEEE multiplication or division
 * rounds it correctly (Clinger's fast path, the one {@code Double.parseDouble} takes itself);
 * anything else goes to {@link Double#parseDouble}. {@code JsonNumbersTest} compares the two.
 */
final class JsonNumbers {
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };

    private JsonNumbers() {
    }

    /** {@code e.getAsDouble()}, the same value. */
    static double asDouble(JsonElement e) {
        return parse(e.getAsString());
    }

    /** {@link Double#parseDouble}'s value for {@code s}. */
    static double parse(String s) {
        int n = s.length();
        int i = 0;
        boolean negative = false;
        if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        long mantissa = 0;
        int digits = 0; // significant digits kept in the mantissa
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
                if (++digits > 15) {
                    return Double.parseDouble(s);
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
                return Double.parseDouble(s);
            }
            boolean negExp = false;
            if (s.charAt(i) == '-' || s.charAt(i) == '+') {
                negExp = s.charAt(i) == '-';
                i++;
            }
            if (i >= n || n - i > 3) {
                return Double.parseDouble(s);
            }
            for (; i < n; i++) {
                char d = s.charAt(i);
                if (d < '0' || d > '9') {
                    return Double.parseDouble(s);
                }
                exponent = exponent * 10 + (d - '0');
            }
            if (negExp) {
                exponent = -exponent;
            }
        }
        if (!any) {
            return Double.parseDouble(s);
        }
        int power = exponent - scale;
        double v;
        if (mantissa == 0) {
            v = 0;
        } else if (power >= 0 && power <= 22) {
            v = mantissa * POW10[power];
        } else if (power < 0 && power >= -22) {
            v = mantissa / POW10[-power];
        } else {
            return Double.parseDouble(s);
        }
        return negative ? -v : v;
    }
}
