package dev.flash.cli;

import com.google.gson.JsonObject;
import dev.flash.daemon.DaemonConfig;
import dev.flash.daemon.DaemonStatus;
import dev.flash.daemon.StatusServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash status}: asks the running flashd what it is doing. */
@Command(name = "status",
        sortOptions = false,
        description = {
            "Show what flashd is doing.",
            "",
            "Its mode (managing, dry run, fallback or hands-off, and why), the model and since when,",
            "per cpufreq policy the frequency, target, utilization and decisions a minute, the node's",
            "power and energy, the signals the node cannot provide and the models it rejected.",
            "--verbose adds the research figures: embedding, reward, drift, jitter.",
            "",
            "Without --socket it asks the system daemon (" + StatusCommand.SYSTEM_SOCKET_TEXT + ") first,",
            "then this user's own (the socket `flash daemon` uses without root). Members of group",
            "'flash' may read the system daemon's status.",
            ""},
        footer = {
            "",
            "Examples:",
            "  flash status                        one summary",
            "  flash status --watch --interval 2   refresh every 2 s until Ctrl-C",
            "  flash status --json | jq .policies  the record for scripts (docs/status.md)",
            "  flash status --socket /tmp/flash/s.sock",
            "",
            "Exit 4 when the socket is there but not yours to read (join group 'flash'), 5 when no",
            "daemon answers, 1 when what answers is not a flashd status.",
            "", ExitCodes.HELP})
public final class StatusCommand implements Callable<Integer> {
    static final long TIMEOUT_MS = 3000;
    static final String SYSTEM_SOCKET_TEXT = "/run/flash/flashd.sock";
    static final Path SYSTEM_SOCKET = Path.of(SYSTEM_SOCKET_TEXT);
    static final String JOIN_GROUP = "members of group 'flash' may read it: `sudo usermod -aG flash $USER`,"
            + " then log in again (or run flash status as root)";

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Status socket (default: " + SYSTEM_SOCKET_TEXT + ", then this user's own)")
    Path socket;

    @Option(names = "--json", description = "Print the daemon's status as one JSON object (every field)")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Add the research figures: embedding, reward, drift, jitter")
    boolean verbose;

    @Option(names = "--watch", description = "Refresh until Ctrl-C")
    boolean watch;

    @Option(names = "--interval", paramLabel = "S", description = "Seconds between refreshes with --watch (default ${DEFAULT-VALUE})")
    double intervalSeconds = 1.0;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    boolean help;

    /** Where the system daemon and this user's daemon listen; fields so tests can move them. */
    Path systemSocket = SYSTEM_SOCKET;
    Path userSocket = DaemonConfig.defaultRuntimeDir().resolve("flashd.sock");

    private final PrintStream out;
    private final PrintStream err;

    public StatusCommand() {
        this(System.out, System.err);
    }

    public StatusCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!(intervalSeconds >= 0.1)) {
            err.println("flash status: --interval must be at least 0.1 s");
            return ExitCodes.USAGE;
        }
        do {
            Answer answer = ask();
            if (answer.exit != ExitCodes.OK) {
                err.println("flash status: " + answer.text);
                return answer.exit;
            }
            String shown;
            try {
                JsonObject tree = StatusReply.tree(answer.text);
                shown = json ? tree.toString() + System.lineSeparator() : render(StatusReply.status(tree), verbose);
            } catch (StatusReply.BadReplyException e) {
                err.println("flash status: " + answer.socket + " did not answer with a flashd status: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            if (watch) {
                out.print("\033[H\033[2J");
            }
            out.print(shown);
            out.flush();
            if (watch) {
                Thread.sleep(Math.round(intervalSeconds * 1000));
            }
        } while (watch);
        return ExitCodes.OK;
    }

    /** The reply, or the exit code and the message that says what to do. */
    private record Answer(Path socket, int exit, String text) {
    }

