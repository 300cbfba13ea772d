package dev.flash.onnx.lite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a model's weights alone: every graph initializer of the ONNX file, in file order,
 * as its name, its dimensions and its bytes. The file's own SHA-256 differs between two trainings
 * of one seed even when they learnt the same network, because the file also records the command
 * (with its --out path), the date and the training time; this digest does not, so it is the one
 * to compare when asking "did the same seed give the same model?" (docs/reproduce-dvfs.md,
 * "Repeatability"). Written into the training reports as {@code weights_sha256}.
 *
 * <p>It walks the protobuf with the built-in engine's {@link ProtoReader}, not the ONNX protobuf
 * classes, so {@code flash models digest} runs on a node without the training stack. What it hashes
 * per initializer: name, a zero byte, each dimension in decimal followed by a comma, a zero byte,
 * then {@code raw_data} and {@code float_data} (each float as its four little-endian bytes); other
 * fields (data type, doc string, int64_data) are not hashed, as in the first version of the digest,
 * so the reports written since then keep their values.
 */
public final class WeightsDigest {
    private WeightsDigest() {
    }

    /**
     * Hex SHA-256 of the initializers of {@code onnxFile}; an IOException names a file that is not
     * ONNX or has no initializers.
     */
    public static String of(Path onnxFile) throws IOException {
        MessageDigest sha = sha256();
        int initializers;
        try {
            initializers = hashInitializers(new ProtoReader(Files.readAllBytes(onnxFile), "ModelProto"), sha);
        } catch (UnsupportedModelException e) {
            throw new IOException(onnxFile + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
        if (initializers == 0) {
            // An empty or foreign protobuf parses as a model without a graph: it has no weights to compare.
            throw new IOException(onnxFile + ": no weights (the ONNX graph has no initializers)");
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** ModelProto field 7 is the graph; GraphProto field 5 its initializers. Returns how many were hashed. */
    private static int hashInitializers(ProtoReader model, MessageDigest sha) throws UnsupportedModelException {
        int count = 0;
        while (model.next()) {
            if (model.field() != 7) {
                model.skip();
                continue;
            }
            ProtoReader graph = model.message("GraphProto");
            while (graph.next()) {
                if (graph.field() == 5) {
                    hashTensor(graph.message("TensorProto"), sha);
                    count++;
                } else {
                    graph.skip();
                }
            }
        }
        return count;
    }

    /** TensorProto: 1 dims, 4 float_data, 8 name, 9 raw_data; hashed in the order the class comment gives. */
    private static void hashTensor(ProtoReader t, MessageDigest sha) throws UnsupportedModelException {
        ProtoReader.LongList dims = new ProtoReader.LongList();
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        String name = "";
        byte[] raw = new byte[0];
        while (t.next()) {
            switch (t.field()) {
                case 1 -> t.int64s(dims);
                case 4 -> t.floats(floats);
                case 8 -> name = t.string();
                case 9 -> raw = t.bytes();
                default -> t.skip();
            }
        }
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        for (int k = 0; k < dims.n; k++) {
            sha.update(Long.toString(dims.a[k]).getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) ',');
        }
        sha.update((byte) 0);
        sha.update(raw);
        for (int i = 0; i < floats.n; i++) {
            int bits = Float.floatToRawIntBits(floats.a[i]);
            sha.update(new byte[] {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)});
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** {@code java -cp flash.jar dev.flash.onnx.lite.WeightsDigest MODEL.onnx...}: one line per file. */
    public static void main(String[] args) throws IOException {
        for (String a : args) {
            System.out.println(of(Path.of(a)) + "  " + a);
        }
    }
}
