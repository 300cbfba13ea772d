package dev.flash.daemon;

import com.google.gson.JsonObject;
import dev.flash.daemon.DaemonConfig.LogLevel;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * flashd's log: one line per event on stderr (journald stores stderr of a service), a timestamp
 * first; or one JSON object per line with {@code --json-log}. The loop logs only changes of state
 * (fallback, hands-off, recovery, model change), never per tick unless asked to.
 */
public final class DaemonLog {
    private final PrintStream out;
    private final LogLevel level;
    private final boolean json;

    public DaemonLog(PrintStream out, LogLevel level, boolean json) {
        this.out = out;
        this.level = level;
        this.json = json;
    }

    /** A log that drops everything (tests). */
    public static DaemonLog silent() {
        return new DaemonLog(new PrintStream(java.io.OutputStream.nullOutputStream()), LogLevel.ERROR, false);
    }

    public void error(String message) {
        log(LogLevel.ERROR, message);
    }

    public void warn(String message) {
        log(LogLevel.WARN, message);
    }

    public void info(String message) {
        log(LogLevel.INFO, message);
    }

    public void debug(String message) {
        log(LogLevel.DEBUG, message);
    }

    public boolean enabled(LogLevel l) {
        return level.allows(l);
    }

    private void log(LogLevel l, String message) {
        if (!level.allows(l)) {
            return;
        }
        String time = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        String line;
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("time", time);
            o.addProperty("level", l.name().toLowerCase(java.util.Locale.ROOT));
            o.addProperty("message", message);
            line = o.toString();
        } else {
            line = time + " " + l.name() + " flashd: " + message.replace('\n', ' ');
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
