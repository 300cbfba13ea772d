package dev.flash.cli;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.flash.daemon.DaemonStatus;
import dev.flash.daemon.StatusServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash status}: asks the running flashd what it is doing. */
@Command(name = "status",
        sortOptions = false,
        description = {
            "Show what flashd is doing.",
            "",
            "Its state (running / fallback / degraded and why), the model and whether its",
            "context still matches training, and per cpufreq policy the frequency, target,",
            "utilization and last action.",
            ""},
        footer = {
            "",
            "Examples:",
            "  flash status                        one summary",
            "  flash status --watch --interval 2   refresh every 2 s until Ctrl-C",
            "  flash status --json | jq .policies  the record for scripts (docs/status.md)",
            "  flash status --socket /tmp/flash/s.sock",
            "",
            "Exit 5 when no daemon answers on the socket.",
            "", ExitCodes.HELP})
public final class StatusCommand implements Callable<Integer> {
    static final long TIMEOUT_MS = 3000;

    @Option(names = "--socket", paramLabel = "PATH", description = "Status socket (default ${DEFAULT-VALUE})")
    Path socket = dev.flash.daemon.DaemonConfig.defaultRuntimeDir().resolve("flashd.sock");

    @Option(names = "--json", description = "Print the daemon's status as one JSON object")
    boolean json;

    @Option(names = "--watch", description = "Refresh until Ctrl-C")
    boolean watch;

    @Option(names = "--interval", paramLabel = "S", description = "Seconds between refreshes with --watch (default ${DEFAULT-VALUE})")
    double intervalSeconds = 1.0;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    boolean help;

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
            String answer;
            try {
                answer = StatusServer.request(socket, "status", TIMEOUT_MS);
            } catch (IOException e) {
                err.println("flash status: no daemon answers on " + socket + " (" + reason(e) + ")."
                        + " Is flashd running? Try `systemctl status flashd` or pass --socket.");
                return ExitCodes.UNAVAILABLE;
            }
            if (watch) {
                out.print("\033[H\033[2J");
            }
            if (json) {
                out.println(answer);
            } else {
                DaemonStatus s;
                try {
                    s = new Gson().fromJson(answer, DaemonStatus.class);
                } catch (JsonParseException e) {
                    err.println("flash status: the daemon answered something that is not its status: " + answer);
                    return ExitCodes.FAILURE;
                }
                if (s == null || s.state == null) {
                    err.println("flash status: the daemon answered: " + answer);
                    return ExitCodes.FAILURE;
                }
                out.print(render(s));
            }
            out.flush();
            if (watch) {
                Thread.sleep(Math.round(intervalSeconds * 1000));
            }
        } while (watch);
        return ExitCodes.OK;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException || (m != null && m.contains("No such file"))) {
            return "no socket file";
        }
        if (m != null && m.contains("Connection refused")) {
            return "connection refused: stale socket";
        }
        if (e instanceof java.nio.file.AccessDeniedException || (m != null && m.contains("Permission denied"))) {
            return "permission denied: run as root or join group 'flash'";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** The summary a person reads at a glance: a header, then one aligned row per policy. */
    static String render(DaemonStatus s) {
        StringBuilder b = new StringBuilder();
        String state = s.state.toUpperCase(Locale.ROOT) + (s.stateReason == null ? "" : " - " + s.stateReason);
        b.append(String.format(Locale.ROOT, "flashd     %s%n", state));
        b.append(String.format(Locale.ROOT, "node       %s %s%s%n", s.node.kind, s.node.description,
                s.node.dryRun ? " (dry run: observe only)" : ""));
        String model = s.model.name == null ? "-" : s.model.name
                + (s.model.agent == null ? "" : " [" + s.model.agent + "]")
                + (s.model.fallback && s.model.reason != null ? " - " + s.model.reason : "");
        b.append(String.format(Locale.ROOT, "model      %s%n", model));
        b.append(String.format(Locale.ROOT, "uptime     %s, pid %d, %d ticks every %d ms, jitter p50 %s p99 %s max %s ms%s%n",
                duration(s.uptimeSeconds), s.pid, s.ticks, s.periodMs, n(s.jitter.p50Ms, 2), n(s.jitter.p99Ms, 2),
                n(s.jitter.maxMs, 2), s.jitter.overruns > 0 ? ", " + s.jitter.overruns + " overruns" : ""));
        b.append(String.format(Locale.ROOT, "power      %s W package, %s J since start%n",
                n(s.power.packageWatts, 1), n(s.power.joulesSinceStart, 0)));
        b.append(String.format(Locale.ROOT, "decisions  %d (model %d, fallback %d), fallbacks %d, hands-off %d, write errors %d%n",
                s.counts.decisions, s.counts.modelDecisions, s.counts.fallbackDecisions, s.counts.fallbacks,
                s.counts.handsOff, s.counts.writeErrors));
        b.append('\n');
        // AVG/DEV: the busiest CPU's utilization over the last seconds and how far it strays
        // second to second (a bursty load shows a large DEV); WAIT: share of runnable time spent
        // waiting for a CPU, the demand a saturated UTIL of 1 hides
        String fmt = "%-7s %-7s %-9s %8s %8s %5s %9s %5s %5s %-9s %6s  %s%n";
        b.append(String.format(Locale.ROOT, fmt, "POLICY", "CPUS", "MODE", "MHZ", "TARGET", "UTIL", "AVG/DEV", "WAIT", "IPC",
                "ACTION", "|EMB|", "REWARD (recent/expected) DRIFT"));
        for (DaemonStatus.PolicyStatus p : s.policies) {
            String reward = n(p.recentReward, 3) + "/" + n(p.expectedReward, 3) + " " + p.drift;
            b.append(String.format(Locale.ROOT, fmt, "policy" + p.id, p.cpus, p.mode == null ? "-" : p.mode,
                    n(p.freqMhz, 0), n(p.targetMhz, 0), n(p.utilization, 2),
                    n(p.utilizationAverage, 2) + "/" + n(p.utilizationDeviation, 2), n(p.runWaitShare, 2), n(p.ipc, 2),
                    p.action == null ? "-" : p.action, n(p.embeddingNorm, 2), reward));
        }
        if (!s.fallbackReasons.isEmpty()) {
            b.append("\nlast fallback: ").append(s.fallbackReasons.get(0)).append('\n');
        }
        if (s.model.rejected != null && !s.model.rejected.isEmpty()) {
            b.append("\nmodels not used:\n");
            s.model.rejected.forEach(r -> b.append("  ").append(r).append('\n'));
        }
        if (s.otherTools != null && !s.otherTools.isEmpty()) {
            b.append("\nother tools (flashd leaves these policies alone; `flash resume POLICY` takes one back):\n");
            for (DaemonStatus.ForeignChangeStatus f : s.otherTools) {
                b.append(String.format(Locale.ROOT, "  policy%d %s %s -> %s at %s%n", f.policy, f.file, f.expected,
                        f.found, f.at));
            }
        }
        if (!s.lastErrors.isEmpty()) {
            b.append("\nrecent errors:\n");
            s.lastErrors.stream().limit(5).forEach(e -> b.append("  ").append(e).append('\n'));
        }
        return b.toString();
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
