package dev.flash.policy.onnx;

import java.nio.file.Path;

/** A model file failed validation; {@link #reason()} names the problem (key, input, output, value). */
public class ModelRejectedException extends Exception {
    private final String reason;

    public ModelRejectedException(Path file, String reason) {
        this(file, reason, null);
    }

    public ModelRejectedException(Path file, String reason, Throwable cause) {
        super((file == null ? "model" : file.getFileName().toString()) + " rejected: " + reason, cause);
        this.reason = reason;
    }

    /** The problem alone, without the file name, e.g. "missing metadata key flash.features". */
    public String reason() {
        return reason;
    }
}
