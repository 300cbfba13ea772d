package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link JsonNumbers} reads every text as {@link Double#parseDouble} and {@link Float#parseFloat} do, bit for bit. */
class JsonNumbersTest {

    private static void same(String s) {
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(JsonNumbers.parse(s)), s);
        assertEquals(Float.floatToRawIntBits(Float.parseFloat(s)), Float.floatToRawIntBits(JsonNumbers.parseFloat(s)), s);
    }

    @Test
    void randomFloatsAndDoublesAsGsonWritesThem() {
        Random r = new Random(9);
        for (int i = 0; i < 120_000; i++) { // each text is now read as a float too
            double scale = Math.pow(10, r.nextInt(40) - 20);
            double d = r.nextGaussian() * scale;
            same(Double.toString(d));
            same(Float.toString((float) d));
            same(JsonParser.parseString(Double.toString(d)).getAsString());
            same(Long.toString(r.nextLong() >> r.nextInt(64)));
        }
    }

    /**
     * Short decimals at the edges of both fast paths: mantissas around 2^24 and 2^53, powers
     * around 10^10 and 10^22, and halfway cases of float rounding (a float's exact decimal
     * value is written with few digits when its exponent is small).
     */
    @Test
    void shortDecimalsNearTheFastPathsLimits() {
        Random r = new Random(11);
        for (int i = 0; i < 30_000; i++) {
            long m = switch (i % 4) {
                case 0 -> (1L << 24) - 50 + r.nextInt(100);
                case 1 -> (1L << 53) - 50 + r.nextInt(100);
                case 2 -> r.nextInt(10_000_000);
                default -> Math.abs(r.nextLong()) >> r.nextInt(63);
            };
            int p = r.nextInt(60) - 30;
            same(m + "e" + p);
            same((r.nextBoolean() ? "-" : "") + m / 1000 + "." + String.format("%03d", m % 1000) + "E" + p);
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isFinite(f)) {
                same(Float.toString(f));
                same(new java.math.BigDecimal(f).toPlainString().length() < 40 ? new java.math.BigDecimal(f).toPlainString() : "1");
                // halfway between f and its neighbour: the tie rule decides
                same(new java.math.BigDecimal(f).add(new java.math.BigDecimal(Math.ulp(f)).divide(java.math.BigDecimal.valueOf(2)))
                        .round(new java.math.MathContext(12)).toString());
            }
        }
        for (String s : List.of("16777216", "16777217", "16777215", "1e10", "1e11", "1e-10", "1e-11", "9007199254740992",
                "9007199254740993", "16777217e-10", "0.16777217", "3.4028235E38", "3.4028236E38", "1.4E-45", "7.0E-46",
                "0e999", "-0e5", "123456789012345678", "1234567890123456789")) {
            same(s);
        }
    }

    @Test
    void edges() {
        for (String s : List.of("0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "1e22", "1e23", "1e-22", "1e-23", "123456789012345",
                "1234567890123456", "12345678901234567890", "0.000000000000000000000000001", "1.7976931348623157E308",
                "4.9E-324", "2.2250738585072014E-308", "1E400", "1e-400", "NaN", "Infinity", "-Infinity", "1.5f", "2d",
                "0x1p3", " 1.5", "1.5 ", "+2.5", ".5", "5.", "1e+5", "1E-05", "00012.5000", "9007199254740993",
                "0.30000000000000004", "3.4028235E38", "1.4E-45")) {
            same(s);
        }
        for (String bad : List.of("", "-", ".", "e5", "1e", "1e+", "abc", "1.2.3", "--1")) {
            assertThrows(NumberFormatException.class, () -> JsonNumbers.parse(bad), bad);
            assertThrows(NumberFormatException.class, () -> Double.parseDouble(bad), bad);
        }
        assertThrows(UnsupportedOperationException.class, () -> JsonNumbers.asDouble(JsonNull.INSTANCE));
    }
}
