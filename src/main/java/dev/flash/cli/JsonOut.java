package dev.flash.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Where an answer's JSON fields go, named once for every form the answer takes: {@link Tree}, Gson's
 * tree ({@code --stream} adds to it and writes it), and {@link Pretty}, the text
 * {@link PrettyJson#toJson} would write for that tree, written straight into one buffer. A one-shot
 * {@code recommend --json} writes one answer, and building Gson's tree (a {@code JsonPrimitive}
 * and a map entry per value, about 600 of them) before writing it cost it about a fifth of its
 * output phase (docs/log/2026-12-07-recommend-latency-6.md). A field is added by one call in the
 * method that names the answer's fields ({@code ConfigSearchCommand.Recommend#answer}); both
 * forms follow. {@code JsonOutTest} holds the two to the same text on random call sequences.
 *
 * <p>Values as Gson's {@code addProperty} makes them: a double is a {@code Double} (written as
 * {@link Double#toString}, NaN and infinities too), an int an {@code Integer}, a null string
 * {@code null}. Names are added once per object, in order (Gson keeps the order; a repeated name
 * would replace the first value in its place, which {@link Pretty} cannot do: not supported).
 */
interface JsonOut {

    /** A string member ({@code null}: a JSON null). */
    JsonOut string(String name, String value);

    /** A number member, as {@code addProperty(name, Double)}. */
    JsonOut number(String name, double value);

    /** A number member, as {@code addProperty(name, Integer)}. */
    JsonOut number(String name, int value);

    JsonOut bool(String name, boolean value);

    /** A null member. */
    JsonOut nullValue(String name);

    /** Opens an array member; its elements are objects ({@link #beginObject}). */
    JsonOut beginArray(String name);

    /** Opens an object, an element of the open array. */
    JsonOut beginObject();

    JsonOut endObject();

    JsonOut endArray();

    /** Gson's tree of the fields; {@link #root()} is the outermost object. */
    final class Tree implements JsonOut {
        private final JsonObject root = new JsonObject();
        private final Deque<JsonElement> open = new ArrayDeque<>();

        Tree() {
            open.push(root);
        }

        JsonObject root() {
            return root;
        }

        private JsonOut member(String name, JsonElement value) {
            ((JsonObject) open.peek()).add(name, value);
            return this;
        }

        @Override
        public JsonOut string(String name, String value) {
            return member(name, value == null ? JsonNull.INSTANCE : new JsonPrimitive(value));
        }

        @Override
        public JsonOut number(String name, double value) {
            return member(name, new JsonPrimitive(value));
        }

        @Override
        public JsonOut number(String name, int value) {
            return member(name, new JsonPrimitive(value));
        }

        @Override
        public JsonOut bool(String name, boolean value) {
            return member(name, new JsonPrimitive(value));
        }

        @Override
        public JsonOut nullValue(String name) {
            return member(name, JsonNull.INSTANCE);
        }

        @Override
        public JsonOut beginArray(String name) {
            JsonArray a = new JsonArray();
            member(name, a);
            open.push(a);
            return this;
        }

        @Override
        public JsonOut beginObject() {
            JsonObject o = new JsonObject();
            ((JsonArray) open.peek()).add(o);
            open.push(o);
            return this;
        }

        @Override
        public JsonOut endObject() {
            open.pop();
            return this;
        }

        @Override
        public JsonOut endArray() {
            open.pop();
            return this;
        }
    }

    /**
     * The pretty text of the fields' tree as {@link PrettyJson} writes it (Gson's pretty printing:
     * two spaces per level, each member and element on its own line, {@code []} and {@code {}} when
     * empty), written as the fields come. {@link #text()} once the outermost object is complete.
     */
    final class Pretty implements JsonOut {
        private final StringBuilder out;
        /** Whether every character written so far is ASCII (names and strings may not be). */
        private boolean ascii = true;
        private int depth = 1;
        /** Whether the container open at each depth has nothing in it yet. */
        private boolean[] empty = new boolean[8];

        Pretty(int capacity) {
            out = new StringBuilder(capacity);
            out.append('{');
            empty[1] = true;
        }

        /** The text, the outermost object closed. */
        String text() {
            if (depth != 1) {
                throw new IllegalStateException("an array or object is still open");
            }
            close('}');
            return out.toString();
        }

        /** A separator and the line of the next member or element. */
        private void next() {
            if (!empty[depth]) {
                out.append(',');
            }
            empty[depth] = false;
            PrettyJson.newline(out, depth);
        }

        /** Whether the text is ASCII only (then its bytes are its characters in any ASCII-based charset). */
        boolean ascii() {
            return ascii;
        }

        private StringBuilder name(String name) {
            next();
            if (!PrettyJson.string(out, name)) {
                ascii = false;
            }
            return out.append(": ");
        }

        private void open(char c) {
            out.append(c);
            depth++;
            if (depth == empty.length) {
                empty = java.util.Arrays.copyOf(empty, 2 * depth);
            }
            empty[depth] = true;
        }

        private void close(char c) {
            if (!empty[depth]) {
                PrettyJson.newline(out, depth - 1);
            }
            depth--;
            out.append(c);
        }

        @Override
        public JsonOut string(String name, String value) {
            if (value == null) {
                return nullValue(name);
            }
            StringBuilder at = name(name); // before the value: name() may clear ascii
            if (!PrettyJson.string(at, value)) {
                ascii = false;
            }
            return this;
        }

        @Override
        public JsonOut number(String name, double value) {
            name(name).append(Double.toString(value));
            return this;
        }

        @Override
        public JsonOut number(String name, int value) {
            name(name).append(value);
            return this;
        }

        @Override
        public JsonOut bool(String name, boolean value) {
            name(name).append(value ? "true" : "false");
            return this;
        }

        @Override
        public JsonOut nullValue(String name) {
            name(name).append("null");
            return this;
        }

        @Override
        public JsonOut beginArray(String name) {
            name(name);
            open('[');
            return this;
        }

        @Override
        public JsonOut beginObject() {
            next();
            open('{');
            return this;
        }

        @Override
        public JsonOut endObject() {
            close('}');
            return this;
        }

        @Override
        public JsonOut endArray() {
            close(']');
            return this;
        }
    }
}
