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

    /** {@code tree}: the text's tree if the check already made it, else null. */
    LazyJsonObject(String text, JsonObject tree) {
        this.text = text;
        this.tree = tree;
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
