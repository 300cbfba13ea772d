package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.flash.onnx.lite.OnnxFile;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.JsonCursor;
import dev.flash.policy.onnx.OnnxModel;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ParamsReader} reads a model's params from the text to the same params the tree gives
 * ({@link ModelParams#fromJson}): every field, every number to the bit, on the shipped models, on
 * their params with numbers of every form, and on thousands of mutations (keys removed, added,
 * reordered or repeated; values of another kind; arrays longer or shorter; invalid members; the
 * attention blended with factors and the ratio reference). Where it does not read a text it
 * says so (null) and the tree answers: it never gives params the tree would not.
 */
class ParamsReaderTest {

    static String paramsOf(String model) throws Exception {
        return OnnxFile.parse(Files.readAllBytes(Path.of("models", model))).metadata().get(ModelContract.META_PARAMS)
                .trim();
    }

    /** The reader's params equal the tree's, or the reader declined; true when it read them. */
    private static boolean agrees(String text) {
        ModelParams fast = ParamsReader.read(text);
        if (fast == null) {
            return false;
        }
        // what the model's check relies on when it lets the reader read the params first (TEXT_READER)
        assertTrue(JsonCursor.isStrictObject(text), () -> "read, but not a strict object: " + abbreviate(text));
        ModelParams tree;
        try {
            tree = ModelParams.fromJson(JsonParser.parseString(text).getAsJsonObject());
        } catch (RuntimeException e) {
            fail("the reader read params the tree refuses (" + e.getMessage() + "): " + abbreviate(text));
            return false;
        }
        List<String> diffs = new ArrayList<>();
        same("params", tree, fast, diffs);
        assertEquals(List.of(), diffs, abbreviate(text));
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @Test
    void theShippedModelsAreReadFromTheTextToTheSameParams() throws Exception {
        for (String m : new String[] {"configsearch-multicloud.onnx", "configsearch-multicloud-cost.onnx"}) {
            String text = paramsOf(m);
            assertNotNull(ParamsReader.read(text), m);
            assertTrue(agrees(text), m);
        }
    }

    @Test
    void blendedAttentionsToo() throws Exception {
        ModelParams p = ModelParams.fromJson(JsonParser.parseString(paramsOf("configsearch-multicloud.onnx"))
                .getAsJsonObject());
        for (double[] shares : new double[][] {{0.3, 0}, {0, 0.25}, {0.4, 0.35}, {1, 0}}) {
            ModelParams blended = new ModelParams(p.format(), p.encoding(), p.references(),
                    p.attention().withBlend(shares[0], shares[1]), p.configurations(), p.logRmse());
            String text = blended.toJson().toString();
            assertTrue(agrees(text), "shares " + shares[0] + ", " + shares[1]);
        }
        ModelParams none = new ModelParams(p.format(), p.encoding(), p.references(), null, p.configurations(),
                p.logRmse());
        assertTrue(agrees(none.toJson().toString()));
    }

    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "0.5", "-0.0", "1e5", "1E+5", "2.5e-3",
        "123456789012345678901234567890", "9007199254740993", "0.30000000000000004", "1.0E-45", "3.4028235E38",
        "1.7976931348623157E308", "4.9E-324", "100.000", "16777217", "1e-400", "1e400", "2", "3", "-3"};

    @Test
    void numbersOfEveryFormAreTheTreesBits() throws Exception {
        Random r = new Random(12);
        String base = paramsOf("configsearch-multicloud.onnx");
        int read = 0;
        for (int i = 0; i < 10; i++) {
            JsonObject o = JsonParser.parseString(base).getAsJsonObject();
            List<JsonArray> arrays = new ArrayList<>();
            numberArrays(o, arrays);
            for (int k = 0; k < 40; k++) {
                JsonArray a = arrays.get(r.nextInt(arrays.size()));
                int at = r.nextInt(a.size());
                if (a.get(at).isJsonPrimitive() && a.get(at).getAsJsonPrimitive().isNumber()) {
                    String t = switch (r.nextInt(4)) {
                        case 0 -> NUMBERS[r.nextInt(NUMBERS.length)];
                        case 1 -> Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
                        case 2 -> Float.toString((float) r.nextGaussian());
                        default -> Double.toString(Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL));
                    };
                    a.set(at, new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber(t)));
                }
            }
            read += agrees(o.toString()) ? 1 : 0;
        }
        // most stay valid params (a number that breaks a check, e.g. a weight of 0, is the tree's to refuse)
        assertTrue(read > 3, "read " + read + " of 10");
    }

    private static void numberArrays(JsonElement e, List<JsonArray> out) {
        if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                if (!m.getKey().equals("members")) { // temperatures and weights: checked, the tree's to refuse
                    numberArrays(m.getValue(), out);
                }
            }
        } else if (e.isJsonArray()) {
            boolean numbers = false;
            for (JsonElement x : e.getAsJsonArray()) {
                numbers |= x.isJsonPrimitive() && x.getAsJsonPrimitive().isNumber();
                numberArrays(x, out);
            }
            if (numbers) {
                out.add(e.getAsJsonArray());
            }
        }
    }

    /** Every container of the tree, with its path. */
    private static void containers(JsonElement e, List<JsonElement> out) {
        if (e.isJsonObject() || e.isJsonArray()) {
            out.add(e);
        }
        if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                containers(m.getValue(), out);
            }
        } else if (e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                containers(x, out);
            }
        }
    }

    @Test
    void mutatedParamsAreReadAlikeOrLeftToTheTree() throws Exception {
        Random r = new Random(21);
        String base = paramsOf("configsearch-multicloud.onnx");
        JsonElement[] kinds = {JsonNull.INSTANCE, new JsonPrimitive("0.5"), new JsonPrimitive(true),
            new JsonPrimitive(0.25), new JsonPrimitive(-1), new JsonPrimitive(3), new JsonArray(), new JsonObject(),
            new JsonPrimitive("runtime"), new JsonPrimitive("cost"), new JsonPrimitive("flash")};
        int read = 0;
        int n = 150;
        for (int i = 0; i < n; i++) {
            JsonObject o = JsonParser.parseString(base).getAsJsonObject();
            List<JsonElement> cs = new ArrayList<>();
            containers(o, cs);
            // the small containers (not the matrices' rows) most of the time: that is where the keys are
            JsonElement c = cs.get(r.nextInt(4) == 0 ? r.nextInt(cs.size()) : smallOne(cs, r));
            if (c.isJsonObject()) {
                JsonObject co = c.getAsJsonObject();
                List<String> keys = new ArrayList<>(co.keySet());
                if (keys.isEmpty()) {
                    continue;
                }
                String key = keys.get(r.nextInt(keys.size()));
                switch (r.nextInt(4)) {
                    case 0 -> co.remove(key);
                    case 1 -> co.add("x" + r.nextInt(3), kinds[r.nextInt(kinds.length)].deepCopy());
                    case 2 -> co.add(key, kinds[r.nextInt(kinds.length)].deepCopy());
                    default -> { // reorder: the key moves last
                        JsonElement v = co.remove(key);
                        co.add(key, v);
                    }
                }
            } else {
                JsonArray a = c.getAsJsonArray();
                switch (r.nextInt(3)) {
                    case 0 -> a.add(a.size() > 0 ? a.get(r.nextInt(a.size())).deepCopy() : JsonNull.INSTANCE);
                    case 1 -> {
                        if (a.size() > 0) {
                            a.remove(a.size() - 1);
                        }
                    }
                    default -> {
                        if (a.size() > 0) {
                            a.set(r.nextInt(a.size()), kinds[r.nextInt(kinds.length)].deepCopy());
                        }
                    }
                }
            }
            read += agrees(o.toString()) ? 1 : 0;
        }
        assertTrue(read > 8 && read < n, "read " + read + " of " + n);
        // a repeated key, in the text (a tree cannot hold one): never the reader's
        for (String key : new String[] {"\"format\"", "\"mode\"", "\"runtime\"", "\"tau_shape\"", "\"key\""}) {
            int at = base.indexOf(key);
            String dup = base.substring(0, at) + base.substring(at, base.indexOf(',', at) + 1)
                    + base.substring(at);
            assertEquals(null, ParamsReader.read(dup), key);
        }
        // not strict JSON: never the reader's
        for (String bad : new String[] {base.replace("\"mode\":\"flash\"", "'mode':'flash'"), base + " x",
            base.substring(0, base.length() - 1), base.replace("[0.0,", "[0.0 ,,")}) {
            assertEquals(null, ParamsReader.read(bad));
        }
    }

    /**
     * The model's check lets {@link ModelParams#TEXT_READER} read the params first and scans the text
     * only when it declines: so a text it reads must be one the scan calls a strict JSON object.
     * Single-character edits anywhere in the text (most near the structure), and the loader's result.
     */
    @Test
    void whatTheCheckLetsTheReaderReadIsAStrictObject() throws Exception {
        String base = paramsOf("configsearch-multicloud.onnx");
        Random r = new Random(61);
        String alphabet = "{}[],:\"0123456789.eE+- \t\nntrufalsx'\\/";
        int read = 0;
        for (int i = 0; i < 400; i++) {
            int at = i % 2 == 0 ? r.nextInt(base.length()) : r.nextInt(Math.min(base.length(), 400));
            char ch = alphabet.charAt(r.nextInt(alphabet.length()));
            String edited = switch (r.nextInt(3)) {
                case 0 -> base.substring(0, at) + ch + base.substring(at);
                case 1 -> base.substring(0, at) + base.substring(at + 1);
                default -> base.substring(0, at) + ch + base.substring(at + 1);
            };
            ModelParams p = ModelParams.TEXT_READER.apply(edited);
            if (p != null) {
                read++;
                assertTrue(JsonCursor.isStrictObject(edited), "edit " + i + " at " + at);
            }
        }
        assertTrue(read > 20 && read < 400, "read " + read);
        for (String m : new String[] {"configsearch-multicloud.onnx", "configsearch-multicloud-cost.onnx"}) {
            try (OnnxModel plain = OnnxModel.loadBuiltin(Path.of("models", m));
                 OnnxModel withReader = OnnxModel.loadBuiltin(Path.of("models", m), ModelParams.TEXT_READER)) {
                assertEquals(null, plain.description().paramsObject().read());
                assertTrue(withReader.description().paramsObject().read() instanceof ModelParams, m);
                List<String> diffs = new ArrayList<>();
                same("params", ModelParams.of(plain.description()), ModelParams.of(withReader.description()), diffs);
                assertEquals(List.of(), diffs, m);
            }
        }
    }

    /** An index of a container with fewer than 30 elements or members (there are many). */
    private static int smallOne(List<JsonElement> cs, Random r) {
        while (true) {
            int i = r.nextInt(cs.size());
            JsonElement c = cs.get(i);
            int size = c.isJsonObject() ? c.getAsJsonObject().size() : c.getAsJsonArray().size();
            if (size < 30) {
                return i;
            }
        }
    }

    // ---- deep equality, every field, doubles and floats by their bits -------------------------------

    private static void same(String path, Object a, Object b, List<String> diffs) {
        if (diffs.size() > 10) {
            return;
        }
        if (a == null || b == null) {
            if (a != b) {
                diffs.add(path + ": " + a + " vs " + b);
            }
            return;
        }
        if (a.getClass() != b.getClass()) {
            diffs.add(path + ": " + a.getClass() + " vs " + b.getClass());
            return;
        }
        Class<?> k = a.getClass();
        if (k.isArray()) {
            if (Array.getLength(a) != Array.getLength(b)) {
                diffs.add(path + ": length " + Array.getLength(a) + " vs " + Array.getLength(b));
                return;
            }
            for (int i = 0; i < Array.getLength(a); i++) {
                same(path + "[" + i + "]", Array.get(a, i), Array.get(b, i), diffs);
            }
        } else if (a instanceof Map<?, ?> ma) {
            Map<?, ?> mb = (Map<?, ?>) b;
            if (!ma.keySet().equals(mb.keySet())) {
                diffs.add(path + ": keys " + ma.keySet() + " vs " + mb.keySet());
                return;
            }
            if (a instanceof LinkedHashMap<?, ?>) {
                assertEquals(new ArrayList<>(ma.keySet()), new ArrayList<>(mb.keySet()), path);
            }
            for (Object key : ma.keySet()) {
                same(path + "." + key, ma.get(key), mb.get(key), diffs);
            }
        } else if (a instanceof List<?> la) {
            List<?> lb = (List<?>) b;
            if (la.size() != lb.size()) {
                diffs.add(path + ": size " + la.size() + " vs " + lb.size());
                return;
            }
            Iterator<?> ib = lb.iterator();
            int i = 0;
            for (Object x : la) {
                same(path + "[" + i++ + "]", x, ib.next(), diffs);
            }
        } else if (a instanceof Double || a instanceof Float || a instanceof Number || a instanceof String
                || a instanceof Boolean || a instanceof Enum<?> || a instanceof Character) {
            if (!a.equals(b)) { // Double.equals and Float.equals compare the bits
                diffs.add(path + ": " + a + " vs " + b);
            }
        } else if (k.getName().startsWith("dev.flash.")) {
            for (Class<?> c = k; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    f.setAccessible(true);
                    try {
                        same(path + "." + f.getName(), f.get(a), f.get(b), diffs);
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        } else if (!a.equals(b)) {
            diffs.add(path + ": " + a + " vs " + b + " (" + k + ")");
        }
    }
}
