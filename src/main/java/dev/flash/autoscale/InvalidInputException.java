package dev.flash.autoscale;

/**
 * Bad input to the autoscaling wing: a trace, a services file or a metrics line. The message
 * names where (file and line, or line and field) so the user can fix it; the CLI maps it to exit 2.
 */
public final class InvalidInputException extends Exception {
    public InvalidInputException(String message) {
        super(message);
    }
}
