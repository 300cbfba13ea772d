package dev.flash.onnx.lite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WeightsDigestTest {

    @TempDir
    Path dir;

    static Path model(Path file, float weight, String date) throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(weight).putFloat(-1f);
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder()
                .setGraph(OnnxMl.GraphProto.newBuilder().addInitializer(OnnxMl.TensorProto.newBuilder()
                        .setName("actor0_W").addDims(2).addDims(1).setDataType(1)
                        .setRawData(ByteString.copyFrom(raw.array()))))
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey("flash.training")
                        .setValue("{\"date\":\"" + date + "\"}"))
                .build();
        Files.write(file, m.toByteArray());
        return file;
    }

    @Test
    void theWeightsAloneDecide() throws IOException {
        String a = WeightsDigest.of(model(dir.resolve("a.onnx"), 0.5f, "2026-12-07T06:00:00Z"));
        String sameWeightsOtherDay = WeightsDigest.of(model(dir.resolve("b.onnx"), 0.5f, "2026-12-08T07:00:00Z"));
        String otherWeight = WeightsDigest.of(model(dir.resolve("c.onnx"), Math.nextUp(0.5f), "2026-12-07T06:00:00Z"));
        assertEquals(64, a.length());
        assertEquals(a, sameWeightsOtherDay, "metadata (date, command) is not part of it");
        assertNotEquals(a, otherWeight, "one bit of one weight is");
    }

    @Test
    void aFileThatIsNotOnnxIsNamed() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "\u0007not a model");
        IOException e = assertThrows(IOException.class, () -> WeightsDigest.of(junk));
        assertTrue(e.getMessage().contains("junk.onnx"), e.getMessage());
    }

    @Test
    void anEmptyFileHasNoWeights() throws IOException {
        // An empty byte string is a valid, empty protobuf message: without this check it had a digest.
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        IOException e = assertThrows(IOException.class, () -> WeightsDigest.of(empty));
        assertTrue(e.getMessage().contains("empty.onnx: no weights"), e.getMessage());
    }

    static Stream<Path> shippedModels() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("models"))) {
            List<Path> onnx = files.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
            assertTrue(!onnx.isEmpty(), "models/ holds the shipped models");
            return onnx.stream();
        }
    }

    /**
     * The digest walks the protobuf itself (no training stack on a node); the training reports and
     * the shipped models' reports were written by the protobuf classes' reading: the two must agree.
     */
    @ParameterizedTest
    @MethodSource("shippedModels")
    void agreesWithTheProtobufClassesOnEveryShippedModel(Path model) throws Exception {
        assertEquals(protobufDigest(model), WeightsDigest.of(model), model.toString());
    }

    @Test
    void floatDataIsHashedLikeRawBytes() throws Exception {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder()
                .setGraph(OnnxMl.GraphProto.newBuilder().addInitializer(OnnxMl.TensorProto.newBuilder()
                        .setName("w").addDims(2).setDataType(1).addFloatData(0.25f).addFloatData(-3f)))
                .build();
        Path f = Files.write(dir.resolve("float-data.onnx"), m.toByteArray());
        assertEquals(protobufDigest(f), WeightsDigest.of(f));
    }

    /** The first version of the digest, on the ONNX protobuf classes: the reference the reports hold. */
    private static String protobufDigest(Path onnxFile) throws Exception {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnxFile));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            sha.update(t.getName().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            for (long d : t.getDimsList()) {
                sha.update(Long.toString(d).getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) ',');
            }
            sha.update((byte) 0);
            sha.update(t.getRawData().asReadOnlyByteBuffer());
            for (int i = 0; i < t.getFloatDataCount(); i++) {
                int bits = Float.floatToRawIntBits(t.getFloatData(i));
                sha.update(new byte[] {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)});
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
