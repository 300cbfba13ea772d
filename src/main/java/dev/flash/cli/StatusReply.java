package dev.flash.cli;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.flash.daemon.DaemonStatus;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A status reply as {@code flash status} reads it, trusting nothing: whatever answers on the
 * socket (another program, a daemon of another version, a broken one) may send any line. The
 * size is bounded where it is read ({@code StatusServer.request}); here the reply must be a JSON
 * object, no deeper than {@link #MAX_DEPTH}, its fields of the documented types, and every string
 * is cleaned of control characters before it can reach a terminal. Missing parts become empty,
 * so the summary renders whatever the reply leaves out.
 */
final class StatusReply {
    static final int MAX_DEPTH = 16;
    /** Longest piece of a bad reply quoted in an error message. */
    static final int MAX_QUOTE = 200;
    private static final Gson GSON = new Gson();

    private StatusReply() {
    }

    /** The reply cannot be shown as a status; the message says why in plain words. */
    static final class BadReplyException extends Exception {
        BadReplyException(String message) {
            super(message);
        }
    }

    /** Parses the reply into a JSON object whose strings are clean (what --json prints). */
    static JsonObject tree(String reply) throws BadReplyException {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(reply);
        } catch (JsonParseException | StackOverflowError e) {
            throw new BadReplyException("the reply is not JSON (" + quote(plain(e)) + ")");
        }
        if (!parsed.isJsonObject()) {
            throw new BadReplyException("the reply is not a JSON object: " + quote(reply));
        }
        JsonObject o = clean(parsed, 0).getAsJsonObject();
        if (o.has("error")) {
            throw new BadReplyException("the daemon answered an error: " + quote(o.get("error").toString()));
        }
        return o;
    }

    /** Reads the object as a {@link DaemonStatus} with every part present (possibly empty). */
    static DaemonStatus status(JsonObject o) throws BadReplyException {
        DaemonStatus s;
        try {
            s = GSON.fromJson(o, DaemonStatus.class);
        } catch (RuntimeException e) { // JsonSyntaxException, NumberFormatException: a field of the wrong type
            throw new BadReplyException("a field has the wrong type (" + quote(plain(e)) + ")");
        }
        if (s == null || s.state == null) {
            throw new BadReplyException("the reply has no 'state': " + quote(o.toString()));
        }
        s.jitter = Objects.requireNonNullElseGet(s.jitter, DaemonStatus.Jitter::new);
        s.node = Objects.requireNonNullElseGet(s.node, DaemonStatus.NodeInfo::new);
        s.model = Objects.requireNonNullElseGet(s.model, DaemonStatus.ModelInfo::new);
        s.power = Objects.requireNonNullElseGet(s.power, DaemonStatus.Power::new);
        s.counts = Objects.requireNonNullElseGet(s.counts, DaemonStatus.Counts::new);
        s.fallbackReasons = Objects.requireNonNullElseGet(s.fallbackReasons, ArrayList::new);
        s.lastErrors = Objects.requireNonNullElseGet(s.lastErrors, ArrayList::new);
        s.policies = Objects.requireNonNullElseGet(s.policies, ArrayList::new);
        s.rejectedModels = Objects.requireNonNullElseGet(s.rejectedModels, ArrayList::new);
        s.handsOffPolicies = Objects.requireNonNullElseGet(s.handsOffPolicies, ArrayList::new);
        Map<String, String> missing = Objects.requireNonNullElseGet(s.missingSignals, TreeMap::new);
        s.missingSignals = missing;
        for (var list : java.util.List.of(s.fallbackReasons, s.lastErrors, s.policies, s.rejectedModels,
                s.handsOffPolicies)) {
            list.removeIf(Objects::isNull);
        }
        for (DaemonStatus.PolicyStatus p : s.policies) {
            p.embeddingHead = Objects.requireNonNullElseGet(p.embeddingHead, ArrayList::new);
        }
        return s;
    }

    /** A copy of the tree with control characters taken out of every string and key. */
    private static JsonElement clean(JsonElement e, int depth) throws BadReplyException {
        if (depth > MAX_DEPTH) {
            throw new BadReplyException("the reply is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (e.isJsonObject()) {
            JsonObject out = new JsonObject();
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                out.add(text(m.getKey()), clean(m.getValue(), depth + 1));
            }
            return out;
        }
        if (e.isJsonArray()) {
            JsonArray out = new JsonArray();
            for (JsonElement x : e.getAsJsonArray()) {
                out.add(clean(x, depth + 1));
            }
            return out;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return new JsonPrimitive(text(e.getAsString()));
        }
        return e;
    }

    /**
     * The text without what a terminal would act on: C0 and C1 controls (escape sequences,
     * carriage returns, bells), DEL, and invisible format characters (bidirectional overrides).
     */
    static String text(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            int type = Character.getType(c);
            boolean unsafe = Character.isISOControl(c) || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
            b.appendCodePoint(unsafe ? '?' : c);
        });
        return b.toString();
    }

    /** What went wrong in words: the innermost message, without exception class names. */
    private static String plain(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() != null ? t.getMessage() : e.getMessage();
        return m == null ? "malformed" : m;
    }

    /** A piece of untrusted text for an error message: clean and short. */
    static String quote(String s) {
        String t = text(s == null ? "" : s);
        return t.length() <= MAX_QUOTE ? t : t.substring(0, MAX_QUOTE) + "...";
    }
}
