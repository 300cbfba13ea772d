package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.internal.LazilyParsedNumber;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PrettyJsonTree} (with {@link PrettyJson}'s escapes and line breaks) writes what the Gson that {@code recommend --json} used to build writes, character for character. */
class PrettyJsonTest {

    static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .serializeNulls().create();

    /** Characters that Gson escapes or might: quotes, backslash, controls, HTML, separators, non-ASCII, surrogates. */
    private static final String TRICKY = "\"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f<>&='`\u2028\u2029\u00e9\u20ac\ud83d\ude00\ud800 ab-_.:/ ";

    static String string(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            b.append(r.nextInt(3) == 0 ? (char) r.nextInt(0x3000) : TRICKY.charAt(r.nextInt(TRICKY.length())));
        }
        return b.toString();
    }

    private static JsonElement primitive(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> JsonNull.INSTANCE;
            case 1 -> new JsonPrimitive(r.nextBoolean());
            case 2 -> new JsonPrimitive(string(r));
            case 3 -> new JsonPrimitive(r.nextInt());
            case 4 -> new JsonPrimitive(r.nextLong());
            case 5 -> new JsonPrimitive(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
            case 6 -> new JsonPrimitive(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0,
                Double.MIN_VALUE, Double.MAX_VALUE, 1e-5, 1e7}[r.nextInt(8)]);
            case 7 -> new JsonPrimitive((float) r.nextGaussian());
            case 8 -> new JsonPrimitive(new BigDecimal(r.nextGaussian()).round(new java.math.MathContext(1 + r.nextInt(30))));
            case 9 -> new JsonPrimitive(new BigInteger(100, r));
            case 10 -> new JsonPrimitive(new LazilyParsedNumber(Long.toString(r.nextLong()) + "." + r.nextInt(1000)));
            default -> new JsonPrimitive((char) r.nextInt(0x3000));
        };
    }

    private static JsonElement tree(Random r, int depth) {
        int kind = depth > 4 ? 0 : r.nextInt(3);
        if (kind == 0) {
            return primitive(r);
        }
        int n = r.nextInt(5);
        if (kind == 1) {
            JsonArray a = new JsonArray();
            for (int i = 0; i < n; i++) {
                a.add(tree(r, depth + 1));
            }
            return a;
        }
        JsonObject o = new JsonObject();
        for (int i = 0; i < n; i++) {
            o.add(string(r), tree(r, depth + 1));
        }
        return o;
    }

    @Test
    void randomTreesAsGsonWritesThem() {
        Random r = new Random(21);
        for (int i = 0; i < 20_000; i++) {
            JsonElement t = tree(r, 0);
            assertEquals(GSON.toJson(t), PrettyJsonTree.toJson(t), () -> "tree " + t);
        }
    }

    @Test
    void emptyAndNested() {
        for (String json : new String[] {"{}", "[]", "[[]]", "{\"a\":{}}", "{\"a\":[],\"b\":null,\"c\":[{}]}", "null", "\"x\"",
            "[1,2.5,-0.0,1e300]", "{\"ranked\":[{\"config\":\"A/0/0/-/-/-/-/-/4\",\"measured\":true,\"value\":27.7}]}"}) {
            JsonElement t = JsonParser.parseString(json);
            assertEquals(GSON.toJson(t), PrettyJsonTree.toJson(t), json);
        }
    }
}
