package dev.flash;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;

/**
 * What this build of flash was made from. {@code mvn package} records the git commit it built
 * (the git command line, from maven-antrun-plugin, writes {@value #RESOURCE} into the jar), so a model's provenance
 * names the code that trained it wherever the jar is run from, not whatever repository the
 * working directory happens to be in. A build outside a git checkout records nothing.
 */
public final class BuildInfo {
    static final String RESOURCE = "/dev/flash/build.properties";

    private static final Properties PROPERTIES = load();

    private BuildInfo() {
    }

    /**
     * The full commit id, with {@code -dirty} appended when the working tree had uncommitted
     * changes at build time; empty when the build recorded none.
     */
    public static Optional<String> commit() {
        return commit(PROPERTIES);
    }

    static Optional<String> commit(Properties recorded) {
        String id = recorded.getProperty("git.commit.id", "");
        if (!id.matches("[0-9a-f]{40}")) {
            return Optional.empty();
        }
        return Optional.of(Boolean.parseBoolean(recorded.getProperty("git.dirty")) ? id + "-dirty" : id);
    }

    /** {@code flash 0.1.0 (commit 1a2b3c4d5e6f)}, for {@code --version}. */
    public static String describe(String version) {
        return "flash " + version + commit().map(c -> " (commit " + abbreviate(c) + ")").orElse("");
    }

    private static String abbreviate(String commit) {
        return commit.substring(0, 12) + (commit.endsWith("-dirty") ? "-dirty" : "");
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unreadable record is no record: provenance then simply has no commit
        }
        return p;
    }
}
