package dev.flash.onnx.lite;

/**
 * The file uses something the built-in evaluator does not implement (an operator, attribute,
 * data type or protobuf field outside what flash's own exports write), or is not a well-formed
 * ONNX protobuf. Callers that chose the engine automatically fall back to ONNX Runtime, which
 * then either runs the file or rejects it with its own reason.
 */
public final class UnsupportedModelException extends Exception {
    public UnsupportedModelException(String message) {
        super(message + " (not supported by the built-in evaluator)");
    }
}
