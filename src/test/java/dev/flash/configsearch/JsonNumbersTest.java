package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link JsonNumbers} reads every text as {@link Double#parseDouble} does, bit for bit. */
class JsonNumbersTest {

    private static void same(String s) {
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(JsonNumbers.parse(s)), s);
    }

    @Test
    void randomFloatsAndDoublesAsGsonWritesThem() {
        Random r = new Random(9);
        for (int i = 0; i < 200_000; i++) {
            double scale = Math.pow(10, r.nextInt(40) - 20);
            double d = r.nextGaussian() * scale;
            same(Double.toString(d));
            same(Float.toString((float) d));
            same(JsonParser.parseString(Double.toString(d)).getAsString());
            same(Long.toString(r.nextLong() >> r.nextInt(64)));
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
