package dev.flash.policy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.flash.policy.ModelContract;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonTree} gives {@link JsonParser#parseString}'s answer: the same tree (compared by
 * Gson's own serialisation, which keeps member order and each number's text, and by equals) for
 * random documents with every kind of value, escape and spacing, and the same tree or the same
 * exception for those documents mutated (a character dropped, added or swapped; Gson's lenient
 * extras: comments, single quotes, unquoted words, NaN, trailing commas), and for the models'
 * own metadata.
 */
class JsonTreeTest {

    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "12.5", "-0.0", "1e5", "1E+5", "2.5e-3",
        "123456789012345678901234567890", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "0.30000000000000004", "1.0E-45", "3.4028235E38", "1.7976931348623157E308", "4.9E-324", "10", "100.000"};

    static void space(StringBuilder sb, Random r) {
        int n = r.nextInt(4) == 0 ? r.nextInt(3) : 0;
        for (int i = 0; i < n; i++) {
            sb.append(" \n\r\t".charAt(r.nextInt(4)));
        }
    }

    private static void string(StringBuilder sb, Random r) {
        sb.append('"');
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(10)) {
                case 0 -> sb.append("\\\"");
                case 1 -> sb.append("\\\\");
                case 2 -> sb.append("\\/");
                case 3 -> sb.append("\\").append("bfnrt".charAt(r.nextInt(5)));
                case 4 -> sb.append(String.format("\\u%04x", r.nextInt(0x10000)));
                case 5 -> sb.append((char) (0xa0 + r.nextInt(0x2000))); // non-ASCII, unescaped
                default -> sb.append((char) ('a' + r.nextInt(26)));
            }
        }
        sb.append('"');
    }

    static void value(StringBuilder sb, Random r, int depth) {
        int kind = depth > 4 ? 2 + r.nextInt(5) : r.nextInt(7);
        switch (kind) {
            case 0 -> {
                sb.append('{');
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    space(sb, r);
                    sb.append("\"k").append(i).append(r.nextInt(3) == 0 ? "\\u00e9" : "").append('"');
                    space(sb, r);
                    sb.append(':');
                    space(sb, r);
                    value(sb, r, depth + 1);
                    space(sb, r);
                    if (i < n - 1) {
                        sb.append(',');
                    }
                }
                space(sb, r);
                sb.append('}');
            }
            case 1 -> {
                sb.append('[');
                int n = r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    space(sb, r);
                    value(sb, r, depth + 1);
                    space(sb, r);
                    if (i < n - 1) {
                        sb.append(',');
                    }
                }
                sb.append(']');
            }
            case 2 -> string(sb, r);
            case 3 -> sb.append(NUMBERS[r.nextInt(NUMBERS.length)]);
            case 4 -> sb.append(r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
            case 5 -> sb.append(Float.toString((float) r.nextGaussian()));
            default -> sb.append(new String[] {"true", "false", "null"}[r.nextInt(3)]);
        }
    }

    /** Both readers' answer for {@code text}: the serialised tree, or the exception's class and message. */
    private static String answer(String text, boolean fast) {
        try {
            JsonElement e = fast ? JsonTree.parse(text) : JsonParser.parseString(text);
            return "tree " + e.getClass().getSimpleName() + " " + e;
        } catch (RuntimeException | StackOverflowError e) {
            return "threw " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static void same(String text) {
        String gson = answer(text, false);
        assertEquals(gson, answer(text, true), text);
        if (gson.startsWith("tree ")) {
            assertEquals(JsonParser.parseString(text), JsonTree.parse(text), text);
        }
    }

    @Test
    void randomDocumentsGiveGsonsTree() {
        Random r = new Random(20261207);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            space(sb, r);
            value(sb, r, 0);
            space(sb, r);
            same(sb.toString());
        }
    }

    @Test
    void mutatedAndLenientDocumentsGiveGsonsAnswer() {
        Random r = new Random(7);
        String noise = "{}[]\",:.-+eE0159tfnul \\'/#*;=xNaI\u00e9\ufeff\u0001";
        for (int i = 0; i < 10_000; i++) {
            StringBuilder sb = new StringBuilder();
            value(sb, r, 2);
            int edits = 1 + r.nextInt(2);
            for (int k = 0; k < edits; k++) {
                int at = sb.length() == 0 ? 0 : r.nextInt(sb.length() + 1);
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
            same(sb.toString());
        }
        for (String s : new String[] {"", " ", "{} x", "null x", "{\"a\":1,\"a\":2}", "{\"a\":1,}", "[1,]", "[01]",
            "[1.]", "[.5]", "[-]", "[1e]", "[+1]", "[NaN]", "[-Infinity]", "{'a':1}", "{a:1}", "[\"\\x\"]",
            "[\"\\u12G4\"]", "[\"\\u１２３４\"]", "/* c */ {}", "# c\n{}", "[TRUE]", "[True]", "[nul]", "[truex]",
            "\ufeff{}", "[\"a\tb\"]", "{\"a\" : [1 , 2]} ", "[1;2]", "{\"a\"=1}", "{\"a\"=>1}", "[\"\\'\"]", "1 2",
            "[1]]", "[[1]", "\"\\\n\""}) {
            same(s);
        }
    }

    @Test
    void deepNestingIsGsonsToJudge() {
        for (int depth : new int[] {199, 200, 201, 254, 255, 256, 300, 5000}) {
            same("[".repeat(depth) + "]".repeat(depth));
            same("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
        }
    }

    /** A number's text and values are Gson's and the JDK's: its text, doubleValue, floatValue, intValue, longValue. */
    @Test
    void numbersKeepTheirTextAndTheirExactValues() {
        Random r = new Random(3);
        java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of(NUMBERS));
        for (int i = 0; i < 16_000; i++) {
            String t = switch (i % 8) {
                case 0 -> Double.toString(Double.longBitsToDouble(r.nextLong() & 0x7fffffffffffffffL));
                case 1 -> Float.toString(Float.intBitsToFloat(r.nextInt() & 0x7fffffff));
                case 2 -> Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(50) - 25));
                case 3 -> Float.toString((float) (r.nextGaussian() * Math.pow(10, r.nextInt(24) - 12)));
                case 4 -> Long.toString(r.nextLong() >> r.nextInt(64)); // integers around 2^24, 2^53, 2^63
                case 5 -> ((1L << (20 + r.nextInt(40))) + r.nextInt(5) - 2) + (r.nextBoolean() ? "" : "e" + (r.nextInt(60) - 30));
                case 6 -> "0." + "0".repeat(r.nextInt(25)) + (1 + r.nextInt(999_999_999)) + "e" + (r.nextInt(50) - 25);
                default -> (r.nextBoolean() ? "-" : "") + r.nextInt(100_000) + "." + r.nextInt(1_000_000)
                        + (r.nextBoolean() ? "" : "E" + (r.nextBoolean() ? "+" : "-") + r.nextInt(40));
            };
            texts.add(t.replace("Infinity", "1").replace("NaN", "2"));
        }
        for (String t : texts) {
            JsonElement e = JsonTree.parse("[" + t + "]").getAsJsonArray().get(0);
            JsonElement g = JsonParser.parseString("[" + t + "]").getAsJsonArray().get(0);
            assertEquals(g.getAsString(), e.getAsString(), t);
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(t)), Double.doubleToRawLongBits(e.getAsDouble()), t);
            assertEquals(Float.floatToRawIntBits(Float.parseFloat(t)), Float.floatToRawIntBits(e.getAsFloat()), t);
            assertEquals(outcome(() -> g.getAsInt()), outcome(() -> e.getAsInt()), t);
            assertEquals(outcome(() -> g.getAsLong()), outcome(() -> e.getAsLong()), t);
            assertEquals(g, e, t);
            assertEquals(g.hashCode(), e.hashCode(), t);
        }
    }

    private static String outcome(java.util.concurrent.Callable<Object> c) {
        try {
            return String.valueOf(c.call());
        } catch (Exception ex) {
            return ex.getClass().getName();
        }
    }

    /** The shipped models' JSON metadata (the provenance and the params) read both ways. */
    @Test
    void theShippedModelsMetadata() throws Exception {
        for (String name : new String[] {"configsearch-multicloud.onnx", "configsearch-multicloud-cost.onnx",
            "dvfs-flash.onnx", "autoscale-flash.onnx"}) {
            dev.flash.onnx.lite.OnnxFile f = dev.flash.onnx.lite.OnnxFile.parse(
                    java.nio.file.Files.readAllBytes(Path.of("models", name)));
            for (String key : new String[] {ModelContract.META_PROVENANCE, ModelContract.META_PARAMS}) {
                String text = f.metadata().get(key);
                if (text != null) {
                    same(text);
                }
            }
        }
    }
}
