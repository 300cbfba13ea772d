package dev.flash.cli;

/** Exit codes every flash command uses; listed in {@code flash --help}. */
public final class ExitCodes {
    private ExitCodes() {
    }

    public static final int OK = 0;
    /** Something failed at run time (a write, a model, the node). */
    public static final int FAILURE = 1;
    /** Bad command line or bad input file (names the option, key, file or line). */
    public static final int USAGE = 2;
    /** Bad configuration file: unknown key or bad value (names the key). */
    public static final int CONFIG = 3;
    /** Needs root (or the flash group) for what was asked. */
    public static final int PERMISSION = 4;
    /** The daemon is not running / its socket does not answer. */
    public static final int UNAVAILABLE = 5;
    /** Another daemon already runs (lock held). */
    public static final int ALREADY_RUNNING = 6;
    /** A model file was rejected by validation. */
    public static final int INVALID_MODEL = 7;
    /**
     * {@code flash restore} (or the daemon at start) found a damaged state file: every value it
     * could read went back, the file was kept aside; the rest of the originals are lost.
     */
    public static final int PARTIAL_RESTORE = 8;

    public static final String HELP = "Exit codes:%n"
            + "  0  ok%n"
            + "  1  failure at run time%n"
            + "  2  invalid command line or input file%n"
            + "  3  invalid configuration (the message names the key)%n"
            + "  4  permission denied (needs root)%n"
            + "  5  daemon not running / socket not answering%n"
            + "  6  another flashd is already running%n"
            + "  7  model rejected by validation%n"
            + "  8  partial restore: the state file was damaged (kept aside as state.json.damaged-TIME)";
}
