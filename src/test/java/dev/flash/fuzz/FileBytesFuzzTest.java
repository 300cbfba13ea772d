package dev.flash.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.InvalidInputException;
import dev.flash.autoscale.ServicePopulation;
import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.DataFormatException;
import dev.flash.daemon.ConfigException;
import dev.flash.daemon.DaemonConfig;
import dev.flash.sim.AppPopulation;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SpecException;
import dev.flash.testing.FuzzDirs;
import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The files users hand flash, as bytes: a valid file with a few bytes that are not UTF-8 (a file
 * saved as Latin-1, a character cut in half) is read as the parser's named failure naming the
 * file, never a bare {@code MalformedInputException} ("Input length = 1", exit 1). The text-level
 * properties (the other *FuzzTest classes) cannot produce such files: they write valid UTF-8.
 */
@AddLifecycleHook(FuzzReport.class)
class FileBytesFuzzTest {
    private static final Path DIR = FuzzDirs.fresh("bytes");
    private static final byte[] LATIN1 = "# caf\u00e9 menu\n".getBytes(StandardCharsets.ISO_8859_1);

    @Provide
    Arbitrary<byte[]> configs() throws IOException {
        return Mutations.bytes(Files.readAllBytes(Path.of("systemd/flashd.toml")));
    }

    @Provide
    Arbitrary<byte[]> specs() {
        return Mutations.bytes(SimSpec.embeddedText().getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<byte[]> apps() throws IOException {
        return Mutations.bytes(Files.readAllBytes(Path.of("bench/apps/idle-host.json")));
    }

    @Provide
    Arbitrary<byte[]> services() throws IOException {
        StringWriter w = new StringWriter();
        ServicePopulation.write(ServicePopulation.sample(2, 7, 0.5), w);
        return Mutations.bytes(w.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<byte[]> measurements() throws IOException {
        return Mutations.bytes(Files.readAllBytes(Path.of("src/test/resources/configsearch/long-fixture.csv")));
    }

    @Property
    void configurationFile(@ForAll("configs") byte[] bytes) throws IOException {
        Path file = write("flashd.toml", bytes);
        try {
            DaemonConfig.load(file, true);
            FuzzReport.ok();
        } catch (ConfigException e) {
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            FuzzReport.named(e);
        }
    }

    @Property
    void simulatedNodeSpec(@ForAll("specs") byte[] bytes) throws IOException {
        Path file = write("spec.toml", bytes);
        try {
            SimSpec.load(file);
            FuzzReport.ok();
        } catch (SpecException e) {
            assertTrue(e.getMessage().startsWith("spec.toml"), e.getMessage());
            FuzzReport.named(e);
        }
    }

    @Property
    void appsFile(@ForAll("apps") byte[] bytes) throws IOException {
        Path file = write("apps.json", bytes);
        try {
            AppPopulation.read(file);
            FuzzReport.ok();
        } catch (SpecException e) {
            assertTrue(e.getMessage().startsWith("apps.json"), e.getMessage());
            FuzzReport.named(e);
        }
    }

    @Property
    void servicesFile(@ForAll("services") byte[] bytes) throws IOException {
        Path file = write("services.json", bytes);
        try {
            ServicePopulation.read(file);
            FuzzReport.ok();
        } catch (InvalidInputException e) {
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            FuzzReport.named(e);
        }
    }

    @Property
    void measurementsFile(@ForAll("measurements") byte[] bytes) throws IOException {
        Path file = write("long.csv", bytes);
        try {
            ConfigDataReader.read(file, ConfigDataReader.Format.LONG, false);
            FuzzReport.ok();
        } catch (DataFormatException e) {
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            FuzzReport.named(e);
        }
    }

    /** What the properties found first: each of these threw MalformedInputException ("Input length = 1"). */
    @Example
    void aLatin1ByteIsNamedNotUtf8() throws IOException {
        Path toml = write("latin1.toml", LATIN1);
        assertEquals(toml + ": not UTF-8 text",
                assertThrows(ConfigException.class, () -> DaemonConfig.load(toml, true)).getMessage());
        assertEquals("latin1.toml: not UTF-8 text", assertThrows(SpecException.class, () -> SimSpec.load(toml)).getMessage());
        Path json = write("latin1.json", LATIN1);
        assertEquals("latin1.json: not UTF-8 text",
                assertThrows(SpecException.class, () -> AppPopulation.read(json)).getMessage());
        assertEquals(json + ": not UTF-8 text",
                assertThrows(InvalidInputException.class, () -> ServicePopulation.read(json)).getMessage());
        Path csv = write("latin1.csv", LATIN1);
        assertEquals(csv + ": not UTF-8 text", assertThrows(DataFormatException.class,
                () -> ConfigDataReader.read(csv, ConfigDataReader.Format.LONG, false)).getMessage());
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        Path file = DIR.resolve(name);
        Files.write(file, bytes);
        return file;
    }
}
