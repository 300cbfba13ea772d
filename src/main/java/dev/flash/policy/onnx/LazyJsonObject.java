package dev.flash.policy.onnx;

import com.google.gson.JsonObject;

/**
 * A model's JSON object metadata (its {@code flash.params}) as the check found it, with its Gson
 * tree made on first use: a reader that takes the text straight into its own arrays
 * ({@link JsonCursor}; a config-search model's params, about 180 KB) never pays for the tree.
 * The check ({@link JsonCursor#isStrictObject}, else Gson) has already said the text is an
 * object, so the tree is never an error. Shared between threads like the description that holds it.
 */
public final class LazyJsonObject {
    private final String text;
    private JsonObject tree;
    private final Object read;

    /** {@code tree}: the text's tree if the check already made it, else null. */
    LazyJsonObject(String text, JsonObject tree) {
        this(text, tree, null);
    }

    /**
     * {@code read}: what the reader the model's loader was given made of the text, when it took
     * it (then the text is strict JSON and the check did not read it again), else null.
     */
    LazyJsonObject(String text, JsonObject tree, Object read) {
        this.text = text;
        this.tree = tree;
        this.read = read;
    }

    /**
     * What the params reader given to {@link OnnxModel#loadBuiltin(java.nio.file.Path,
     * java.util.function.Function)} made of the text, or null (no reader, or it did not take the
     * text): its caller's to use instead of reading the text again.
     */
    public Object read() {
        return read;
    }

    /** The tree ({@link JsonTree#parse}'s, which is Gson's), made once. Shared: read it, do not change it. */
    public synchronized JsonObject get() {
        if (tree == null) {
            tree = JsonTree.parse(text).getAsJsonObject();
        }
        return tree;
    }

    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LazyJsonObject l && l.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
