package dev.flash.meta;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
