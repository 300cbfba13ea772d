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

    /** {@code valid} broken one or a few times, or random text (about one input in eight). */
    public static Arbitrary<String> of(String valid) {
        Arbitrary<String> mutated = Arbitraries.integers().between(1, 3).flatMap(n -> mutate(valid, n));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(7, mutated),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(200)));
    }

    private static Arbitrary<String> mutate(String text, int times) {
        if (times == 0) {
            return Arbitraries.just(text);
        }
        return oneEdit(text).flatMap(t -> mutate(t, times - 1));
    }

    private static Arbitrary<String> oneEdit(String text) {
        int n = text.length();
        Arbitrary<Integer> at = Arbitraries.integers().between(0, n);
        Arbitrary<String> token = Arbitraries.oneOf(Arbitraries.of(NASTY), Arbitraries.strings().ofMaxLength(12));
        Arbitrary<String> cut = at.map(i -> text.substring(0, i));
        Arbitrary<String> replace = Combinators.combine(at, Arbitraries.integers().between(0, 16), token)
                .as((i, len, tok) -> text.substring(0, i) + tok + text.substring(Math.min(n, i + len)));
        Arbitrary<String> line = at.map(i -> {
            int start = text.lastIndexOf('\n', Math.max(0, i - 1)) + 1;
            int end = text.indexOf('\n', i);
            end = end < 0 ? n : end + 1;
            return i % 2 == 0 ? text.substring(0, start) + text.substring(end)
                    : text.substring(0, end) + text.substring(start, end) + text.substring(end);
        });
        return Arbitraries.oneOf(cut, replace, replace, line);
    }
}
