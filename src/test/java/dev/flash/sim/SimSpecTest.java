package dev.flash.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimSpecTest {

    @TempDir
    Path dir;

    @Test
    void embeddedDefaultDescribesTheDefaultNodeAndRotatesApps() {
        SimSpec s = SimSpec.embeddedDefault();
        assertEquals(NodeSpec.defaults(), s.node());
        assertEquals(4, s.apps().size());
        assertEquals(60, s.switchEverySeconds());
        SimulatedNode sim = s.build();
        String first = sim.application(0).name();
        sim.advance(61);
        assertTrue(!first.equals(sim.application(0).name()), "demo switches application");
        assertTrue(sim.describe().contains("default.toml"));
    }

    private String bad(String toml) {
        return assertThrows(SpecException.class, () -> SimSpec.parse(toml, "spec.toml", null)).getMessage();
    }

    private static final String APP = """
            [[workload.apps]]
            name = "a"
              [[workload.apps.phases]]
              memory_boundness = 0.3
              load = 0.5
              duration_s = 10
            """;

    @Test
    void errorsNameTheKeyAndLine() {
        String msg = bad("[node]\ncpus = 8\ncpu_count = 4\n[workload]\n" + APP);
        assertTrue(msg.contains("spec.toml") && msg.contains("unknown key 'cpu_count'") && msg.contains("line 3"), msg);

        msg = bad("[node]\ncpus = 8\nmax_mhz = 99000\n[workload]\n" + APP);
        assertTrue(msg.contains("[node]") && msg.contains("max_mhz 99000 out of range") && msg.contains("line 3"), msg);

        msg = bad("[node]\ncpus = 6\ncpus_per_policy = 4\n[workload]\n" + APP);
        assertTrue(msg.contains("cpus_per_policy 4 does not divide cpus 6"), msg);

        msg = bad("[node]\nnoise = \"low\"\n[workload]\n" + APP);
        assertTrue(msg.contains("noise") && msg.contains("must be a number") && msg.contains("line 2"), msg);

        msg = bad("[workload]\n" + APP.replace("load = 0.5", "load = 0.5\nmemory_bound = 1"));
        assertTrue(msg.contains("app 0 (name 'a')") && msg.contains("unknown key 'memory_bound'"), msg);

        msg = bad("[workload]\n" + APP.replace("memory_boundness = 0.3", "memory_boundness = 1.7"));
        assertTrue(msg.contains("phase 0") && msg.contains("memory_boundness 1.7 out of range [0, 0.95]")
                && msg.contains("line 5"), msg);

        msg = bad("[workload]\nplacement = \"random\"\n" + APP);
        assertTrue(msg.contains("placement 'random'") && msg.contains("line 2"), msg);

        msg = bad("[workload]\nseed = 1\n");
        assertTrue(msg.contains("no application"), msg);

        msg = bad("[node\ncpus = 8");
        assertTrue(msg.startsWith("spec.toml line 1"), msg);

        msg = bad("[node]\ncpus = 8\n");
        assertTrue(msg.contains("missing workload"), msg);
    }

    @Test
    void appsFileIsReadRelativeToTheSpecAndSplitChosen() throws Exception {
        List<AppSpec> pop = AppPopulation.sample(10, 1, 0.3);
        AppPopulation.write(dir.resolve("apps.json"), pop);
        Path spec = dir.resolve("spec.toml");
        Files.writeString(spec, "[workload]\napps_file = \"apps.json\"\napps_split = \"test\"\nswitch_every_s = 30\n");
        SimSpec s = SimSpec.load(spec);
        assertEquals(AppPopulation.split(pop, AppSpec.TEST), s.apps());
        Files.writeString(spec, "[workload]\napps_file = \"nope.json\"\n");
        String msg = assertThrows(SpecException.class, () -> SimSpec.load(spec)).getMessage();
        assertTrue(msg.contains("apps_file 'nope.json'"), msg);
    }

    @Test
    void perPolicyAppsWithoutRotation() {
        String four = APP + APP.replace("\"a\"", "\"b\"") + APP.replace("\"a\"", "\"c\"") + APP.replace("\"a\"", "\"d\"");
        SimSpec s = SimSpec.parse("[workload]\n" + four, "spec.toml", null);
        SimulatedNode sim = s.build();
        assertEquals("d", sim.application(3).name());
        String msg = bad("[workload]\n" + APP + APP.replace("\"a\"", "\"b\""));
        assertTrue(msg.contains("2 applications but switch_every_s = 0"), msg);
    }
}
