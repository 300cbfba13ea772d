package dev.flash.cli;

import com.google.gson.JsonObject;
import java.io.PrintStream;

/**
 * How a JSON-lines stream command ({@code config-search recommend --stream}, {@code autoscale
 * recommend}) answers a line it cannot serve: one JSON line in the answer stream, in its place, so a
 * reader can match answers to inputs, and one line on standard error for the operator. The stream
 * then goes on with the next line.
 */
final class BadLineReport {
    private BadLineReport() {
    }

    /** {@code {"line": N, "workload": id (when known), "error": message}} and the same on stderr. */
    static void report(String command, int lineNo, String workload, String message, PrintStream out, PrintStream err) {
        JsonObject o = new JsonObject();
        o.addProperty("line", lineNo);
        if (workload != null) {
            o.addProperty("workload", workload);
        }
        o.addProperty("error", message);
        out.println(o);
        err.println(command + ": line " + lineNo + (workload != null ? " (" + workload + ")" : "") + ": " + message);
    }
}
