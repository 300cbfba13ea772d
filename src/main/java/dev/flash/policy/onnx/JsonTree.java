package dev.flash.policy.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.internal.LazilyParsedNumber;
import java.nio.charset.StandardCharsets;

/**
 * {@link JsonParser#parseString}'s tree for a model's JSON metadata, read faster: a config-search
 * model's {@code flash.params} is about 180 KB of JSON, and Gson's reader took 9-14 ms of a one-shot
 * {@code recommend}'s main thread (interpreted: its generic token machine costs several calls per
 * character; docs/log/2026-12-07-recommend-latency-4.md). This reads strict JSON (RFC 8259) with
 * one loop per token over the characters and builds the same tree: objects with their members in
 * order, arrays, strings, numbers kept as their text as Gson keeps them ({@link JsonDecimal}:
 * Gson's {@link LazilyParsedNumber} plus the double and float values the reading already found
 * in the digits), booleans and {@link JsonNull}.
 *
 * <p>Anything else (Gson's lenient extras: comments, single quotes, unquoted names or values,
 * NaN; a duplicate name; nesting deeper than Gson's limit; trailing text; malformed text) is
 * handed to {@link JsonParser#parseString}, so the answer (a tree or its exception) is Gson's
 * own: JsonTreeTest compares the two on random documents.
 */
final class JsonTree {
    /** Deeper nesting goes to Gson for its verdict (its JsonReader refuses more than 255 levels). */
    private static final int MAX_DEPTH = 200;

    /**
     * The text's characters as ISO-8859-1 bytes: for a text of Latin-1 characters only (flash's
     * JSON is ASCII) String.getBytes copies its array, where toCharArray widened every character in
     * an interpreted loop (2-4 ms for the params). A character beyond Latin-1 becomes '?', which
     * strict JSON has nowhere outside a string, and inside one a '?' sends the text to Gson.
     */
    private final byte[] c;
    private int pos;

    /** Thrown inside the fast reading for any text it does not take: Gson reads that text instead. */
    private static final class NotStrict extends Exception {
        NotStrict() {
            super(null, null, false, false);
        }
    }

    private static final NotStrict NOT_STRICT = new NotStrict();

    private JsonTree(String text) {
        this.c = text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What {@code JsonParser.parseString(text)} returns (or throws), the same tree. */
    static JsonElement parse(String text) {
        JsonTree t = new JsonTree(text);
        try {
            t.space();
            JsonElement e = t.value(0); // (a document of whitespace only is Gson's: JsonNull)
            t.space();
            if (t.pos == t.c.length) {
                return e;
            }
        } catch (NotStrict | ArrayIndexOutOfBoundsException e) {
            // falls through to Gson
        }
        return JsonParser.parseString(text);
    }

    private void space() {
        while (pos < c.length) {
            int ch = c[pos];
            if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') {
                return;
            }
            pos++;
        }
    }

