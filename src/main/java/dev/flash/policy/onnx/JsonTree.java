package dev.flash.policy.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.internal.LazilyParsedNumber;

/**
 * {@link JsonParser#parseString}'s tree for a model's JSON metadata, read faster (the grammar is
 * {@link JsonCursor}'s): a config-search
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
final class JsonTree extends JsonCursor {
    private JsonTree(String text) {
        super(text);
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
        } catch (Unhandled | ArrayIndexOutOfBoundsException e) {
            // falls through to Gson
        }
        return JsonParser.parseString(text);
    }

    private JsonElement value(int depth) throws Unhandled {
        if (pos >= c.length) {
            throw UNHANDLED;
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
                throw UNHANDLED;
        }
    }

    private JsonObject object(int depth) throws Unhandled {
        if (depth > MAX_DEPTH) {
            throw UNHANDLED;
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
                throw UNHANDLED;
            }
            String name = string();
            space();
            if (pos >= c.length || c[pos] != ':') {
                throw UNHANDLED;
            }
            pos++;
            space();
            JsonElement v = value(depth);
            if (o.has(name)) { // what Gson does with a duplicate name is Gson's to say
                throw UNHANDLED;
            }
            o.add(name, v);
            space();
            if (pos >= c.length) {
                throw UNHANDLED;
            }
            int ch = c[pos++];
            if (ch == '}') {
                return o;
            }
            if (ch != ',') {
                throw UNHANDLED;
            }
        }
    }

    private JsonArray array(int depth) throws Unhandled {
        if (depth > MAX_DEPTH) {
            throw UNHANDLED;
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
                throw UNHANDLED;
            }
            int ch = c[pos++];
            if (ch == ']') {
                return a;
            }
            if (ch != ',') {
                throw UNHANDLED;
            }
        }
    }

    private JsonDecimal number() throws Unhandled {
        scanNumber();
        return new JsonDecimal(c, numStart, pos - numStart, numMantissa, numDigits, numPower, numNegative);
    }
}
