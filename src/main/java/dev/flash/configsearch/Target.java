package dev.flash.configsearch;

import java.util.Locale;

/** What is predicted: a workload's runtime (seconds) or its cost (the data's currency). */
public enum Target {
    RUNTIME("target_runtime"),
    COST("target_cost");

    /** The column both formats name this target by. */
    public final String column;

    Target(String column) {
        this.column = column;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Target parse(String s) {
        for (Target t : values()) {
            if (t.label().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown target '" + s + "' (runtime or cost)");
    }
}
