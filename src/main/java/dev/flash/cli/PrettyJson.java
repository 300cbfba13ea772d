package dev.flash.cli;


/**
 * A JSON tree as {@code new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
 * .serializeNulls().create().toJson(tree)} writes it, the same characters, without Gson's writer:
 * a one-shot {@code config-search recommend --json} writes one answer, and creating the Gson
 * instance and initialising {@code JsonWriter} (whose static initialiser compiles a regular
 * expression, interpreted) cost it 10-15 ms of its main thread's CPU, more than writing the answer
 * (docs/log/2026-12-07-recommend-latency-2.md). {@code PrettyJsonTest} compares the two on
 * random trees. Since 2026-12-07 the answer is written field by field without a tree
 * ({@link JsonOut.Pretty}, which takes its escapes and line breaks from here); the tree's text
 * that {@code JsonOutTest} holds it to is written by the test sources' {@code PrettyJsonTree}
 * with these rules.
 *
 * <p>Gson's rules, as this writes them: two spaces per level, {@code ": "} after a name, each
 * member and element on its own line, empty arrays and objects as {@code []} and {@code {}};
 * numbers as their {@code toString()} (NaN and infinities too: serializeSpecialFloatingPointValues),
 * null members written (serializeNulls); strings escaped HTML-safe (Gson's default): {@code "}, the
 * backslash, control characters, {@code < > & = '} and U+2028/U+2029. Gson refuses a number
 * text that is not JSON for a Number type of its own making; the answers never hold one.
 */
final class PrettyJson {
    private PrettyJson() {
    }

    private static final String INDENT = "  ";

    /** The escape of each ASCII character that has one (HTML-safe, as Gson's default), else null. */
    private static final String[] ESCAPES = new String[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = "\\u00" + Character.forDigit(c >> 4, 16) + Character.forDigit(c & 15, 16);
        }
        ESCAPES['"'] = "\\\"";
        ESCAPES['\\'] = "\\\\";
        ESCAPES['\t'] = "\\t";
        ESCAPES['\b'] = "\\b";
        ESCAPES['\n'] = "\\n";
        ESCAPES['\r'] = "\\r";
        ESCAPES['\f'] = "\\f";
        ESCAPES['<'] = "\\u003c";
        ESCAPES['>'] = "\\u003e";
        ESCAPES['&'] = "\\u0026";
        ESCAPES['='] = "\\u003d";
        ESCAPES['\''] = "\\u0027";
    }

    static void newline(StringBuilder out, int depth) {
        out.append('\n');
        for (int i = 0; i < depth; i++) {
            out.append(INDENT);
        }
    }

    /** Writes {@code s} quoted and escaped; true when what it wrote is ASCII only. */
    static boolean string(StringBuilder out, String s) {
        out.append('"');
        int last = 0;
        boolean ascii = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape;
            if (c < 128) {
                escape = ESCAPES[c];
            } else if (c == '\u2028') {
                escape = "\\u2028";
            } else if (c == '\u2029') {
                escape = "\\u2029";
            } else {
                ascii = false;
                continue;
            }
            if (escape != null) {
                out.append(s, last, i).append(escape);
                last = i + 1;
            }
        }
        out.append(s, last, s.length()).append('"');
        return ascii;
    }
}
