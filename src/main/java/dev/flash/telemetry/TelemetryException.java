package dev.flash.telemetry;

/** Telemetry could not be read; the message names the file or signal at fault. */
public class TelemetryException extends Exception {
    public TelemetryException(String message) {
        super(message);
    }

    public TelemetryException(String message, Throwable cause) {
        super(message, cause);
    }
}
