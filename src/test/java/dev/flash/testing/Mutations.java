package dev.flash.testing;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Inputs for fuzzing a parser: a valid text broken the ways files break (cut short, a span
 * replaced by a nasty token or random characters, a line dropped or doubled), and plain random
 * text. Mostly near-valid inputs, so the parser gets past its first check and its deeper paths
 * are exercised.
 */
public final class Mutations {
    private Mutations() {
    }

    /** Tokens that break parsers: numbers out of range, quotes and brackets, control characters. */
    static final List<String> NASTY = List.of("", " ", "-1", "0", "-0", "1e999", "-1e999", "NaN", "Infinity",
            "9223372036854775808", "99999999999999999999999", "0x10", "1_000", "\"", "'", "[", "]", "{", "}", "=", ",",
            ":", "\n", "\r\n", "\t", "\u0000", "\u00ff", "\ud83d\ude00", "true", "null", "[[x]]", "#", "\\", "\\u00",
            "\"\"\"", "[]", "{}", "a.b.c", "cpu", "cpu99999", "version", "4294967296", "-9223372036854775809");

    /**
     * Writes text as a file holds it: UTF-8, an unpaired surrogate as '?' (a file cannot hold
     * one; {@code Files.writeString} would refuse).
     */
    public static void write(java.nio.file.Path file, String text) throws java.io.IOException {
        java.nio.file.Files.write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** One way a file breaks, at a place (clamped to the text's length when applied). */
    enum Kind { CUT, REPLACE, DROP_LINE, DOUBLE_LINE }

    /** An edit, drawn independently of the text: the text is only touched in {@link #apply}. */
    record Edit(Kind kind, int at, int length, String token) {
    }

    /** Longest random text and random token: inputs stay near the size of {@code valid}. */
    static final int MAX_RANDOM_TEXT = 200;
    static final int MAX_RANDOM_TOKEN = 12;

    /**
     * {@code valid} broken one to three times, or random text (about one input in eight).
     *
     * <p>The generator is flat: a list of 1-3 independent {@link Edit}s mapped over the text, no
     * {@code flatMap}. An earlier version chained each edit on the last one's result with
     * {@code flatMap}; jqwik then built edge cases and shrinking trees for every chain, which at
     * 10^4 tries took a large share of the 2 GB test heap (SimFilesFuzzTest ran out of heap in
     * generation). Every input is at most {@code valid.length() + 3 * 12} characters or 200 random ones.
     */
    public static Arbitrary<String> of(String valid) {
        Arbitrary<String> mutated = edits(valid.length()).list().ofMinSize(1).ofMaxSize(3).map(es -> apply(valid, es));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(7, mutated),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(MAX_RANDOM_TEXT)));
    }

    static Arbitrary<Edit> edits(int length) {
        Arbitrary<String> token = Arbitraries.oneOf(Arbitraries.of(NASTY),
                Arbitraries.strings().ofMaxLength(MAX_RANDOM_TOKEN));
        // REPLACE twice as often as the others: it is where the nasty tokens go in
        Arbitrary<Kind> kind = Arbitraries.of(Kind.CUT, Kind.REPLACE, Kind.REPLACE, Kind.DROP_LINE, Kind.DOUBLE_LINE);
        return Combinators.combine(kind, Arbitraries.integers().between(0, length),
                Arbitraries.integers().between(0, 16), token).as(Edit::new);
    }

    /** The edits applied in order, each place clamped to the text as the edits before left it. */
    static String apply(String text, List<Edit> edits) {
        String t = text;
        for (Edit e : edits) {
            t = apply(t, e);
        }
        return t;
    }

    static String apply(String text, Edit e) {
        int n = text.length();
        int i = Math.min(e.at(), n);
        switch (e.kind()) {
            case CUT:
                return text.substring(0, i);
            case REPLACE:
                return text.substring(0, i) + e.token() + text.substring(Math.min(n, i + e.length()));
            default:
                int start = text.lastIndexOf('\n', Math.max(0, i - 1)) + 1;
                int end = text.indexOf('\n', i);
                end = end < 0 ? n : end + 1;
                return e.kind() == Kind.DROP_LINE ? text.substring(0, start) + text.substring(end)
                        : text.substring(0, end) + text.substring(start, end) + text.substring(end);
        }
    }

    /** A byte set at a place (clamped), or inserted there. */
    record ByteEdit(int at, byte value, boolean insert) {
    }

    /**
     * {@code valid} (a file's bytes) with one to three bytes overwritten or inserted, any value:
     * mostly bytes that are not UTF-8 on their own (0x80-0xFF), as a file written in Latin-1 or
     * cut in the middle of a character holds. Flat, like {@link #of(String)}.
     */
    public static Arbitrary<byte[]> bytes(byte[] valid) {
        Arbitrary<Byte> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0x80, 0xFF).map(Integer::byteValue)),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes()));
        Arbitrary<ByteEdit> edit = Combinators.combine(Arbitraries.integers().between(0, valid.length), value,
                Arbitraries.of(true, false)).as(ByteEdit::new);
        return edit.list().ofMinSize(1).ofMaxSize(3).map(es -> {
            byte[] b = valid.clone();
            for (ByteEdit e : es) {
                int i = Math.min(e.at(), b.length);
                if (e.insert() || i == b.length) {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, i);
                    longer[i] = e.value();
                    System.arraycopy(b, i, longer, i + 1, b.length - i);
                    b = longer;
                } else {
                    b[i] = e.value();
                }
            }
            return b;
        });
    }
}
