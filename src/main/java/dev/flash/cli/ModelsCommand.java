package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.policy.ModelContract;
import dev.flash.policy.ModelDirectory;
import dev.flash.policy.onnx.ModelDescription;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.policy.onnx.OnnxModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flash models}: list, validate and activate the ONNX models flashd runs. */
@Command(name = "models",
        description = {
            "List, validate and activate models.",
            "",
            "flashd watches its models directory (default " + ModelDirectory.DEFAULT_DIR_TEXT + "): a valid",
            "*.onnx file dropped there becomes active at the next poll; an invalid one is listed as",
            "rejected with its reason and the running model stays. Write a new model under a",
            "temporary name (leading '.', or ending .tmp/.part) and rename it into place.",
            "`flash models activate` pins a choice in DIR/ACTIVE until another file is dropped."},
        footer = {"", ExitCodes.HELP},
        subcommands = {
            ModelsCommand.ListCommand.class,
            ModelsCommand.ValidateCommand.class,
            ModelsCommand.ActivateCommand.class,
            ModelsCommand.DigestCommand.class,
        })
public final class ModelsCommand extends GroupCommand {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    boolean help;

    private static String gson(Object json) {
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(json);
    }

    static JsonObject describeJson(ModelDescription d) {
        JsonObject o = new JsonObject();
        o.addProperty("name", d.name());
        o.addProperty("valid", true);
        o.addProperty("sha256", d.sha256());
        o.addProperty("agent", d.agent());
        o.addProperty("kind", d.kind());
        o.add("features", new GsonBuilder().create().toJsonTree(d.features()));
        o.add("actions", new GsonBuilder().create().toJsonTree(d.actions()));
        o.addProperty("context_length", d.contextLength());
        if (!d.contextLayout().isFlat()) { // flash.context_windows; absent for the flat layout, as before
            o.addProperty("context_windows", d.contextLayout().key());
        }
        o.addProperty("context_width", d.contextWidth());
        o.addProperty("context_encoding", d.contextEncoding());
        if (d.rowCodes()) {
            o.addProperty("row_code_size", d.rowCodeSize());
        }
        o.addProperty("embedding_size", d.embeddingSize());
        o.addProperty("has_value", d.hasValue());
        o.addProperty("reward", d.reward());
        o.addProperty("expected_reward", d.expectedReward());
        o.addProperty("expected_reward_std", d.expectedRewardStd());
        o.add("provenance", JsonParser.parseString(d.provenance()));
        o.add("params", JsonParser.parseString(d.params()));
        return o;
    }

    /** Validates a file as the daemon would, including the DVFS environment check for DVFS models. */
    static ModelDescription validate(Path file) throws ModelRejectedException {
        try (OnnxModel model = OnnxModel.load(file)) {
            ModelDescription d = model.description();
            if (ModelContract.AGENT_DVFS.equals(d.agent())) {
                OnnxDvfsPolicy.checkAgainstEnvironment(d);
            }
            return d;
        }
    }

    @Command(name = "list", description = "List the models of a directory: size, agent, valid or rejected (with the reason), active.",
            footer = {"", ExitCodes.HELP})
    static final class ListCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
        boolean help;

        @Option(names = "--dir", paramLabel = "DIR", description = "Models directory (default: ${DEFAULT-VALUE}).",
                defaultValue = ModelDirectory.DEFAULT_DIR_TEXT)
        Path dir;

