package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.flash.daemon.DaemonStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The status reply parser against mutated replies (seeded, so a failure repeats): whatever the
 * mutation, the only way out is {@link StatusReply.BadReplyException} or a summary without
 * control characters.
 */
class StatusReplyTest {
    static final int INPUTS = 1000;

    /** A full status as the daemon would send it: every part filled. */
    private static String sample() {
        DaemonStatus s = new DaemonStatus();
        s.state = "fallback";
        s.stateReason = "no model: no valid DVFS model in /var/lib/flash/models";
        s.mode = "fallback";
        s.modeReason = s.stateReason;
        s.node.kind = "real";
        s.node.description = "linux cpufreq (acpi-cpufreq) under /";
        s.model.name = "fallback";
        s.model.fallback = true;
        s.jitter.p50Ms = 0.1;
        s.power.packageWatts = 31.5;
        s.counts.decisionsPerMinute = 120.0;
        s.missingSignals.put("ipc", "perf_event_open: no hardware PMU");
        DaemonStatus.RejectedModel r = new DaemonStatus.RejectedModel();
        r.name = "new.onnx";
        r.sha256 = "ab".repeat(32);
        r.reason = "missing metadata key flash.features";
        s.rejectedModels.add(r);
        DaemonStatus.HandsOff h = new DaemonStatus.HandsOff();
        h.policy = "policy1";
        h.reason = "scaling_governor changed to performance by another tool";
        s.handsOffPolicies.add(h);
        s.lastErrors.add("2026-12-06T22:00:00Z write policy0: EBUSY");
        for (int id = 0; id < 2; id++) {
            DaemonStatus.PolicyStatus p = new DaemonStatus.PolicyStatus();
            p.id = id;
            p.cpus = id + "";
            p.freqMhz = 2400.0;
            p.targetMhz = 2200.0;
            p.utilization = 0.4;
            p.action = "down1";
            p.embeddingHead.add(0.5f);
            p.drift = "context matches training";
            s.policies.add(p);
        }
        return new Gson().toJson(s);
    }

    private static final String[] CHARS = {"\"", "{", "}", "[", "]", ",", ":", "n", "1", "\u001b", " ", "e", "-", ".",
        "\\", "\u0000", "\u202e", "t"};
    private static final String[] TOKENS = {"null", "true", "\"\\u001b[2J\"", "1e999", "[]", "{}", "-0", "\"\"",
        "9223372036854775808", "[null]", "{\"a\":null}"};

    /** Breaks the text: a character replaced, deleted or inserted, a token inserted, or a cut. */
    private static String mutateText(String text, Random random) {
        StringBuilder b = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(5)) {
                case 0 -> b.replace(at, at + 1, CHARS[random.nextInt(CHARS.length)]);
                case 1 -> b.deleteCharAt(at);
                case 2 -> b.insert(at, CHARS[random.nextInt(CHARS.length)]);
                case 3 -> b.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                default -> b.setLength(at);
            }
        }
        return b.toString();
    }

    /** Keeps the JSON valid and gives one field, anywhere, a value of another type. */
    private static String mutateField(String text, Random random) {
        JsonObject root = JsonParser.parseString(text).getAsJsonObject();
        List<JsonObject> objects = new ArrayList<>();
        collect(root, objects);
        JsonObject target = objects.get(random.nextInt(objects.size()));
        List<String> keys = new ArrayList<>(target.keySet());
        if (keys.isEmpty()) {
            return root.toString();
        }
        String key = keys.get(random.nextInt(keys.size()));
        JsonElement[] values = {JsonNull.INSTANCE, new JsonPrimitive("\u001b]0;x\u0007"), new JsonPrimitive(1e308),
            new JsonPrimitive(-1), new JsonPrimitive(true), new JsonArray(), new JsonObject(),
            new JsonPrimitive("NaN"), new JsonPrimitive(1.5)};
        target.add(key, values[random.nextInt(values.length)]);
        return root.toString();
    }

    private static void collect(JsonElement e, List<JsonObject> out) {
        if (e.isJsonObject()) {
            out.add(e.getAsJsonObject());
            e.getAsJsonObject().entrySet().forEach(m -> collect(m.getValue(), out));
        } else if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> collect(x, out));
        }
    }

    /** Parses and renders; returns whether it was accepted. Anything but BadReplyException fails the test. */
    private static boolean accepted(String reply) {
        try {
            JsonObject tree = StatusReply.tree(reply);
            assertClean(tree.toString(), reply);
            DaemonStatus s = StatusReply.status(tree);
            assertClean(StatusCommand.render(s, false), reply);
            assertClean(StatusCommand.render(s, true), reply);
            return true;
        } catch (StatusReply.BadReplyException e) {
            assertClean(e.getMessage(), reply);
            assertTrue(e.getMessage().length() < 600, "a short message: " + e.getMessage());
            return false;
        }
    }

    private static void assertClean(String text, String reply) {
        for (char c : text.toCharArray()) {
            assertFalse(c != '\n' && c != '\r' && Character.isISOControl(c) || c == '\u202e',
                    "control character " + (int) c + " from reply: " + reply);
        }
    }

    @Test
    void theSampleItselfIsAccepted() {
        assertTrue(accepted(sample()));
        String summary = render(sample());
        assertTrue(summary.contains("hands-off  policy1: scaling_governor changed to performance by another tool"), summary);
        assertTrue(summary.contains("missing    ipc: perf_event_open: no hardware PMU"), summary);
        assertTrue(summary.contains("rejected   new.onnx (sha256 abababababab): missing metadata key flash.features"), summary);
    }

    private static String render(String reply) {
        try {
            return StatusCommand.render(StatusReply.status(StatusReply.tree(reply)), false);
        } catch (StatusReply.BadReplyException e) {
            throw new AssertionError(e);
        }
    }

    /** How many of {@link #INPUTS} mutated samples were rejected (each one checked by {@link #accepted}). */
    private static int rejectedOf(java.util.function.BiFunction<String, Random, String> mutation, long seed) {
        Random random = new Random(seed);
        String sample = sample();
        int rejected = 0;
        for (int i = 0; i < INPUTS; i++) {
            rejected += accepted(mutation.apply(sample, random)) ? 0 : 1;
        }
        return rejected;
    }

    @Test
    void mutatedTextEndsInACleanAnswerOrACleanError() {
        int rejected = rejectedOf(StatusReplyTest::mutateText, 23);
        assertTrue(rejected > INPUTS / 10, "the mutations break the reply often enough to test the errors: " + rejected);
    }

    @Test
    void fieldsOfTheWrongTypeEndInACleanAnswerOrACleanError() {
        int rejected = rejectedOf(StatusReplyTest::mutateField, 8);
        assertTrue(rejected > 0 && rejected < INPUTS, "both outcomes occur: " + rejected + " of " + INPUTS + " rejected");
    }

    @Test
    void controlCharactersBecomeQuestionMarks() {
        assertEquals("a?[31mb??c", StatusReply.text("a\u001b[31mb\u0007\u202ec"));
        assertEquals("plain words: caf\u00e9 3 W", StatusReply.text("plain words: caf\u00e9 3 W"));
    }
}
