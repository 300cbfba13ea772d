package dev.flash.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Map;

/**
 * A JSON tree as Gson's pretty printer writes it, with {@link PrettyJson}'s escapes and line
 * breaks: the text {@code recommend --json} wrote from Gson's tree until 2026-12-07, which
 * {@code JsonOutTest} holds {@link JsonOut.Pretty} to and {@code PrettyJsonTest} holds to Gson.
 * Only the tests need it since the answer is written field by field.
 */
final class PrettyJsonTree {
    private PrettyJsonTree() {
    }

    static String toJson(JsonElement tree) {
        StringBuilder out = new StringBuilder(4096);
        write(out, tree, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, JsonElement e, int depth) {
        if (e == null || e.isJsonNull()) {
            out.append("null");
        } else if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isString()) {
                PrettyJson.string(out, p.getAsString());
            } else if (p.isBoolean()) {
                out.append(p.getAsBoolean() ? "true" : "false");
            } else {
                out.append(p.getAsNumber().toString());
            }
        } else if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            out.append('[');
            for (int i = 0; i < a.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                PrettyJson.newline(out, depth + 1);
                write(out, a.get(i), depth + 1);
            }
            if (!a.isEmpty()) {
                PrettyJson.newline(out, depth);
            }
            out.append(']');
        } else {
            JsonObject o = e.getAsJsonObject();
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonElement> m : o.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                PrettyJson.newline(out, depth + 1);
                PrettyJson.string(out, m.getKey());
                out.append(": ");
                write(out, m.getValue(), depth + 1);
            }
            if (!first) {
                PrettyJson.newline(out, depth);
            }
            out.append('}');
        }
    }
}
