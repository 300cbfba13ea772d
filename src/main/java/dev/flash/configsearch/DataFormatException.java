package dev.flash.configsearch;

import java.nio.file.Path;

/**
 * A configuration-search input file is not what its format promises: names the file, the line
 * (1-based, 0 when the whole file is at fault) and the column where it can.
 */
public final class DataFormatException extends Exception {

    public DataFormatException(Path file, int line, String column, String message) {
        super(file + (line > 0 ? ":" + line : "") + (column != null ? " column '" + column + "'" : "") + ": " + message);
    }

    public DataFormatException(Path file, String message) {
        this(file, 0, null, message);
    }
}
