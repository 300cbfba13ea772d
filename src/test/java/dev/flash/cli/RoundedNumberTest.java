package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link RoundedNumber}: a JSON number that parses back to within half a unit of its sixth
 * significant digit, in {@link Double#toString}'s form; the extremes and the special values in full.
 */
class RoundedNumberTest {

    /** A JSON number (RFC 8259). */
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    /** Double.toString's forms: plain with a point, or d.ddd E exponent. */
    private static final Pattern PLAIN = Pattern.compile("-?[0-9]+\\.[0-9]+");
    private static final Pattern SCIENTIFIC = Pattern.compile("-?[1-9]\\.[0-9]+E-?[0-9]+");

    /** What the text of {@code x} must be: within half a unit of the sixth digit, at most six digits, the form by magnitude. */
    static void assertRounded(double x, String text) {
        assertTrue(JSON_NUMBER.matcher(text).matches(), x + " -> " + text + ": not a JSON number");
        BigDecimal exact = new BigDecimal(x);
        BigDecimal written = new BigDecimal(text);
        int lead = exact.precision() - exact.scale() - 1; // the exponent of x's first significant digit
        BigDecimal unit = BigDecimal.ONE.scaleByPowerOfTen(lead - RoundedNumber.DIGITS + 1);
        BigDecimal error = written.subtract(exact).abs();
        assertTrue(error.compareTo(unit.multiply(new BigDecimal("0.500000001"))) <= 0,
                x + " -> " + text + ": off by " + error.divide(unit, MathContext.DECIMAL64) + " of a unit");
        assertTrue(written.stripTrailingZeros().precision() <= RoundedNumber.DIGITS, x + " -> " + text);
        double back = Double.parseDouble(text);
        double a = Math.abs(back);
        if (a >= 1e-3 && a < 1e7) {
            assertTrue(PLAIN.matcher(text).matches(), x + " -> " + text + ": plain expected");
        } else {
            assertTrue(SCIENTIFIC.matcher(text).matches(), x + " -> " + text + ": d.dddE-n expected");
        }
        assertEquals(Math.signum(x), Math.signum(back), x + " -> " + text);
    }

    @Test
    void randomMagnitudesRoundToSixDigits() {
        Random r = new Random(21);
        for (int i = 0; i < 200_000; i++) {
            double x = Math.pow(10, -15 + 36 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1);
            if (Math.abs(x) < 1e21 && Math.abs(x) >= 1e-15) {
                assertRounded(x, RoundedNumber.text(x));
            }
        }
    }

    /** Next to the places where the exponent or the rounding turns: powers of ten, x.5 in the seventh digit, 999999.5. */
    @Test
    void edgesOfPowersOfTenAndHalves() {
        for (int e = -15; e <= 20; e++) {
            double p = Double.parseDouble("1e" + e);
            for (double base : new double[] {p, p * 0.9999995, p * 0.99999949, p * 1.0000005, 1.234565 * p, 9.999995 * p,
                9.9999949 * p, 1.0000049 * p}) {
                double x = base;
                for (int k = 0; k < 6; k++) {
                    if (Math.abs(x) >= 1e-15 && Math.abs(x) < 1e21) {
                        assertRounded(x, RoundedNumber.text(x));
                        assertRounded(-x, RoundedNumber.text(-x));
                    }
                    x = Math.nextUp(x);
                }
                x = base;
                for (int k = 0; k < 6; k++) {
                    x = Math.nextDown(x);
                    if (Math.abs(x) >= 1e-15 && Math.abs(x) < 1e21) {
                        assertRounded(x, RoundedNumber.text(x));
                    }
                }
            }
        }
    }

    /** Where six digits hold the double's shortest decimal, the text is Double.toString's. */
    @Test
    void shortNumbersAreDoubleToStringsText() {
        for (double x : new double[] {1.0, 0.5, 27.0, 100.0, 123456.0, 1234560.0, 9999990.0, 1.0e7, 1.5e7, 0.001,
            0.00123, 9.99e-4, 1.0e-4, 2.5e-5, 27.7031, 17.5306, 1.0e20, 4.31637e-4, -3.25, 999999.0}) {
            assertEquals(Double.toString(x), RoundedNumber.text(x));
        }
        assertEquals("17.5306", RoundedNumber.text(17.53060097776737));
        assertEquals("1000000.0", RoundedNumber.text(999999.5));
        assertEquals("1.0E7", RoundedNumber.text(9999999.7));
        assertEquals("0.001", RoundedNumber.text(9.999997e-4));
        assertEquals("4.31637E-4", RoundedNumber.text(0.0004316367809364835));
    }

    /** NaN, the infinities, the zeros and the magnitudes outside [1e-15, 1e21) are Double.toString's text, in full. */
    @Test
    void specialsAndExtremesInFull() {
        for (double x : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
            Double.MIN_VALUE, Double.MAX_VALUE, 9.99e-16, 1e21, -1.2345678e25}) {
            assertEquals(Double.toString(x), RoundedNumber.text(x));
        }
    }

    /** Rounding keeps the order: a ranking sorted by value stays sorted in the text (ties may appear). */
    @Test
    void roundingIsMonotone() {
        Random r = new Random(5);
        double[] xs = new double[100_000];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Math.exp(r.nextGaussian() * 8) * (r.nextInt(10) == 0 ? -1 : 1);
        }
        Arrays.sort(xs);
        double previous = Double.NEGATIVE_INFINITY;
        for (double x : xs) {
            double back = Double.parseDouble(RoundedNumber.text(x));
            assertTrue(back >= previous, x + " -> " + back + " after " + previous);
            previous = back;
        }
    }

    /** The same digits as BigDecimal's half-up rounding of the exact value, but for the scaling's one rounding at exact halves. */
    @Test
    void agreesWithBigDecimalAwayFromHalves() {
        Random r = new Random(8);
        MathContext six = new MathContext(RoundedNumber.DIGITS, RoundingMode.HALF_UP);
        int checked = 0;
        for (int i = 0; i < 100_000; i++) {
            double x = Math.exp(r.nextGaussian() * 12);
            if (!(x >= 1e-15 && x < 1e21)) { // in full (specialsAndExtremesInFull)
                checked++;
                continue;
            }
            BigDecimal exact = new BigDecimal(x);
            BigDecimal rounded = exact.round(six);
            BigDecimal unit = BigDecimal.ONE.scaleByPowerOfTen(rounded.precision() - rounded.scale() - RoundedNumber.DIGITS);
            BigDecimal half = rounded.subtract(exact).abs().subtract(unit.divide(BigDecimal.valueOf(2))).abs();
            if (half.compareTo(unit.multiply(new BigDecimal("1e-6"))) > 0) { // not within 1e-6 of a unit of a half
                assertEquals(0, rounded.compareTo(new BigDecimal(RoundedNumber.text(x))), x + " -> " + RoundedNumber.text(x));
                checked++;
            }
        }
        assertTrue(checked > 99_000, "checked " + checked);
    }

    @Test
    void asANumberItIsItsText() {
        RoundedNumber n = RoundedNumber.of(17.53060097776737);
        assertEquals("17.5306", n.toString());
        assertEquals(17.5306, n.doubleValue());
        assertEquals(RoundedNumber.of(17.5306), n);
    }
}
