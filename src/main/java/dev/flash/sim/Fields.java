package dev.flash.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * One object of an input file (a JSON object of the population file or a TOML table of the spec
 * file) with the typed, strict reads both need: a missing key, a wrong type or an unknown key
 * throws a {@link SpecException} naming the key (and, for TOML, its line).
 */
abstract class Fields {

    abstract Set<String> keys();

    abstract boolean has(String key);

    /** " (line N)" for TOML, "" for JSON (Gson keeps no positions). */
    abstract String lineOf(String key);

    abstract Double numberOrNull(String key);

    abstract String stringOrNull(String key);

    abstract List<Fields> tablesOrNull(String key);

    abstract Fields tableOrNull(String key);

    abstract List<String> stringsOrNull(String key);

    /** An array of numbers (a frequency table), or a type error naming the key. */
    abstract List<Double> numbersOrNull(String key);

    double number(String key) {
        require(key);
        return numberOrNull(key);
    }

    double number(String key, double fallback) {
        return has(key) ? numberOrNull(key) : fallback;
    }

    String string(String key) {
        require(key);
        return stringOrNull(key);
    }

    String string(String key, String fallback) {
        return has(key) ? stringOrNull(key) : fallback;
    }

    List<Fields> tables(String key) {
        require(key);
        return tablesOrNull(key);
    }

    Fields table(String key) {
        require(key);
        return tableOrNull(key);
    }

    void require(String key) {
        if (!has(key)) {
            throw new SpecException("missing " + key);
        }
    }

