package dev.flash.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flash completion bash|zsh}: prints the shell completion script, generated from the
 * command definitions themselves so it never lags behind an option. The Debian package installs
 * the same script (built by {@code mvn package}) as bash-completion's {@code flash}.
 */
@Command(name = "completion",
        description = {
            "Print the shell completion script for flash.",
            "",
            "The script completes every command, subcommand and option, and the values of",
            "options that take a fixed set. zsh runs the same script through bashcompinit",
            "(the script loads it)."},
        footer = {"", "Examples:",
            "  source <(flash completion bash)        # this shell only",
            "  flash completion bash > ~/.local/share/bash-completion/completions/flash   # this user's bash",
            "  echo 'source <(flash completion zsh)' >> ~/.zshrc",
            "(The Debian package installs the script for every bash.)",
            "",
            "Exit codes:%n"
                + "  0  printed%n"
                + "  2  unknown shell"})
public final class CompletionCommand implements Callable<Integer> {

    /** The shells the script is for; zsh reads bash's through bashcompinit. */
    enum Shell { bash, zsh }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
