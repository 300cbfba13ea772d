package dev.flash.policy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonCursor} never contradicts Gson: a text it calls a strict object Gson reads as an
 * object (random documents, the same ones mutated, Gson's lenient extras), and the values it reads
 * are the bits of Gson's {@code getAsDouble}/{@code getAsFloat}/{@code getAsInt} and its strings.
 */
class JsonCursorTest {

    /** What Gson makes of the text: "object", another kind, or that it refuses it. */
    private static String gson(String text) {
        try {
            JsonElement e = JsonParser.parseString(text);
            return e.isJsonObject() ? "object" : e.getClass().getSimpleName();
        } catch (RuntimeException | StackOverflowError e) {
            return "refused";
        }
    }

    private static void strictOnlyIfGsonSaysObject(String text) {
        if (JsonCursor.isStrictObject(text)) {
            assertEquals("object", gson(text), text);
        }
    }

    @Test
    void aStrictObjectIsAnObjectToGson() {
        Random r = new Random(20261207);
        int strict = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder("{\"a\":");
            JsonTreeTest.value(sb, r, 0);
            sb.append('}');
            JsonTreeTest.space(sb, r);
            String text = sb.toString();
            strictOnlyIfGsonSaysObject(text);
            // the generator writes strict JSON (its non-ASCII strings are the general path's)
            if (text.chars().allMatch(ch -> ch < 0x80)) {
                assertTrue(JsonCursor.isStrictObject(text), text);
                strict++;
            }
        }
        assertTrue(strict > 5_000, "strict documents seen: " + strict);
    }

    @Test
    void mutatedAndLenientTextsAreGsonsToJudge() {
        Random r = new Random(8);
        String noise = "{}[]\",:.-+eE0159tfnul \\'/#*;=xNaI\u00e9\ufeff\u0001";
        for (int i = 0; i < 10_000; i++) {
            StringBuilder sb = new StringBuilder("{\"k\":");
            JsonTreeTest.value(sb, r, 2);
            sb.append('}');
            for (int k = 0; k < 1 + r.nextInt(2); k++) {
                int at = r.nextInt(sb.length() + 1);
                switch (r.nextInt(3)) {
                    case 0 -> {
                        if (at < sb.length()) {
                            sb.deleteCharAt(at);
                        }
                    }
                    case 1 -> sb.insert(at, noise.charAt(r.nextInt(noise.length())));
                    default -> {
                        if (at < sb.length()) {
                            sb.setCharAt(at, noise.charAt(r.nextInt(noise.length())));
                        }
                    }
                }
            }
            strictOnlyIfGsonSaysObject(sb.toString());
        }
        for (String s : new String[] {"{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":1,}", "{'a':1}",
            "{a:1}", "{\"a\":NaN}", "{\"a\":01}", "{\"a\":[1,]}", "/* c */ {}", "\ufeff{}", "{} x", "{}}", "{",
            "[{}]", "\"{}\"", "{\"a\":truex}", "{\"a\"=1}", "{\"a\":\"?\"}"}) {
            assertFalse(JsonCursor.isStrictObject(s), s);
        }
        assertTrue(JsonCursor.isStrictObject(" {\"a\" : [1 , -2.5e3, null, true, {\"a\":\"\\u00e9\"}]}\n"));
        assertTrue(JsonCursor.isStrictObject("{\"a\":".repeat(199) + "1" + "}".repeat(199)));
        assertFalse(JsonCursor.isStrictObject("{\"a\":".repeat(201) + "1" + "}".repeat(201)));
    }

    @Test
    void valuesAreGsonsToTheBit() throws JsonCursor.Unhandled {
        Random r = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            String t = switch (i % 5) {
                case 0 -> Double.toString(Double.longBitsToDouble(r.nextLong() & 0x7fffffffffffffffL));
                case 1 -> Float.toString((float) (r.nextGaussian() * Math.pow(10, r.nextInt(24) - 12)));
                case 2 -> Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(50) - 25));
                case 3 -> Long.toString(r.nextLong() >> r.nextInt(64));
                default -> "0." + "0".repeat(r.nextInt(25)) + (1 + r.nextInt(999_999_999)) + "e" + (r.nextInt(50) - 25);
            };
            t = (r.nextBoolean() ? "-" : "") + t.replace("Infinity", "1").replace("NaN", "2").replace("-", "");
            String text = "[" + t + ", " + t + "]";
            JsonElement g = JsonParser.parseString(text).getAsJsonArray().get(0);
            JsonCursor c = new JsonCursor(text);
            c.beginArray();
            assertTrue(c.hasNext());
            assertEquals(Double.doubleToRawLongBits(g.getAsDouble()), Double.doubleToRawLongBits(c.nextDouble()), t);
            assertTrue(c.hasNext());
            assertEquals(Float.floatToRawIntBits(g.getAsFloat()), Float.floatToRawIntBits(c.nextFloat()), t);
            assertFalse(c.hasNext());
            c.endArray();
            c.endDocument();
        }
        // a row at once (nextDoubles): Gson's bits, null as NaN; a row of another length is not read
        for (int i = 0; i < 2_000; i++) {
            StringBuilder sb = new StringBuilder("[");
            int n = 1 + r.nextInt(20);
            for (int k = 0; k < n; k++) {
                sb.append(k == 0 ? "" : r.nextBoolean() ? "," : " , ").append(r.nextInt(8) == 0 ? "null"
                        : Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20)));
            }
            String text = sb.append(']').toString();
            com.google.gson.JsonArray g = JsonParser.parseString(text).getAsJsonArray();
            double[] row = new double[n];
            JsonCursor c = new JsonCursor(text);
            c.nextDoubles(row);
            c.endDocument();
            for (int k = 0; k < n; k++) {
                double want = g.get(k).isJsonNull() ? Double.NaN : g.get(k).getAsDouble();
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(row[k]), text);
            }
            assertThrows(JsonCursor.Unhandled.class, () -> new JsonCursor(text).nextDoubles(new double[n + 1]));
            if (n > 1) {
                assertThrows(JsonCursor.Unhandled.class, () -> new JsonCursor(text).nextDoubles(new double[n - 1]));
            }
        }
        for (String t : new String[] {"0", "-0", "7", "-12", "2147483647", "-2147483648"}) {
            JsonCursor c = new JsonCursor(t);
            assertEquals(JsonParser.parseString(t).getAsInt(), c.nextInt(), t);
        }
        for (String t : new String[] {"2147483648", "1.0", "1e2", "3.7", "\"3\"", "12345678901"}) {
            assertThrows(JsonCursor.Unhandled.class, () -> new JsonCursor(t).nextInt(), t);
        }
        JsonCursor c = new JsonCursor("{\"a\\n\":\"b\\u00e9\\\"\", \"c\" :null}");
        c.beginObject();
        assertTrue(c.hasNext());
        assertEquals("a\n", c.nextName());
        assertEquals("b\u00e9\"", c.nextString());
        assertTrue(c.hasNext());
        assertEquals("c", c.nextName());
        assertTrue(c.nextNull());
        assertFalse(c.hasNext());
        c.endObject();
        c.endDocument();
        // a missing comma, a trailing one, a string where a number goes: the general path's
        assertThrows(JsonCursor.Unhandled.class, () -> {
            JsonCursor d = new JsonCursor("[1 2]");
            d.beginArray();
            d.hasNext();
            d.nextDouble();
            d.hasNext();
        });
        assertThrows(JsonCursor.Unhandled.class, () -> new JsonCursor("\"1\"").nextDouble());
    }
}
