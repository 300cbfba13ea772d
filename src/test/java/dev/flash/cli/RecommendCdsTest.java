package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AppCDS path of a one-shot {@code config-search recommend} through the launcher
 * (systemd/flash) with a real JVM: the class list recorded as {@code mvn package} records it
 * (src/cds/record-classlist.sh), the archive {@code flash --prepare-cds} makes from it (as the
 * package's postinst does), and the answers with and without that archive, which must be the
 * same, with nothing on standard error. Behaviour only, no timing. {@code mvn test} has no flash.jar yet, so the test makes a
 * small one: target/classes in a jar whose Class-Path names the test's dependency jars (linked
 * beside it, as AppCDS wants the class path's jars at fixed places).
 */
class RecommendCdsTest {

    @TempDir
    Path dir;

    /** The links first: JUnit warns about each link to a file outside the directory it deletes. */
    @AfterEach
    void removeLinks() throws IOException {
        Path lib = dir.resolve("home/lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> links = Files.list(lib)) {
                for (Path l : links.collect(Collectors.toList())) {
                    Files.delete(l);
                }
            }
        }
    }

    private static final Path MODEL = Path.of("models/configsearch-multicloud.onnx");
    private static final Path SAMPLES = Path.of("src/cds/config-search-samples.csv");

    private record Result(int code, String out, String err) {
    }

    private static Result run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("").toAbsolutePath().toFile());
        pb.environment().putAll(env);
        Path err = Files.createTempFile("flash-cds", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd));
        String e = Files.readString(err);
        Files.delete(err);
        return new Result(p.exitValue(), out, e);
    }

    /** home/flash.jar: target/classes, Main-Class FlashMain, Class-Path lib/N-name.jar -> the test's jars. */
    private Path flashHome() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path lib = Files.createDirectories(home.resolve("lib"));
        List<String> classPath = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                String name = (i++) + "-" + p.getFileName();
                Files.createSymbolicLink(lib.resolve(name), p.toAbsolutePath());
                classPath.add("lib/" + name);
            }
        }
        Path classes = Path.of(FlashMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FlashMain.class.getName());
        mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        try (OutputStream os = Files.newOutputStream(home.resolve("flash.jar"));
                JarOutputStream jar = new JarOutputStream(os, mf);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, jar);
                jar.closeEntry();
            }
        }
        return home;
    }

    private static String withoutTimes(String json) {
        return json.replaceAll("\"(milliseconds|model_load_milliseconds)\": [-0-9.eE]+", "\"$1\": 0");
    }

    @Test
    void theLaunchersArchiveGivesTheSameAnswersAsNoArchiveAndNothingOnStandardError() throws Exception {
        Path home = flashHome();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path list = home.resolve("cds/config-search.classlist");
        Result recorded = run(Map.of(), "sh", "src/cds/record-classlist.sh", java, home.resolve("flash.jar").toString(),
                list.toString());
        assertEquals(0, recorded.code, recorded.err);
        List<String> classes = Files.readAllLines(list);
        // both outputs' classes (the text answer's NumberText, --json's PrettyJson), and no Formatter:
        // the text answer prints without it, and its classes would make every answer's archive bigger
        assertTrue(classes.contains("dev/flash/cli/FlashMain") && classes.contains("dev/flash/cli/PrettyJson")
                && classes.contains("dev/flash/cli/NumberText"), "both outputs' classes: " + classes.size() + " lines");
        assertFalse(classes.contains("java/util/Formatter"), "the text answer's class list holds java.util.Formatter");

        Path cache = dir.resolve("cache");
        Map<String, String> env = new HashMap<>(Map.of("JAVA", java, "FLASH_HOME", home.toString(), "FLASH_CDS_DIR", "none"));
        String[] text = {"sh", "systemd/flash", "config-search", "recommend", "--model", MODEL.toString(),
            "--samples", SAMPLES.toString()};
        String[] json = Stream.concat(Stream.of(text), Stream.of("--json")).toArray(String[]::new);

        Result plain = run(env, text);
        assertEquals(0, plain.code, plain.err);
        assertTrue(plain.out.contains("recommended: "), plain.out);
        Result plainJson = run(env, json);
        assertEquals(0, plainJson.code, plainJson.err);

        env.put("FLASH_CDS_DIR", cache.toString());
        Result prepared = run(env, "sh", "systemd/flash", "--prepare-cds");
        assertEquals(0, prepared.code, prepared.err);
        assertEquals("", prepared.err + prepared.out);
        List<String> written;
        try (Stream<Path> s = Files.list(cache)) {
            written = s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
        assertEquals(1, written.size(), written.toString());
        assertTrue(written.get(0).matches("config-search-[0-9]+-[0-9]+-[A-Za-z0-9._]+\\.jsa"), written.toString());

        // -Xshare:on: the JVM exits with an error instead of running without the archive
        env.put("FLASH_JAVA_OPTS", "-Xshare:on");
        Result mapped = run(env, text);
        assertEquals(0, mapped.code, mapped.err);
        assertEquals(plain.out, mapped.out);
        assertEquals("", mapped.err);
        Result mappedJson = run(env, json);
        assertEquals(0, mappedJson.code, mappedJson.err);
        assertEquals("", mappedJson.err);
        assertEquals(withoutTimes(plainJson.out), withoutTimes(mappedJson.out));
        assertFalse(withoutTimes(mappedJson.out).equals(mappedJson.out), "the times were there to blank");
        // and the archive's heap objects with it: the module graph resolved when it was made (G1 and no
        // --enable-native-access on this JDK; under the serial collector each start resolves it again)
        if (Runtime.version().feature() < 22) {
            env.put("FLASH_JAVA_OPTS", "-Xshare:on -Xlog:cds=info");
            Result logged = run(env, text);
            assertEquals(0, logged.code, logged.err);
            assertTrue(logged.out.contains("full module graph: enabled"), logged.out);
        }
    }
}
