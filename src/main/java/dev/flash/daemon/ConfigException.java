package dev.flash.daemon;

/**
 * The daemon's configuration is wrong. The message names the file, the line and the key, so an
 * operator can fix it without reading code; {@code flash daemon} exits 3 on it.
 */
public class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
