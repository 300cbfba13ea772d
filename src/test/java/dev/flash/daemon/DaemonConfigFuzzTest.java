package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;

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
 * Fuzzes the TOML configuration parser: whatever the file holds, a {@link DaemonConfig} or a
 * {@link ConfigException} naming the source comes out, nothing else (-> exit 3, never a stack trace).
 */
@AddLifecycleHook(FuzzReport.class)
class DaemonConfigFuzzTest {

    @Provide
    Arbitrary<String> configs() throws IOException {
        return Mutations.of(Files.readString(Path.of("systemd/flashd.toml")));
    }

    @Property
    void parseGivesAConfigOrAConfigException(@ForAll("configs") String text) {
        try {
            DaemonConfig.parse(text, "fuzz.toml");
            FuzzReport.ok();
        } catch (ConfigException e) {
            FuzzReport.named(e);
            assertFalse(e.getMessage().isBlank());
            assertFalse(e.getMessage().indexOf("fuzz.toml") < 0, "the message names the file: " + e.getMessage());
        }
    }
}
