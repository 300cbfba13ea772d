package dev.flash.policy;

/** The policy could not decide (model error, NaN output); the loop falls back. */
public class DecisionException extends Exception {
    public DecisionException(String message) {
        super(message);
    }

    public DecisionException(String message, Throwable cause) {
        super(message, cause);
    }
}
