package dev.flash.policy.onnx;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Strict JSON (RFC 8259) read forward without a tree, for a model's metadata: a reader asks for
 * what it expects ({@link #beginObject}, {@link #nextName}, {@link #nextDouble}, ...) and the
 * values go straight into its own arrays. Why: a config-search model's {@code flash.params} is
 * about 180 KB holding some 16,800 numbers, and making a Gson tree of them, then walking it, was
 * about a fifth of a one-shot {@code recommend}'s work after {@code main()}
 * (docs/log/2026-12-07-recommend-latency-5.md).
 *
 * <p>Anything a reader did not expect, and anything but strict JSON (Gson's lenient extras, a
 * duplicate name, nesting deeper than {@link #MAX_DEPTH}, malformed text), is {@link Unhandled}:
 * the reader then reads the text the general way ({@link JsonTree}, Gson), whose answer, a value or
 * an error, is the one given. So a cursor never decides what a document means; it only reads the
 * documents it fully understands faster.
 *
 * <p>The grammar ({@link #space}, {@link #string}, {@link #scanNumber}, {@link #literal}) is shared
 * with {@link JsonTree}, which builds Gson's tree from the same primitives; numbers have the values
 * {@link JsonDecimal} gives them (the same bits as Gson's {@code getAsDouble}/{@code getAsFloat}).
 */
public class JsonCursor {
    /** Deeper nesting goes to Gson for its verdict (its JsonReader refuses more than 255 levels). */
    static final int MAX_DEPTH = 200;

    /** The cursor met something it does not read: read the text the general way. */
    public static final class Unhandled extends Exception {
        private static final long serialVersionUID = 1L;

        private Unhandled() {
            super(null, null, false, false);
        }
    }

    static final Unhandled UNHANDLED = new Unhandled();

    /** The signal for a reader to give when the text is not what it reads (stackless, shared). */
    public static Unhandled unhandled() {
        return UNHANDLED;
    }

    /**
     * The text's characters as ISO-8859-1 bytes: for a text of Latin-1 characters only (flash's
     * JSON is ASCII) String.getBytes copies its array, where toCharArray widened every character in
     * an interpreted loop (2-4 ms for the params). A character beyond Latin-1 becomes '?', which
     * strict JSON has nowhere outside a string, and inside one a '?' is {@link Unhandled}.
     */
    final byte[] c;
    int pos;

    // the last number scanned (scanNumber): its text is c[numStart, pos)
    int numStart;
    long numMantissa;
    int numDigits;
    int numPower;
    boolean numNegative;

    /** Per open container: how many values it has had so far (for the commas). */
    private int[] counts = new int[8];
    /** Per open container: the names an object has had so far (null until its first). */
    private final java.util.ArrayList<Set<String>> names = new java.util.ArrayList<>();
    private int depth;

    public JsonCursor(String text) {
        this.c = text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether {@code text} is a JSON object in strict JSON, read without making anything: then
     * {@link JsonTree#parse} (and Gson) read it as an object too. False for anything else, whose
     * verdict is Gson's to give.
     */
    public static boolean isStrictObject(String text) {
        JsonCursor cur = new JsonCursor(text);
        try {
            cur.space();
            if (cur.pos >= cur.c.length || cur.c[cur.pos] != '{') {
                return false;
            }
            cur.skipValue();
            cur.endDocument();
            return true;
        } catch (Unhandled | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    // ---- what a reader asks for --------------------------------------------------------------

    public void beginObject() throws Unhandled {
        open('{');
    }

    public void endObject() throws Unhandled {
        close('}');
    }

    public void beginArray() throws Unhandled {
        open('[');
    }

    public void endArray() throws Unhandled {
        close(']');
    }

    /**
     * Whether the open object or array has another member or element; consumes the comma before
     * it. (A repeated name is refused by {@link #nextName}.)
     */
    public boolean hasNext() throws Unhandled {
        space();
        if (pos >= c.length) {
            throw UNHANDLED;
        }
        int ch = c[pos];
        if (ch == '}' || ch == ']') {
            return false;
        }
        if (counts[depth - 1] > 0) {
            if (ch != ',') {
                throw UNHANDLED;
            }
            pos++;
            space();
        }
        counts[depth - 1]++;
        return true;
    }

    /**
     * A member's name and its colon; {@link Unhandled} for a name this object has had already
     * (strict JSON leaves a repeated name to the parser; Gson's verdict is the one given).
     */
    public String nextName() throws Unhandled {
        space();
        if (pos >= c.length || c[pos] != '"') {
            throw UNHANDLED;
        }
        String name = string();
        Set<String> seen = names.get(depth - 1);
        if (seen == null) {
            seen = new HashSet<>();
            names.set(depth - 1, seen);
        }
        if (!seen.add(name)) {
            throw UNHANDLED;
        }
        space();
        if (pos >= c.length || c[pos] != ':') {
            throw UNHANDLED;
        }
        pos++;
        return name;
    }

    public String nextString() throws Unhandled {
        space();
        if (pos >= c.length || c[pos] != '"') {
            throw UNHANDLED;
        }
        return string();
    }

    /** A number's double: Gson's {@code getAsDouble} of the tree's number, to the bit. */
    public double nextDouble() throws Unhandled {
        number();
        return JsonDecimal.doubleOf(c, numStart, pos - numStart, numMantissa, numDigits, numPower, numNegative);
    }

    /** A number's float: Gson's {@code getAsFloat}, to the bit. */
    public float nextFloat() throws Unhandled {
        number();
        return JsonDecimal.floatOf(c, numStart, pos - numStart, numMantissa, numDigits, numPower, numNegative);
    }

    /** A plain integer (digits, an optional minus) that fits an int; anything else is {@link Unhandled}. */
    public int nextInt() throws Unhandled {
        number();
        if (numPower != 0 || numDigits > 10) {
            throw UNHANDLED;
        }
        for (int i = numStart; i < pos; i++) {
            if (c[i] == '.' || c[i] == 'e' || c[i] == 'E') {
                throw UNHANDLED;
            }
        }
        long v = numNegative ? -numMantissa : numMantissa;
        if (v != (int) v) {
            throw UNHANDLED;
        }
        return (int) v;
    }

    /**
     * An array of exactly {@code out.length} numbers (or nulls, which read as NaN: JSON has no NaN
     * of its own) into {@code out}, each {@link #nextDouble}'s bits; anything else is
     * {@link Unhandled}. One call per array, the elements inline: a config-search model's params
     * are mostly such rows (two 82 x 82 matrices), read interpreted at first.
     */
    public void nextDoubles(double[] out) throws Unhandled {
        beginArray();
        byte[] b = c;
        for (int i = 0; i < out.length; i++) {
            if (pos < b.length && b[pos] <= ' ') {
                space();
            }
            if (i > 0) {
                if (pos >= b.length || b[pos] != ',') {
                    throw UNHANDLED;
                }
                pos++;
                if (pos < b.length && b[pos] <= ' ') {
                    space();
                }
            }
            if (pos >= b.length) {
                throw UNHANDLED;
            }
            int ch = b[pos];
            if (ch == 'n') {
                literal("null");
                out[i] = Double.NaN;
            } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
                scanNumber();
                double v = numDigits > 18 ? Double.NaN : JsonDecimal.exactDouble(numMantissa, numPower, numNegative);
                out[i] = v == v ? v : JsonDecimal.doubleOf(b, numStart, pos - numStart, numMantissa, numDigits,
                        numPower, numNegative);
            } else {
                throw UNHANDLED;
            }
        }
        endArray();
    }

    /** Consumes a {@code null} and says true, or says false and consumes nothing. */
    public boolean nextNull() throws Unhandled {
        space();
        if (pos < c.length && c[pos] == 'n') {
            literal("null");
            return true;
        }
        return false;
    }

    /** Reads over one value of any kind, checking it is strict JSON (names unique in each object). */
    public void skipValue() throws Unhandled {
        space();
        if (pos >= c.length) {
            throw UNHANDLED;
        }
        switch (c[pos]) {
            case '{' -> {
                beginObject();
                while (hasNext()) {
                    nextName();
                    skipValue();
                }
                endObject();
            }
            case '[' -> {
                beginArray();
                // the elements inline, a number without a call per element: the params' matrices
                // are most of a model's text, and this loop runs interpreted at first
                byte[] b = c;
                boolean first = true;
                while (true) {
                    if (pos < b.length && b[pos] <= ' ') {
                        space();
                    }
                    if (pos >= b.length) {
                        throw UNHANDLED;
                    }
                    int ch = b[pos];
                    if (ch == ']') {
                        break;
                    }
                    if (!first) {
                        if (ch != ',') {
                            throw UNHANDLED;
                        }
                        pos++;
                        if (pos < b.length && b[pos] <= ' ') {
                            space();
                        }
                        if (pos >= b.length) {
                            throw UNHANDLED;
                        }
                        ch = b[pos];
                    }
                    first = false;
                    if (ch == '-' || (ch >= '0' && ch <= '9')) {
                        scanNumber();
                    } else {
                        skipValue();
                    }
                }
                endArray();
            }
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    /** The next value as Gson's tree ({@link JsonTree}'s), for a part a reader takes as a tree. */
    public com.google.gson.JsonElement nextTree() throws Unhandled {
        space();
        int start = pos;
        skipValue();
        return JsonTree.parse(new String(c, start, pos - start, StandardCharsets.ISO_8859_1));
    }

    /** Nothing but white space is left. */
    public void endDocument() throws Unhandled {
        space();
        if (pos != c.length || depth != 0) {
            throw UNHANDLED;
        }
    }

    private void open(char bracket) throws Unhandled {
        space();
        if (pos >= c.length || c[pos] != bracket || depth >= MAX_DEPTH) {
            throw UNHANDLED;
        }
        pos++;
        if (depth == counts.length) {
            counts = java.util.Arrays.copyOf(counts, 2 * depth);
        }
        if (depth == names.size()) {
            names.add(null);
        } else {
            names.set(depth, null);
        }
        counts[depth++] = 0;
    }

    private void close(char bracket) throws Unhandled {
        space();
        if (pos >= c.length || c[pos] != bracket || depth == 0) {
            throw UNHANDLED;
        }
        pos++;
        depth--;
    }

    private void number() throws Unhandled {
        space();
        if (pos >= c.length) {
            throw UNHANDLED;
        }
        int ch = c[pos];
        if (ch != '-' && (ch < '0' || ch > '9')) {
            throw UNHANDLED;
        }
        scanNumber();
    }

    // ---- the grammar, shared with JsonTree -----------------------------------------------------

    final void space() {
        while (pos < c.length) {
            int ch = c[pos];
            if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') {
                return;
            }
            pos++;
        }
    }

    final void literal(String word) throws Unhandled {
        int n = word.length();
        if (pos + n > c.length) {
            throw UNHANDLED;
        }
        for (int i = 0; i < n; i++) {
            if (c[pos + i] != word.charAt(i)) {
                throw UNHANDLED;
            }
        }
        pos += n;
        // Gson's lenient reader takes "trueish" as one unquoted string: a literal must end here
        if (pos < c.length && !ends(c[pos])) {
            throw UNHANDLED;
        }
    }

    /**
     * A JSON number at {@code pos} (a minus or a digit),
     * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, ending where a value may end: its text starts
     * at {@link #numStart}, pos ends after it, and its digits are in the num fields as
     * {@link JsonDecimal} keeps them. Most of the params' characters are numbers' (about 16,800 of
     * them): locals, not fields, in the loops, which run interpreted at first.
     */
    final void scanNumber() throws Unhandled {
        byte[] b = c;
        int n = b.length;
        int start = pos;
        int p = start;
        boolean negative = b[p] == '-';
        if (negative) {
            p++;
        }
        if (p >= n) {
            throw UNHANDLED;
        }
        long mantissa = 0;
        int digits = 0; // significant ones: leading zeros are not counted
        int scale = 0; // digits after the point
        if (b[p] == '0') {
            p++;
        } else if (b[p] >= '1' && b[p] <= '9') {
            while (p < n && b[p] >= '0' && b[p] <= '9') {
                if (digits < 19) {
                    mantissa = mantissa * 10 + (b[p] - '0');
                }
                digits++;
                p++;
            }
        } else {
            throw UNHANDLED;
        }
        if (p < n && b[p] == '.') {
            int f = ++p;
            while (p < n && b[p] >= '0' && b[p] <= '9') {
                if (digits > 0 || b[p] != '0') {
                    if (digits < 19) {
                        mantissa = mantissa * 10 + (b[p] - '0');
                    }
                    digits++;
                }
                scale++;
                p++;
            }
            if (p == f) {
                throw UNHANDLED;
            }
        }
        int exponent = 0;
        if (p < n && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            boolean negExp = false;
            if (p < n && (b[p] == '+' || b[p] == '-')) {
                negExp = b[p] == '-';
                p++;
            }
            int e = p;
            while (p < n && b[p] >= '0' && b[p] <= '9') {
                if (exponent < 100_000) {
                    exponent = exponent * 10 + (b[p] - '0');
                }
                p++;
            }
            if (p == e) {
                throw UNHANDLED;
            }
            if (negExp) {
                exponent = -exponent;
            }
        }
        if (p < n && !ends(b[p])) {
            throw UNHANDLED;
        }
        pos = p;
        numStart = start;
        numMantissa = mantissa;
        numDigits = digits;
        numPower = exponent - scale;
        numNegative = negative;
    }

    /** What may follow a number or a literal in strict JSON. */
    static boolean ends(int ch) {
        return ch == ',' || ch == '}' || ch == ']' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t';
    }

    /** A string at {@code pos} (its opening quote), unescaped; pos ends after the closing quote. */
    final String string() throws Unhandled {
        byte[] b = c;
        int n = b.length;
        int start = ++pos;
        int p = start;
        while (p < n) {
            int ch = b[p];
            if (ch == '"') {
                pos = p + 1;
                return new String(b, start, p - start, StandardCharsets.ISO_8859_1);
            }
            if (ch == '\\') {
                pos = p;
                return escaped(start);
            }
            if ((ch >= 0 && ch < 0x20) || ch == '?') { // an unescaped control character; '?': see c
                throw UNHANDLED;
            }
            p++;
        }
        throw UNHANDLED;
    }

    private String escaped(int start) throws Unhandled {
        StringBuilder sb = new StringBuilder(pos - start + 16)
                .append(new String(c, start, pos - start, StandardCharsets.ISO_8859_1));
        while (pos < c.length) {
            char ch = (char) (c[pos++] & 0xff);
            if (ch == '"') {
                return sb.toString();
            }
            if (ch < 0x20 || ch == '?') {
                throw UNHANDLED;
            }
            if (ch != '\\') {
                sb.append(ch);
                continue;
            }
            if (pos >= c.length) {
                throw UNHANDLED;
            }
            char e = (char) c[pos++];
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > c.length) {
                        throw UNHANDLED;
                    }
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int h = c[pos++];
                        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1; // ASCII only, as Gson
                        if (d < 0) {
                            throw UNHANDLED;
                        }
                        v = v * 16 + d;
                    }
                    sb.append((char) v);
                }
                default -> throw UNHANDLED;
            }
        }
        throw UNHANDLED;
    }
}