    /** Rejects keys the reader does not know (a typo must not be silently ignored). */
    void allowOnly(Set<String> allowed) {
        for (String k : keys()) {
            if (!allowed.contains(k)) {
                throw new SpecException("unknown key '" + k + "'" + lineOf(k) + " (known: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    /** Adds the line of the key an exception message starts with, when known. */
    SpecException withLine(SpecException e) {
        String msg = e.getMessage();
        String first = msg.split("[ ']", 2)[0];
        String line = has(first) ? lineOf(first) : "";
        return line.isEmpty() ? e : new SpecException(line.trim().replaceAll("[()]", "") + ": " + msg, e);
    }

    static SpecException typeError(String key, String expected, Object got, String line) {
        return new SpecException(key + line + " must be " + expected + ", got " + got);
    }

    // ------------------------------------------------------------------ JSON

    static Fields of(JsonObject o) {
        return new JsonFields(o);
    }

    static Fields of(TomlTable t) {
        return new TomlFields(t);
    }

    private static final class JsonFields extends Fields {
        private final JsonObject o;

        JsonFields(JsonObject o) {
            this.o = o;
        }

        @Override
        Set<String> keys() {
            return o.keySet();
        }

        @Override
        boolean has(String key) {
            return o.has(key) && !o.get(key).isJsonNull();
        }

        @Override
        String lineOf(String key) {
            return "";
        }

        @Override
        Double numberOrNull(String key) {
            JsonElement e = o.get(key);
            if (e instanceof JsonPrimitive p && p.isNumber()) {
                return p.getAsDouble();
            }
            throw typeError(key, "a number", e, "");
        }

        @Override
        String stringOrNull(String key) {
            JsonElement e = o.get(key);
            if (e instanceof JsonPrimitive p && p.isString()) {
                return p.getAsString();
            }
            throw typeError(key, "a string", e, "");
        }

        @Override
        List<Fields> tablesOrNull(String key) {
            JsonElement e = o.get(key);
            if (!(e instanceof JsonArray a)) {
                throw typeError(key, "an array of objects", e, "");
            }
            List<Fields> out = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).isJsonObject()) {
                    throw new SpecException(key + " " + i + " must be an object, got " + a.get(i));
                }
                out.add(new JsonFields(a.get(i).getAsJsonObject()));
            }
            return out;
        }

        @Override
        Fields tableOrNull(String key) {
            JsonElement e = o.get(key);
            if (!(e instanceof JsonObject obj)) {
                throw typeError(key, "an object", e, "");
            }
            return new JsonFields(obj);
        }

        @Override
        List<String> stringsOrNull(String key) {
            return arrayOf(key, "an array of strings", p -> p.isString() ? p.getAsString() : null);
        }

        @Override
        List<Double> numbersOrNull(String key) {
            return arrayOf(key, "an array of numbers", p -> p.isNumber() ? p.getAsDouble() : null);
        }

        /** The array at key, each element converted (null from convert: a type error naming key). */
        private <T> List<T> arrayOf(String key, String expected, java.util.function.Function<JsonPrimitive, T> convert) {
            JsonElement e = o.get(key);
            if (!(e instanceof JsonArray a)) {
                throw typeError(key, expected, e, "");
            }
            List<T> out = new ArrayList<>();
            for (JsonElement x : a) {
                T v = x instanceof JsonPrimitive p ? convert.apply(p) : null;
                if (v == null) {
                    throw typeError(key, expected, e, "");
                }
                out.add(v);
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ TOML

    private static final class TomlFields extends Fields {
        private final TomlTable t;

        TomlFields(TomlTable t) {
            this.t = t;
        }

        @Override
        Set<String> keys() {
            return t.keySet();
        }

        @Override
        boolean has(String key) {
            return t.keySet().contains(key);
        }

        @Override
        String lineOf(String key) {
            TomlPosition pos = t.inputPositionOf(List.of(key));
            return pos == null ? "" : " (line " + pos.line() + ")";
        }

        @Override
        Double numberOrNull(String key) {
            Object v = t.get(List.of(key));
            if (v instanceof Long l) {
                return l.doubleValue();
            }
            if (v instanceof Double d) {
                return d;
            }
            throw typeError(key, "a number", quote(v), lineOf(key));
        }

        @Override
        String stringOrNull(String key) {
            Object v = t.get(List.of(key));
            if (v instanceof String s) {
                return s;
            }
            throw typeError(key, "a string", quote(v), lineOf(key));
        }

        @Override
        List<Fields> tablesOrNull(String key) {
            Object v = t.get(List.of(key));
            if (!(v instanceof TomlArray a)) {
                throw typeError(key, "an array of tables ([[" + key + "]])", quote(v), lineOf(key));
            }
            List<Fields> out = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                if (!(a.get(i) instanceof TomlTable tt)) {
                    throw typeError(key, "an array of tables ([[" + key + "]])", quote(v), lineOf(key));
                }
                out.add(new TomlFields(tt));
            }
            return out;
        }

        @Override
        Fields tableOrNull(String key) {
            Object v = t.get(List.of(key));
            if (!(v instanceof TomlTable tt)) {
                throw typeError(key, "a table ([" + key + "])", quote(v), lineOf(key));
            }
            return new TomlFields(tt);
        }

        @Override
        List<String> stringsOrNull(String key) {
            return arrayOf(key, "an array of strings", x -> x instanceof String str ? str : null);
        }

        @Override
        List<Double> numbersOrNull(String key) {
            return arrayOf(key, "an array of numbers", x -> x instanceof Number n ? n.doubleValue() : null);
        }

        /** The array at key, each element converted (null from convert: a type error naming key). */
        private <T> List<T> arrayOf(String key, String expected, java.util.function.Function<Object, T> convert) {
            Object v = t.get(List.of(key));
            if (!(v instanceof TomlArray a)) {
                throw typeError(key, expected, quote(v), lineOf(key));
            }
            List<T> out = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                T x = convert.apply(a.get(i));
                if (x == null) {
                    throw typeError(key, expected, quote(v), lineOf(key));
                }
                out.add(x);
            }
            return out;
        }

        private static Object quote(Object v) {
            if (v instanceof String s) {
                return "'" + s + "'";
            }
            if (v instanceof TomlArray a) {
                return a.toJson();
            }
            if (v instanceof TomlTable tt) {
                return tt.toJson();
            }
            return v;
        }
    }
}