    private JsonElement value(int depth) throws NotStrict {
        if (pos >= c.length) {
            throw NOT_STRICT;
        }
        int ch = c[pos];
        switch (ch) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return new JsonPrimitive(string());
            case 't':
                literal("true");
                return new JsonPrimitive(Boolean.TRUE);
            case 'f':
                literal("false");
                return new JsonPrimitive(Boolean.FALSE);
            case 'n':
                literal("null");
                return JsonNull.INSTANCE;
            default:
                if (ch == '-' || (ch >= '0' && ch <= '9')) {
                    return new JsonPrimitive(number());
                }
                throw NOT_STRICT;
        }
    }

    private JsonObject object(int depth) throws NotStrict {
        if (depth > MAX_DEPTH) {
            throw NOT_STRICT;
        }
        pos++; // {
        JsonObject o = new JsonObject();
        space();
        if (pos < c.length && c[pos] == '}') {
            pos++;
            return o;
        }
        while (true) {
            space();
            if (pos >= c.length || c[pos] != '"') {
                throw NOT_STRICT;
            }
            String name = string();
            space();
            if (pos >= c.length || c[pos] != ':') {
                throw NOT_STRICT;
            }
            pos++;
            space();
            JsonElement v = value(depth);
            if (o.has(name)) { // what Gson does with a duplicate name is Gson's to say
                throw NOT_STRICT;
            }
            o.add(name, v);
            space();
            if (pos >= c.length) {
                throw NOT_STRICT;
            }
            int ch = c[pos++];
            if (ch == '}') {
                return o;
            }
            if (ch != ',') {
                throw NOT_STRICT;
            }
        }
    }

    private JsonArray array(int depth) throws NotStrict {
        if (depth > MAX_DEPTH) {
            throw NOT_STRICT;
        }
        pos++; // [
        JsonArray a = new JsonArray();
        space();
        if (pos < c.length && c[pos] == ']') {
            pos++;
            return a;
        }
        while (true) {
            space();
            a.add(value(depth));
            space();
            if (pos >= c.length) {
                throw NOT_STRICT;
            }
            int ch = c[pos++];
            if (ch == ']') {
                return a;
            }
            if (ch != ',') {
                throw NOT_STRICT;
            }
        }
    }

    private void literal(String word) throws NotStrict {
        int n = word.length();
        if (pos + n > c.length) {
            throw NOT_STRICT;
        }
        for (int i = 0; i < n; i++) {
            if (c[pos + i] != word.charAt(i)) {
                throw NOT_STRICT;
            }
        }
        pos += n;
        // Gson's lenient reader takes "trueish" as one unquoted string: a literal must end here
        if (pos < c.length && !ends(c[pos])) {
            throw NOT_STRICT;
        }
    }

    /**
     * A JSON number, -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, ending where a value may end:
     * its text and its digits as {@link JsonDecimal} keeps them. Most of the params' characters are
     * numbers' (about 16,800 of them): locals, not fields, in the loops, which run interpreted at
     * first.
     */
    private JsonDecimal number() throws NotStrict {
        byte[] b = c;
        int n = b.length;
        int start = pos;
        int p = start;
        boolean negative = b[p] == '-';
        if (negative) {
            p++;
        }
        if (p >= n) {
            throw NOT_STRICT;
        }
        long mantissa = 0;
        int digits = 0; // significant ones: leading zeros are not counted
        int scale = 0; // digits after the point
        if (b[p] == '0') {
            p++;
        } else if (b[p] >= '1' && b[p] <= '9') {
            while (p < n && b[p] >= '0' && b[p] <= '9') {
                if (digits < 19) {
                    mantissa = mantissa * 10 + (b[p] - '0');
                }
                digits++;
                p++;
            }
        } else {
            throw NOT_STRICT;
        }
        if (p < n && b[p] == '.') {
            int f = ++p;
            while (p < n && b[p] >= '0' && b[p] <= '9') {
                if (digits > 0 || b[p] != '0') {
                    if (digits < 19) {
                        mantissa = mantissa * 10 + (b[p] - '0');
                    }
                    digits++;
                }
                scale++;
                p++;
            }
            if (p == f) {
                throw NOT_STRICT;
            }
        }
        int exponent = 0;
        if (p < n && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            boolean negExp = false;
            if (p < n && (b[p] == '+' || b[p] == '-')) {
                negExp = b[p] == '-';
                p++;
            }
            int e = p;
            while (p < n && b[p] >= '0' && b[p] <= '9') {
                if (exponent < 100_000) {
                    exponent = exponent * 10 + (b[p] - '0');
                }
                p++;
            }
            if (p == e) {
                throw NOT_STRICT;
            }
            if (negExp) {
                exponent = -exponent;
            }
        }
        if (p < n && !ends(b[p])) {
            throw NOT_STRICT;
        }
        pos = p;
        return new JsonDecimal(b, start, p - start, mantissa, digits, exponent - scale, negative);
    }

    /** What may follow a number or a literal in strict JSON. */
    private static boolean ends(int ch) {
        return ch == ',' || ch == '}' || ch == ']' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t';
    }

    /** A string at {@code pos} (its opening quote), unescaped; pos ends after the closing quote. */
    private String string() throws NotStrict {
        byte[] b = c;
        int n = b.length;
        int start = ++pos;
        int p = start;
        while (p < n) {
            int ch = b[p];
            if (ch == '"') {
                pos = p + 1;
                return new String(b, start, p - start, StandardCharsets.ISO_8859_1);
            }
            if (ch == '\\') {
                pos = p;
                return escaped(start);
            }
            if ((ch >= 0 && ch < 0x20) || ch == '?') { // an unescaped control character; '?': see c
                throw NOT_STRICT;
            }
            p++;
        }
        throw NOT_STRICT;
    }

    private String escaped(int start) throws NotStrict {
        StringBuilder sb = new StringBuilder(pos - start + 16)
                .append(new String(c, start, pos - start, StandardCharsets.ISO_8859_1));
        while (pos < c.length) {
            char ch = (char) (c[pos++] & 0xff);
            if (ch == '"') {
                return sb.toString();
            }
            if (ch < 0x20 || ch == '?') {
                throw NOT_STRICT;
            }
            if (ch != '\\') {
                sb.append(ch);
                continue;
            }
            if (pos >= c.length) {
                throw NOT_STRICT;
            }
            char e = (char) c[pos++];
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > c.length) {
                        throw NOT_STRICT;
                    }
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int h = c[pos++];
                        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1; // ASCII only, as Gson
                        if (d < 0) {
                            throw NOT_STRICT;
                        }
                        v = v * 16 + d;
                    }
                    sb.append((char) v);
                }
                default -> throw NOT_STRICT;
            }
        }
        throw NOT_STRICT;
    }
}
