package dev.flash.meta;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.InputStream;
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
 */
public final class WeightsDigest {
    private WeightsDigest() {
    }

    /**
     * Hex SHA-256 of the initializers of {@code onnxFile}; an IOException names a file that is not
     * ONNX or has no initializers.
     */
    public static String of(Path onnxFile) throws IOException {
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(onnxFile)) {
            model = OnnxMl.ModelProto.parseFrom(in);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IOException(onnxFile + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
        if (model.getGraph().getInitializerCount() == 0) {
            // An empty or foreign protobuf parses as a model without a graph: it has no weights to compare.
            throw new IOException(onnxFile + ": no weights (the ONNX graph has no initializers)");
        }
        MessageDigest sha = sha256();
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            sha.update(t.getName().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            for (long d : t.getDimsList()) {
                sha.update(Long.toString(d).getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) ',');
            }
            sha.update((byte) 0);
            // Exported weights are raw little-endian bytes; float_data is hashed through its bits.
            sha.update(t.getRawData().asReadOnlyByteBuffer());
            for (int i = 0; i < t.getFloatDataCount(); i++) {
                int bits = Float.floatToRawIntBits(t.getFloatData(i));
                sha.update(new byte[] {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)});
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** {@code java -cp flash.jar:train-lib/* dev.flash.meta.WeightsDigest MODEL.onnx...}: one line per file. */
    public static void main(String[] args) throws IOException {
        for (String a : args) {
            System.out.println(of(Path.of(a)) + "  " + a);
        }
    }
}
