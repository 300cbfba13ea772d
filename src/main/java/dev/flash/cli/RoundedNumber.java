package dev.flash.cli;

/**
 * A number the model estimated, as the JSON answers of {@code config-search recommend} write it:
 * rounded to {@link #DIGITS} significant digits (a prediction carries an uncertainty of 1% or
 * more, so the digits after the sixth say nothing), in the form {@link Double#toString} would
 * use (plain from 0.001 up to 10^7, else {@code d.dddddE-4}; at least one digit after the point).
 * The answer is valid JSON and each number parses back to within half a unit of its sixth
 * significant digit.
 *
 * <p>Why: a one-shot {@code recommend --json} writes about 330 numbers, and JDK 17's
 * {@code Double.toString} (its {@code FloatingDecimal}: 17 digits, big-number arithmetic for
 * the hard cases) ran cold for each of them, interpreted or C1-compiled: about 3-4 ms of the
 * answer's main thread (docs/log/2026-12-08-csjson8.md). This is a multiplication by a power of
 * ten, a rounding to a {@code long} and six digits written by hand.
 *
 * <p>A number that is not an estimate (a measurement, the deadline the user gave) is written in
 * full ({@link JsonOut#number(String, double)}); so are NaN, the infinities, zero and the magnitudes
 * below 1e-15 or from 1e21 up, which no answer holds (their scaling by a power of ten would not be
 * exact).
 *
 * <p>An instance is that text as a {@link Number} for Gson's tree ({@code --stream}), which writes
 * a number as its {@code toString()}.
 */
final class RoundedNumber extends Number {

    private static final long serialVersionUID = 1L;

    /** Significant digits of an estimate. */
    static final int DIGITS = 6;

    private static final int LOW = 100_000; // 10^(DIGITS - 1)
    private static final int HIGH = 1_000_000; // 10^DIGITS
    /** The powers of ten a double holds exactly. */
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    private final String text;
    private final double value;

    private RoundedNumber(String text, double value) {
        this.text = text;
        this.value = value;
    }

    /** {@code value} rounded, as a number for Gson's tree (its text is {@link #text(double)}). */
    static RoundedNumber of(double value) {
        String t = text(value);
        return new RoundedNumber(t, Double.parseDouble(t));
    }

    /** The text {@link #append} writes. */
    static String text(double value) {
        StringBuilder sb = new StringBuilder(16);
        append(sb, value);
        return sb.toString();
    }

    /** Writes {@code value} to {@link #DIGITS} significant digits (see the class comment). */
    static StringBuilder append(StringBuilder out, double value) {
        double a = Math.abs(value);
        if (!(a >= 1e-15 && a < 1e21)) { // NaN, infinities, zero, the extremes: in full
            return out.append(Double.toString(value));
        }
        // the decimal exponent of the first digit; log10 may round across a power of ten, so the
        // scaled value is checked to hold exactly DIGITS digits and the exponent corrected
        int e = (int) Math.floor(Math.log10(a));
        int m = scaled(a, e);
        if (m < LOW) {
            e--;
            m = scaled(a, e);
        }
        if (m >= HIGH) {
            e++;
            m = scaled(a, e);
            if (m >= HIGH) { // rounding carried into a new digit: 999999.5 -> 1000000
                m /= 10;
                e++;
            }
        }
        char[] d = new char[DIGITS];
        for (int i = DIGITS - 1; i >= 0; i--) {
            d[i] = (char) ('0' + m % 10);
            m /= 10;
        }
        int n = DIGITS; // significant digits without the trailing zeros
        while (n > 1 && d[n - 1] == '0') {
            n--;
        }
        if (value < 0) {
            out.append('-');
        }
        if (e >= -3 && e < 7) { // plain, as Double.toString from 10^-3 to 10^7
            if (e >= 0) {
                for (int i = 0; i <= e; i++) {
                    out.append(i < n ? d[i] : '0');
                }
                out.append('.');
                if (n > e + 1) {
                    out.append(d, e + 1, n - e - 1);
                } else {
                    out.append('0');
                }
            } else {
                out.append("0.");
                for (int i = -1; i > e; i--) {
                    out.append('0');
                }
                out.append(d, 0, n);
            }
        } else { // computerized scientific notation, as Double.toString
            out.append(d[0]).append('.');
            if (n > 1) {
                out.append(d, 1, n - 1);
            } else {
                out.append('0');
            }
            out.append('E').append(e);
        }
        return out;
    }

    /** {@code a} (positive) times 10^(DIGITS - 1 - e), rounded half up to an integer. */
    private static int scaled(double a, int e) {
        int k = DIGITS - 1 - e;
        double s = k >= 0 ? a * POW10[k] : a / POW10[-k];
        return (int) Math.round(s);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public int intValue() {
        return (int) value;
    }

    @Override
    public long longValue() {
        return (long) value;
    }

    @Override
    public float floatValue() {
        return (float) value;
    }

    @Override
    public double doubleValue() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoundedNumber r && r.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