        @Option(names = "--agent", paramLabel = "AGENT",
                description = "Agent whose active model is marked: dvfs, config-search, autoscale (default: ${DEFAULT-VALUE}).",
                defaultValue = ModelContract.AGENT_DVFS)
        String agent;

        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!ModelContract.AGENTS.contains(agent)) {
                err.println("flash models list: unknown --agent '" + agent + "' (expected one of " + ModelContract.AGENTS + ")");
                return ExitCodes.USAGE;
            }
            if (!Files.isDirectory(dir)) {
                err.println("flash models list: no such directory: " + dir);
                return ExitCodes.USAGE;
            }
            try (ModelDirectory models = new ModelDirectory(dir, agent)) {
                models.poll();
                if (json) {
                    JsonArray array = new JsonArray();
                    for (ModelDirectory.Entry e : models.entries()) {
                        JsonObject o = new JsonObject();
                        o.addProperty("name", e.name());
                        o.addProperty("size", e.size());
                        o.addProperty("changed", e.changed().toString());
                        o.addProperty("agent", e.agent().isEmpty() ? null : e.agent());
                        o.addProperty("valid", e.valid());
                        o.addProperty("reason", e.valid() ? null : e.reason());
                        o.addProperty("sha256", e.sha256().isEmpty() ? null : e.sha256());
                        o.addProperty("active", e.active());
                        array.add(o);
                    }
                    JsonObject root = new JsonObject();
                    root.addProperty("dir", dir.toString());
                    root.addProperty("agent", agent);
                    root.add("models", array);
                    out.println(gson(root));
                } else if (models.entries().isEmpty()) {
                    out.println("no models in " + dir);
                } else {
                    out.printf("%-32s %10s %-14s %-8s %-6s %s%n", "NAME", "SIZE", "AGENT", "STATUS", "ACTIVE", "REASON");
                    for (ModelDirectory.Entry e : models.entries()) {
                        out.printf("%-32s %10d %-14s %-8s %-6s %s%n", e.name(), e.size(),
                                e.agent().isEmpty() ? "-" : e.agent(), e.valid() ? "valid" : "rejected",
                                e.active() ? "*" : "", e.valid() ? "" : e.reason());
                    }
                }
                return ExitCodes.OK;
            } catch (IOException e) {
                err.println("flash models list: cannot list " + dir + ": " + e.getMessage());
                return e instanceof AccessDeniedException ? ExitCodes.PERMISSION : ExitCodes.FAILURE;
            }
        }
    }

    @Command(name = "validate",
            description = {"Validate a model file against the model contract, as flashd would before using it.",
                "Exit 0 when valid, 7 when rejected (the reason names the key, input or output),",
                "2 when the file is missing."},
            footer = {"", ExitCodes.HELP})
    static final class ValidateCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
        boolean help;

        @Parameters(paramLabel = "FILE", description = "The .onnx file.")
        Path file;

        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isRegularFile(file)) {
                err.println("flash models validate: no such file: " + file);
                return ExitCodes.USAGE;
            }
            try {
                ModelDescription d = validate(file);
                if (json) {
                    out.println(gson(describeJson(d)));
                } else {
                    out.println(d.name() + ": valid");
                    out.println("  agent      " + d.agent() + " (" + d.kind() + ")");
                    out.println("  features   " + String.join(",", d.features()));
                    if (!d.actions().isEmpty()) {
                        out.println("  actions    " + String.join(",", d.actions()));
                    }
                    out.println("  context    " + d.contextLength() + " rows x " + d.contextWidth() + " columns"
                            + (d.rowCodes() ? ", fed as row codes of " + d.rowCodeSize()
                            + " (only new rows are coded each tick)" : ""));
                    out.println("  embedding  " + d.embeddingSize());
                    out.println("  expected   reward " + d.expectedReward() + " +- " + d.expectedRewardStd());
                    out.println("  sha256     " + d.sha256());
                }
                return ExitCodes.OK;
            } catch (ModelRejectedException e) {
                if (json) {
                    JsonObject o = new JsonObject();
                    o.addProperty("name", file.getFileName().toString());
                    o.addProperty("valid", false);
                    o.addProperty("reason", e.reason());
                    out.println(gson(o));
                } else {
                    err.println(e.getMessage());
                }
                return ExitCodes.INVALID_MODEL;
            }
        }
    }

    @Command(name = "activate",
            description = {"Make NAME the active model of its agent.",
                "",
                "The name is written to DIR/ACTIVE, picked up by a running flashd at its next poll,",
                "and kept until another valid model is dropped into DIR."},
            footer = {"", ExitCodes.HELP})
    static final class ActivateCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
        boolean help;

        @Parameters(paramLabel = "NAME", description = "File name of a model in DIR, e.g. dvfs-2024-05-01.onnx.")
        String name;

        @Option(names = "--dir", paramLabel = "DIR", description = "Models directory (default: ${DEFAULT-VALUE}).",
                defaultValue = ModelDirectory.DEFAULT_DIR_TEXT)
        Path dir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isDirectory(dir)) {
                err.println("flash models activate: no such directory: " + dir);
                return ExitCodes.USAGE;
            }
            if (name.contains("/") || !ModelDirectory.isModelName(name)) {
                err.println("flash models activate: '" + name + "' is not a model file name in " + dir
                        + " (expected NAME.onnx, no path)");
                return ExitCodes.USAGE;
            }
            String denied = writeProbe(dir);
            if (denied != null) {
                err.println("flash models activate: cannot write " + dir.resolve(ModelDirectory.ACTIVE_FILE) + ": "
                        + denied + " (needs root or the flash group)");
                return ExitCodes.PERMISSION;
            }
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                err.println("flash models activate: no model named " + name + " in " + dir);
                return ExitCodes.USAGE;
            }
            ModelDescription d;
            try {
                d = validate(file);
            } catch (ModelRejectedException e) {
                err.println(e.getMessage());
                return ExitCodes.INVALID_MODEL;
            }
            try (ModelDirectory models = new ModelDirectory(dir, d.agent())) {
                models.poll();
                models.activate(name);
                out.println("activated " + name + " for agent " + d.agent() + " (sha256 " + d.sha256().substring(0, 12)
                        + "); a running flashd switches at its next poll");
                return ExitCodes.OK;
            } catch (IllegalArgumentException e) {
                err.println("flash models activate: " + e.getMessage());
                return ExitCodes.INVALID_MODEL;
            } catch (AccessDeniedException e) {
                err.println("flash models activate: permission denied: " + e.getMessage());
                return ExitCodes.PERMISSION;
            } catch (IOException e) {
                err.println("flash models activate: " + e);
                return ExitCodes.FAILURE;
            }
        }

        /** Tries to create (and removes) a file in dir; returns why it failed, or null. */
        private static String writeProbe(Path dir) {
            try {
                Path probe = Files.createTempFile(dir, ".flash-probe", ".tmp");
                Files.delete(probe);
                return null;
            } catch (AccessDeniedException e) {
                return "permission denied";
            } catch (FileSystemException e) {
                String reason = e.getReason() == null ? e.toString() : e.getReason();
                return reason;
            } catch (IOException e) {
                return e.toString();
            }
        }
    }

    @Command(name = "digest",
            description = {"SHA-256 of a model's weights alone, as the training reports give it (weights_sha256).",
                "",
                "Two trainings that learnt the same network write different files (a file also records the",
                "date, the command with its --out path and the training time), so the file's sha256 cannot",
                "tell whether a seed gave the same model; this digest can. It covers every graph initializer",
                "(name, dimensions, bytes) in file order and nothing else. Use it on a model trained before",
                "the reports had the field, or to check a model against a report.",
                "",
                "Examples:",
                "  flash models digest models/dvfs-flash.onnx",
                "  flash models digest /tmp/a/dvfs-flash.onnx models/dvfs-flash.onnx --json",
                "",
                "Exit 0 when every file was read, 2 when a file is missing, not ONNX or has no weights."},
            footer = {"", ExitCodes.HELP})
    static final class DigestCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
        boolean help;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "The .onnx files.")
        List<Path> files;

        @Option(names = "--json", description = "Print JSON for machines: {\"models\": [{\"file\", \"weights_sha256\"}]}.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            for (Path f : files) {
                if (!Files.isRegularFile(f)) {
                    err.println("flash models digest: no such file: " + f);
                    return ExitCodes.USAGE;
                }
            }
            return digest();
        }

        private int digest() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            JsonArray array = new JsonArray();
            StringBuilder text = new StringBuilder();
            for (Path f : files) {
                String sha;
                try {
                    sha = dev.flash.onnx.lite.WeightsDigest.of(f);
                } catch (IOException e) {
                    err.println("flash models digest: " + e.getMessage());
                    return ExitCodes.USAGE;
                }
                JsonObject o = new JsonObject();
                o.addProperty("file", f.toString());
                o.addProperty("weights_sha256", sha);
                array.add(o);
                text.append(sha).append("  ").append(f).append(System.lineSeparator());
            }
            if (json) {
                JsonObject root = new JsonObject();
                root.add("models", array);
                out.println(gson(root));
            } else {
                out.print(text);
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
