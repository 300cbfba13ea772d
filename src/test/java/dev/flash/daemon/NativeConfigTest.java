package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * GraalVM cannot run here, so the native-image configuration is checked the way a build would
 * first fail: every class it names must exist, every resource pattern must match something.
 */
class NativeConfigTest {
    static final Path DIR = Path.of("native-config");

    /**
     * Classes that other branches are still writing when this one was made. They may be absent
     * until the integrator merges them; every other name must resolve.
     */
    static final Set<String> PENDING = Set.of("dev.flash.actuate.StateStore");

    private static List<String> classNames(String file) throws Exception {
        JsonElement root = JsonParser.parseString(Files.readString(DIR.resolve(file)));
        List<String> names = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("name")) {
                names.add(o.get("name").getAsString());
            }
            if (o.has("interfaces")) {
                JsonArray a = o.getAsJsonArray("interfaces");
                a.forEach(i -> names.add(i.getAsString()));
            }
        }
        return names;
    }

    @Test
    void everyNamedClassExists() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        Set<String> missing = new TreeSet<>();
        Set<String> pendingAbsent = new TreeSet<>();
        int checked = 0;
        for (String file : new String[] {"reflect-config.json", "jni-config.json", "proxy-config.json"}) {
            for (String name : classNames(file)) {
                checked++;
                try {
                    Class.forName(name, false, loader);
                } catch (ClassNotFoundException e) {
                    (PENDING.contains(name) ? pendingAbsent : missing).add(file + ": " + name);
                }
            }
        }
        if (!pendingAbsent.isEmpty()) {
            System.err.println("native-config: classes from branches not merged yet (allowed absent): " + pendingAbsent);
        }
        assertTrue(checked > 50, "only " + checked + " names");
        assertTrue(missing.isEmpty(), "native-config names classes that do not exist: " + missing);
    }

    @Test
    void everyPicocliCommandAndStatusClassIsRegistered() throws Exception {
        List<String> reflect = classNames("reflect-config.json");
        for (Class<?> c : new Class<?>[] {dev.flash.cli.FlashMain.class, dev.flash.cli.DaemonCommand.class,
                dev.flash.cli.StatusCommand.class, DaemonStatus.class, DaemonStatus.PolicyStatus.class}) {
            assertTrue(reflect.contains(c.getName()), c.getName() + " not in reflect-config.json");
        }
        for (Class<?> nested : DaemonStatus.class.getDeclaredClasses()) {
            assertTrue(reflect.contains(nested.getName()), nested.getName() + " (serialized by Gson) not registered");
        }
        assertCommandsRegistered(dev.flash.cli.FlashMain.commandLine(), reflect);
    }

    /** Every command at every depth (flash train dvfs, flash models list, ...) is reflected on by picocli. */
    private static void assertCommandsRegistered(picocli.CommandLine cl, List<String> reflect) {
        for (picocli.CommandLine sub : cl.getSubcommands().values()) {
            String name = sub.getCommandSpec().userObject().getClass().getName();
            assertTrue(reflect.contains(name), "subcommand " + name + " not in reflect-config.json");
            assertCommandsRegistered(sub, reflect);
        }
    }

    @Test
    void resourcePatternsMatchResourcesOnTheClassPath() throws Exception {
        JsonObject root = JsonParser.parseString(Files.readString(DIR.resolve("resource-config.json"))).getAsJsonObject();
        JsonArray includes = root.getAsJsonObject("resources").getAsJsonArray("includes");
        assertFalse(includes.isEmpty());
        ClassLoader loader = getClass().getClassLoader();
        for (String literal : new String[] {"com/sun/jna/linux-x86-64/libjnidispatch.so",
                "ai/onnxruntime/native/linux-x64/libonnxruntime.so", "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so",
                "oshi.properties"}) {
            assertNotNull(loader.getResource(literal), literal + " not on the class path");
            boolean covered = false;
            for (JsonElement e : includes) {
                covered |= Pattern.matches(e.getAsJsonObject().get("pattern").getAsString(), literal);
            }
            assertTrue(covered, literal + " not covered by resource-config.json");
        }
    }
}
