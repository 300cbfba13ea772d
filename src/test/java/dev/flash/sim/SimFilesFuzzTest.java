package dev.flash.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the simulated node's spec files (TOML) and the application population files (JSON):
 * a spec, a population, or a {@link SpecException} whose one-line message names the file.
 */
@AddLifecycleHook(FuzzReport.class)
class SimFilesFuzzTest {
    private static final Path DIR = Path.of("target");

    @Provide
    Arbitrary<String> specs() {
        return Mutations.of(SimSpec.embeddedText());
    }

    @Provide
    Arbitrary<String> populations() throws IOException {
        return Mutations.of(Files.readString(Path.of("bench/apps/idle-host.json")));
    }

    @Property
    void simSpecGivesASpecOrASpecException(@ForAll("specs") String text) {
        try {
            SimSpec.parse(text, "fuzz-spec.toml", DIR);
            FuzzReport.ok();
        } catch (SpecException e) {
            FuzzReport.named(e);
            assertNamesTheFile(e, "fuzz-spec.toml");
        }
    }

    @Property
    void appsFileGivesAppsOrASpecException(@ForAll("populations") String text) {
        try {
            AppPopulation.parse(text, "fuzz-apps.json");
            FuzzReport.ok();
        } catch (SpecException e) {
            FuzzReport.named(e);
            assertNamesTheFile(e, "fuzz-apps.json");
        }
    }

    private static void assertNamesTheFile(SpecException e, String file) {
        String m = e.getMessage();
        assertTrue(m.contains(file), "names the file: " + m);
        assertTrue(!m.contains("\n"), "one line: " + m);
        assertTrue(!m.contains("Exception"), "no Java exception names in a user's message: " + m);
    }
}