    /**
     * Asks the named socket, or the system daemon's and then this user's own. A socket that is
     * there but not ours to read is a permission problem (4) unless another one answers.
     */
    private Answer ask() {
        List<Path> candidates = new ArrayList<>();
        if (socket != null) {
            candidates.add(socket);
        } else {
            candidates.add(systemSocket);
            if (!userSocket.equals(systemSocket)) {
                candidates.add(userSocket);
            }
        }
        List<String> tried = new ArrayList<>();
        Path denied = null;
        for (Path candidate : candidates) {
            try {
                return new Answer(candidate, ExitCodes.OK, StatusServer.request(candidate, "status", TIMEOUT_MS));
            } catch (StatusServer.ReplyTooLargeException e) {
                return new Answer(candidate, ExitCodes.FAILURE, e.getMessage());
            } catch (IOException e) {
                if (denied == null && permissionDenied(candidate, e)) {
                    denied = candidate;
                }
                tried.add(candidate + " (" + reason(e) + ")");
            }
        }
        if (denied != null) {
            return new Answer(denied, ExitCodes.PERMISSION, "permission denied on " + denied + ": " + JOIN_GROUP);
        }
        return new Answer(null, ExitCodes.UNAVAILABLE, "no daemon answers on " + String.join(" or ", tried)
                + ". Is flashd running? Try `systemctl status flashd` or pass --socket.");
    }

