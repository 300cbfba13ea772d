package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NumberText} gives the characters of {@code String.format(Locale.ROOT, "%.Ng" / "%.Nf")}
 * on the running JDK (the text answer of {@code config-search recommend} must stay byte for byte
 * what printf wrote): random bit patterns, random magnitudes, decimals that end in 5 (the
 * half-up ties of the digit string), values next to the %g switch between fixed and scientific
 * form and next to carries (9.9995, 99995), signed zeros, NaN and the infinities.
 */
class NumberTextTest {

    private static final int[] G = {0, 1, 2, 3, 4, 5, 6, 10};
    private static final int[] F = {0, 1, 2, 4, 6};

    private static void same(double x) {
        for (int p : G) {
            assertEquals(String.format(Locale.ROOT, "%." + p + "g", x), NumberText.general(x, p), "%." + p + "g of " + x);
        }
        for (int p : F) {
            assertEquals(String.format(Locale.ROOT, "%." + p + "f", x), NumberText.fixed(x, p), "%." + p + "f of " + x);
        }
    }

    @Test
    void edgesAndSpecials() {
        double[] xs = {0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
            1, 0.5, 1.5, 2.5, 9.5, 9.9995, 99.95, 9999.5, 99995, 999949.99, 0.0001, 0.00009999, 0.000099995, 0.00099995,
            2.0345, 1e-5, 1e7, 1e22, 1e23, 2e23, 0.3, 0.05, 0.04, 0.005, 123456789012345678.0, 4.35, 1.0005};
        for (double x : xs) {
            same(x);
            same(-x);
        }
    }

    @Test
    void randomValuesOfEveryKind() {
        Random r = new Random(20261207);
        for (int i = 0; i < 15_000; i++) { // 195,000 formats; about 4 s at load 10
            double x = switch (i % 5) {
                case 0 -> Double.longBitsToDouble(r.nextLong());
                case 1 -> Math.pow(10, r.nextDouble() * 40 - 20);
                case 2 -> Double.parseDouble(r.nextInt(100_000) + "5E" + (r.nextInt(16) - 8)); // a tie in the digits
                case 3 -> (r.nextInt(2_000_000) + 0.5) / Math.pow(10, r.nextInt(10));
                default -> r.nextGaussian() * Math.pow(10, r.nextInt(12) - 4);
            };
            same(x);
        }
    }

    /** What the text answer prints: runtimes and costs with %.4g, percentages with %.0f. */
    @Test
    void theAnswersRanges() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            double runtime = Math.exp(r.nextDouble() * 12 - 2); // 0.14 s .. 22,000 s
            double cost = Math.exp(r.nextDouble() * 14 - 12); // 6e-6 .. 7
            double percent = 100 * (Math.exp(r.nextDouble() * 3) - 1);
            assertEquals(String.format(Locale.ROOT, "%.4g", runtime), NumberText.general(runtime, 4));
            assertEquals(String.format(Locale.ROOT, "%.4g", cost), NumberText.general(cost, 4));
            assertEquals(String.format(Locale.ROOT, "%.0f", percent), NumberText.fixed(percent, 0));
        }
    }
}
