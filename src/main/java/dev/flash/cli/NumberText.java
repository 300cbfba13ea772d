package dev.flash.cli;

/**
 * {@code String.format(Locale.ROOT, "%.Ng", x)} and {@code "%.Nf"} without {@link java.util.Formatter}:
 * the same characters (NumberTextTest checks them against String.format over many values).
 *
 * <p>Why: the first use of a Formatter in a process sets up its format-string parser (a regular
 * expression) and the locale's decimal-format symbols, interpreted, and its ~290 JDK classes made
 * the text answer's AppCDS archive about 3 MB bigger, which every answer's JVM start paid for
 * (docs/log/2026-12-07-recommend-latency-4.md).
 *
 * <p>How the Formatter makes these digits: it takes the decimal digits of the double that the
 * runtime's binary-to-decimal conversion gives ({@link Double#toString}'s digits) and rounds that
 * digit string half-up to the precision; it does not round the double's exact binary value
 * (2.0345, stored as 2.03449999..., is "2.035" with {@code %.4g}). This class rounds the digits of
 * {@link Double#toString} the same way.
 */
public final class NumberText {

    private NumberText() {
    }

    /** {@code String.format(Locale.ROOT, "%." + precision + "g", value)}. */
    public static String general(double value, int precision) {
        if (precision < 0) {
            throw new IllegalArgumentException("precision " + precision);
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return special(value);
        }
        int prec = precision == 0 ? 1 : precision;
        StringBuilder sb = new StringBuilder(prec + 8);
        if (Double.compare(value, 0.0) < 0) { // -0.0 too, as the Formatter does
            sb.append('-');
        }
        if (value == 0) {
            sb.append('0');
            fraction(sb, "", prec - 1);
            return sb.toString();
        }
        Digits d = Digits.of(Math.abs(value));
        d.roundToSignificant(prec);
        if (d.exp < -4 || d.exp >= prec) { // scientific: d.ddd e+XX
            sb.append(d.digit(0));
            fraction(sb, d.digits.substring(Math.min(1, d.digits.length())), prec - 1);
            sb.append('e').append(d.exp < 0 ? '-' : '+');
            int e = Math.abs(d.exp);
            if (e < 10) {
                sb.append('0');
            }
            sb.append(e);
        } else {
            fixed(sb, d, prec - d.exp - 1);
        }
        return sb.toString();
    }

    /** {@code String.format(Locale.ROOT, "%." + precision + "f", value)}. */
    public static String fixed(double value, int precision) {
        if (precision < 0) {
            throw new IllegalArgumentException("precision " + precision);
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return special(value);
        }
        StringBuilder sb = new StringBuilder(precision + 24);
        if (Double.compare(value, 0.0) < 0) {
            sb.append('-');
        }
        if (value == 0) {
            sb.append('0');
            fraction(sb, "", precision);
            return sb.toString();
        }
        Digits d = Digits.of(Math.abs(value));
        d.roundToSignificant(d.exp + 1 + precision);
        fixed(sb, d, precision);
        return sb.toString();
    }

    private static String special(double value) {
        return Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    }

    /** The digits (already rounded) in positional form with {@code decimals} digits after the point. */
    private static void fixed(StringBuilder sb, Digits d, int decimals) {
        if (d.exp < 0) {
            sb.append('0');
            StringBuilder frac = new StringBuilder(decimals);
            for (int i = 0; i < -d.exp - 1 && frac.length() < decimals; i++) {
                frac.append('0');
            }
            frac.append(d.digits);
            fraction(sb, frac.length() > decimals ? frac.substring(0, decimals) : frac.toString(), decimals);
            return;
        }
        int intDigits = d.exp + 1;
        for (int i = 0; i < intDigits; i++) {
            sb.append(i < d.digits.length() ? d.digits.charAt(i) : '0');
        }
        String rest = d.digits.length() > intDigits ? d.digits.substring(intDigits) : "";
        fraction(sb, rest.length() > decimals ? rest.substring(0, decimals) : rest, decimals);
    }

    /** ".{digits}" padded with zeros to {@code decimals}; nothing when decimals is 0. */
    private static void fraction(StringBuilder sb, String digits, int decimals) {
        if (decimals <= 0) {
            return;
        }
        sb.append('.').append(digits);
        for (int i = digits.length(); i < decimals; i++) {
            sb.append('0');
        }
    }

    /** A positive finite double as significant digits d1 d2 ... (no leading or trailing zeros) times 10^(exp - n + 1). */
    static final class Digits {
        String digits;
        /** The decimal exponent of the first digit: value = d1.d2d3... x 10^exp. */
        int exp;

        static Digits of(double positive) {
            String s = Double.toString(positive);
            int ePos = s.indexOf('E');
            String mantissa = ePos < 0 ? s : s.substring(0, ePos);
            int exponent = ePos < 0 ? 0 : Integer.parseInt(s.substring(ePos + 1));
            int point = mantissa.indexOf('.');
            String all = mantissa.substring(0, point) + mantissa.substring(point + 1);
            int lead = 0;
            while (lead < all.length() - 1 && all.charAt(lead) == '0') {
                lead++;
            }
            int end = all.length();
            while (end > lead + 1 && all.charAt(end - 1) == '0') {
                end--;
            }
            Digits d = new Digits();
            d.digits = all.substring(lead, end);
            d.exp = point - lead - 1 + exponent;
            return d;
        }

        char digit(int i) {
            return digits.charAt(i);
        }

        /**
         * Keeps the first {@code n} significant digits, rounding half-up on the digit string (the
         * Formatter's rule). n may be 0 or negative (a fixed format whose last place lies above the
         * first digit): then the value rounds to 10^(exp - n + 1)... or to zero, as the Formatter does.
         */
        void roundToSignificant(int n) {
            if (n >= digits.length()) {
                return;
            }
            if (n < 0) { // the kept place is two or more above the first digit: the Formatter leaves it (prints zeros)
                return;
            }
            if (n == 0) { // only the place just above the first digit: 0 or 1 there
                if (digits.charAt(0) >= '5') {
                    digits = "1";
                    exp += 1;
                } else {
                    digits = "0";
                }
                return;
            }
            char[] c = digits.substring(0, n).toCharArray();
            if (digits.charAt(n) >= '5') {
                int i = n - 1;
                while (i >= 0 && c[i] == '9') {
                    c[i] = '0';
                    i--;
                }
                if (i < 0) {
                    digits = "1";
                    exp += 1;
                    return;
                }
                c[i]++;
            }
            int end = n;
            while (end > 1 && c[end - 1] == '0') {
                end--;
            }
            digits = new String(c, 0, end);
        }
    }
}