    /** EACCES on connect, or a socket directory we may not enter (0750 root:flash for others). */
    static boolean permissionDenied(Path socket, IOException e) {
        String m = e.getMessage();
        if (e instanceof AccessDeniedException || (m != null && m.contains("Permission denied"))) {
            return true;
        }
        Path dir = socket.toAbsolutePath().getParent();
        return dir != null && Files.isDirectory(dir) && !Files.isExecutable(dir);
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof NoSuchFileException || (m != null && m.contains("No such file"))) {
            return "no socket file";
        }
        if (m != null && m.contains("Connection refused")) {
            return "connection refused: stale socket";
        }
        if (e instanceof AccessDeniedException || (m != null && m.contains("Permission denied"))) {
            return "permission denied";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /**
     * The summary an operator reads at a glance: what flashd does and why, the model, power and
     * decisions, what is missing or rejected, then one row per policy. Every string in it came
     * through {@link StatusReply}, so it holds no control characters.
     */
    public static String render(DaemonStatus s, boolean verbose) {
        StringBuilder b = new StringBuilder();
        String mode = s.mode == null ? s.state : s.mode;
        line(b, "flashd", mode + (s.modeReason == null ? "" : ": " + s.modeReason));
        line(b, "node", or(s.node.description, s.node.kind) + (s.node.dryRun && !"dry-run".equals(mode)
                ? ", dry run (decides, writes nothing)" : "") + String.format(Locale.ROOT,
                "; pid %d, up %s, a tick every %d ms", s.pid, duration(s.uptimeSeconds), s.periodMs));
        String model = s.model.fallback || s.model.name == null ? "the rule controller decides"
                + (s.model.reason == null ? "" : " (" + s.model.reason + ")")
                : s.model.name + (s.model.sha256 == null ? "" : ", sha256 " + prefix(s.model.sha256));
        line(b, "model", model + (s.model.since == null ? "" : ", since " + s.model.since));
        line(b, "power", s.power.packageWatts == null && s.power.joulesSinceStart == null
                ? "not measured (see missing)"
                : n(s.power.packageWatts, 1) + " W package, " + n(s.power.joulesSinceStart, 0) + " J since start");
        line(b, "decisions", String.format(Locale.ROOT, "%s a minute (%d in all: model %d, rule %d); "
                        + "fallbacks %d, hands-off %d, write errors %d", n(s.counts.decisionsPerMinute, 1),
                s.counts.decisions, s.counts.modelDecisions, s.counts.fallbackDecisions, s.counts.fallbacks,
                s.counts.handsOff, s.counts.writeErrors));
        String label = "hands-off";
        for (DaemonStatus.HandsOff h : s.handsOffPolicies) {
            line(b, label, or(h.policy, "?") + ": " + or(h.reason, "no reason given")
                    + (h.since == null ? "" : " (since " + h.since + ")"));
            label = "";
        }
        label = "missing";
        for (Map.Entry<String, String> m : s.missingSignals.entrySet()) {
            line(b, label, m.getKey() + ": " + or(m.getValue(), "no reason given"));
            label = "";
        }
        label = "rejected";
        for (DaemonStatus.RejectedModel r : s.rejectedModels) {
            line(b, label, or(r.name, "?") + (r.sha256 == null ? "" : " (sha256 " + prefix(r.sha256) + ")") + ": "
                    + or(r.reason, "no reason given"));
            label = "";
        }
        if (verbose) {
            line(b, "state", s.state + (s.stateReason == null ? "" : " - " + s.stateReason));
            line(b, "jitter", String.format(Locale.ROOT, "p50 %s p99 %s max %s ms, %d overruns", n(s.jitter.p50Ms, 2),
                    n(s.jitter.p99Ms, 2), n(s.jitter.maxMs, 2), s.jitter.overruns));
            line(b, "expected", "reward " + n(s.model.expectedReward, 3) + " +- " + n(s.model.expectedRewardStd, 3)
                    + ", context " + s.model.contextLength + " rows");
        }
        b.append('\n');
        b.append(verbose ? verboseTable(s) : table(s));
        if (!s.fallbackReasons.isEmpty()) {
            b.append("\nlast fallback: ").append(s.fallbackReasons.get(0)).append('\n');
        }
        if (!s.lastErrors.isEmpty()) {
            b.append("\nrecent errors:\n");
            s.lastErrors.stream().limit(verbose ? 16 : 3).forEach(e -> b.append("  ").append(e).append('\n'));
        }
        return b.toString();
    }

    private static String table(DaemonStatus s) {
        TextTable t = new TextTable("POLICY", "CPUS", "MHZ", "TARGET", "UTIL", "WAIT", "ACTION", "DECISIONS/MIN",
                "CHANGES/MIN");
        for (DaemonStatus.PolicyStatus p : s.policies) {
            t.row("policy" + p.id, or(p.cpus, "-"), n(p.freqMhz, 0), n(p.targetMhz, 0), n(p.utilization, 2),
                    n(p.runWaitShare, 2), or(p.action, "-"), n(p.decisionsPerMinute, 1), n(p.changesPerMinute, 1));
        }
        return t.toString();
    }

    /** AVG/DEV: the busiest CPU's utilization history and how far it strays (bursty loads stray far). */
    private static String verboseTable(DaemonStatus s) {
        TextTable t = new TextTable("POLICY", "CPUS", "MODE", "MHZ", "TARGET", "UTIL", "AVG/DEV", "WAIT", "IPC",
                "ACTION", "EMBEDDING", "REWARD/EXPECTED", "DRIFT");
        for (DaemonStatus.PolicyStatus p : s.policies) {
            t.row("policy" + p.id, or(p.cpus, "-"), or(p.mode, "-"), n(p.freqMhz, 0), n(p.targetMhz, 0),
                    n(p.utilization, 2), n(p.utilizationAverage, 2) + "/" + n(p.utilizationDeviation, 2),
                    n(p.runWaitShare, 2), n(p.ipc, 2), or(p.action, "-"), n(p.embeddingNorm, 2),
                    n(p.recentReward, 3) + "/" + n(p.expectedReward, 3), or(p.drift, "-"));
        }
        return t.toString();
    }

    private static void line(StringBuilder b, String label, String text) {
        b.append(String.format(Locale.ROOT, "%-10s %s%n", label, text));
    }

    private static String or(String s, String dflt) {
        return s == null ? dflt : s;
    }

    private static String prefix(String sha) {
        return sha.length() <= 12 ? sha : sha.substring(0, 12);
    }

    private static String n(Double v, int decimals) {
        return v == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String duration(double seconds) {
        long s = (long) seconds;
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60) + "s";
        }
        return (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }
}
