package dev.flash.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.daemon.StatusServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flash resume}: takes back cpufreq policies that flashd left to another tool. */
@Command(name = "resume",
        sortOptions = false,
        description = {
            "Let flashd act again on policies it left to another tool.",
            "",
            "When another tool (cpupower, tuned, TLP, an administrator) changes a governor or a",
            "frequency limit while flashd runs, flashd stops touching that policy, keeps the other",
            "tool's value and shows it under 'other tools' in `flash status`. It takes the policy",
            "back by itself when the value returns to what flashd had; this command takes it back",
            "now, over the other tool's value (stop that tool first, or the two will fight).",
            ""},
        footer = {
            "",
            "Examples:",
            "  flash status                 which policies another tool changed, and what",
            "  flash resume 2               take policy2 back",
            "  flash resume                 take every such policy back",
            "",
            "Only root (or the daemon's own user) may resume: members of group flash may read the",
            "status, not act. Exit 4 when the daemon refuses the caller, 5 when no daemon answers.",
            "", ExitCodes.HELP})
public final class ResumeCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "POLICY", description = "N of cpufreq/policyN (default: all)")
    Integer policy;

    @Option(names = "--socket", paramLabel = "PATH", description = "Status socket (default ${DEFAULT-VALUE})")
    Path socket = dev.flash.daemon.DaemonConfig.defaultRuntimeDir().resolve("flashd.sock");

    @Option(names = "--json", description = "Print the daemon's answer as JSON")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    boolean help;

    private final PrintStream out;
    private final PrintStream err;

    public ResumeCommand() {
        this(System.out, System.err);
    }

    public ResumeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (policy != null && policy < 0) {
            err.println("flash resume: POLICY must be a policy number (N of policyN), not " + policy);
            return ExitCodes.USAGE;
        }
        String answer;
        try {
            answer = StatusServer.request(socket, policy == null ? "resume" : "resume " + policy,
                    StatusCommand.TIMEOUT_MS);
        } catch (IOException e) {
            err.println("flash resume: no daemon answers on " + socket + " (" + e.getMessage()
                    + "). Is flashd running? Try `systemctl status flashd` or pass --socket.");
            return ExitCodes.UNAVAILABLE;
        }
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(answer);
            o = e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (RuntimeException e) {
            o = null;
        }
        if (o != null && o.has("denied") && o.get("denied").getAsBoolean()) {
            err.println("flash resume: refused: " + o.get("error").getAsString() + ". Run it as root (sudo flash resume).");
            return ExitCodes.PERMISSION;
        }
        if (o == null || !o.has("resumed") || !o.get("resumed").isJsonArray()) {
            String why = o != null && o.has("error") ? o.get("error").toString() : "an answer that is not a resume reply";
            err.println("flash resume: the daemon answered " + why);
            return ExitCodes.FAILURE;
        }
        if (json) {
            out.println(o);
        } else if (o.getAsJsonArray("resumed").isEmpty()) {
            out.println(policy == null ? "No policy is left to another tool: nothing to resume."
                    : "policy" + policy + " is not left to another tool: nothing to resume.");
        } else {
            o.getAsJsonArray("resumed").forEach(id -> out.println("policy" + id.getAsInt()
                    + ": flashd acts on it again."));
        }
        return ExitCodes.OK;
    }
}
