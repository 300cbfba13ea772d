package dev.flash.onnx.lite;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over protobuf wire format (https://protobuf.dev/programming-guides/encoding/): just
 * enough to read the ONNX messages flash writes. Each message is read field by field; a
 * length-delimited field becomes a nested reader over its bytes, without copying them.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;
    private final String message;
    private int tag;

    ProtoReader(byte[] buf, String message) {
        this(buf, 0, buf.length, message);
    }

    private ProtoReader(byte[] buf, int start, int end, String message) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.message = message;
    }

    /** Moves to the next field; false at the end of the message. */
    boolean next() throws UnsupportedModelException {
        if (pos >= end) {
            return false;
        }
        long t = varint();
        if (t >>> 32 != 0 || (t >>> 3) == 0) {
            throw malformed("bad field tag " + t);
        }
        tag = (int) t;
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    long varint() throws UnsupportedModelException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw malformed("truncated varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    /** An int64 field (VARINT wire type). */
    long int64() throws UnsupportedModelException {
        expect(VARINT);
        return varint();
    }

    /** A float field (FIXED32 wire type). */
    float float32() throws UnsupportedModelException {
        expect(FIXED32);
        return Float.intBitsToFloat(fixed32());
    }

    private int fixed32() throws UnsupportedModelException {
        if (end - pos < 4) {
            throw malformed("truncated fixed32");
        }
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    /** A length-delimited field as a reader of the nested message {@code name}. */
    ProtoReader message(String name) throws UnsupportedModelException {
        expect(LENGTH_DELIMITED);
        int len = length();
        ProtoReader r = new ProtoReader(buf, pos, pos + len, name);
        pos += len;
        return r;
    }

    byte[] bytes() throws UnsupportedModelException {
        expect(LENGTH_DELIMITED);
        int len = length();
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    String string() throws UnsupportedModelException {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** Appends a repeated int64 field, packed or not, to {@code into}. */
    void int64s(LongList into) throws UnsupportedModelException {
        if (wireType() == VARINT) {
            into.add(varint());
            return;
        }
        expect(LENGTH_DELIMITED);
        int stop = pos + length();
        while (pos < stop) {
            into.add(varint());
        }
        if (pos != stop) {
            throw malformed("packed varints overrun their field");
        }
    }

    /** Appends a repeated float field, packed or not, to {@code into}. */
    void floats(FloatList into) throws UnsupportedModelException {
        if (wireType() == FIXED32) {
            into.add(Float.intBitsToFloat(fixed32()));
            return;
        }
        expect(LENGTH_DELIMITED);
        int len = length();
        if (len % 4 != 0) {
            throw malformed("packed floats of " + len + " bytes");
        }
        for (int stop = pos + len; pos < stop; ) {
            into.add(Float.intBitsToFloat(fixed32()));
        }
    }

    /** Skips the current field: for fields that carry nothing the evaluator needs (names of the producer, doc strings). */
    void skip() throws UnsupportedModelException {
        switch (wireType()) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(length());
            case FIXED32 -> advance(4);
            default -> throw malformed("wire type " + wireType() + " (groups) in field " + field());
        }
    }

    /** The current field is one the evaluator does not read: refused, naming it. */
    UnsupportedModelException unsupported(String what) {
        return new UnsupportedModelException(message + " field " + field() + " (" + what + ")");
    }

    UnsupportedModelException malformed(String what) {
        return new UnsupportedModelException("malformed protobuf in " + message + ": " + what);
    }

    private void advance(int n) throws UnsupportedModelException {
        if (n < 0 || end - pos < n) {
            throw malformed("field " + field() + " runs past the end of the message");
        }
        pos += n;
    }

    private int length() throws UnsupportedModelException {
        long len = varint();
        if (len < 0 || len > end - pos) {
            throw malformed("field " + field() + " of length " + len + " runs past the end of the message");
        }
        return (int) len;
    }

    private void expect(int wire) throws UnsupportedModelException {
        if (wireType() != wire) {
            throw malformed("field " + field() + " has wire type " + wireType() + ", expected " + wire);
        }
    }

    /** A growable long array (repeated int64 fields). */
    static final class LongList {
        long[] a = new long[8];
        int n;

        void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    /** A growable float array (repeated float fields). */
    static final class FloatList {
        float[] a = new float[8];
        int n;

        void add(float v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
