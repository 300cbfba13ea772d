package dev.flash.actuate;

/** A write to a control failed; the message names the file and the errno-like cause. */
public class ActuationException extends Exception {
    public ActuationException(String message) {
        super(message);
    }

    public ActuationException(String message, Throwable cause) {
        super(message, cause);
    }
}
