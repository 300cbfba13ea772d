package dev.flash.testing;

import ai.onnx.proto.OnnxMl;
import dev.flash.policy.ModelContract;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped DVFS model (a real network and a valid contract) with its signal needs stated:
 * {@code flash.required_signals} and {@code flash.tolerated_missing} added to its metadata.
 */
public final class DeclaredSignals {
    private DeclaredSignals() {
    }

    public static final Path SHIPPED = Path.of("models/dvfs-flash.onnx");

    /** Writes the shipped model to {@code file} stating these keys (null leaves a key out). */
    public static Path write(Path file, String required, String tolerated) throws Exception {
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(SHIPPED)).toBuilder();
        for (int i = b.getMetadataPropsCount() - 1; i >= 0; i--) {
            String key = b.getMetadataProps(i).getKey();
            if (key.equals(ModelContract.META_REQUIRED_SIGNALS) || key.equals(ModelContract.META_TOLERATED_MISSING)) {
                b.removeMetadataProps(i);
            }
        }
        if (required != null) {
            b.addMetadataProps(entry(ModelContract.META_REQUIRED_SIGNALS, required));
        }
        if (tolerated != null) {
            b.addMetadataProps(entry(ModelContract.META_TOLERATED_MISSING, tolerated));
        }
        Files.write(file, b.build().toByteArray());
        return file;
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
