package dev.flash.dvfs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.flash.dvfs.DvfsActions;
import dev.flash.meta.NetworkConfig;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppPopulation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvfsTrainJobTest {

    @TempDir
    Path dir;

    /** A check that fails is reported and warned about; the model is still written and valid. */
    @Test
    void aFailedModelCheckIsReportedNotFatal() throws Exception {
        Path apps = dir.resolve("apps.json");
        AppPopulation.write(apps, AppPopulation.sample(8, 5, 0.25));
        int[] calls = {0};
        DvfsTrainJob.ModelCheck failing = new DvfsTrainJob.ModelCheck() {
            @Override
            public String name() {
                return "always_fails";
            }

            @Override
            public JsonObject check(OnnxDvfsPolicy model) {
                calls[0]++;
                JsonObject o = new JsonObject();
                o.addProperty("levels", model.levels());
                o.addProperty("passes", false);
                return o;
            }
        };
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DvfsTrainJob job = new DvfsTrainJob(new PrintStream(log, true, StandardCharsets.UTF_8),
                (phase, it, total, episodes, reward, seconds) -> { }, List.of(failing));
        Path out = dir.resolve("m.onnx");
        DvfsTrainJob.Outcome o = job.run(new DvfsTrainJob.Request(apps, 3, out, 2, NetworkConfig.EncoderType.SET_DELTA,
                null, true, false, "test"));
        assertEquals(1, calls[0]);
        assertTrue(Files.isRegularFile(out));
        JsonObject checked = o.report().getAsJsonObject("checks").getAsJsonObject("always_fails");
        assertEquals(false, checked.get("passes").getAsBoolean());
        assertEquals(DvfsActions.DEFAULT_LEVELS, checked.get("levels").getAsInt());
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("check always_fails: FAILS") && text.contains("do not install it"), text);
        assertTrue(Files.readString(o.reportMarkdown()).contains("- always_fails: **FAILS**; levels 10"));
    }

    @Test
    void comparisonsShareSeedAndBudget() {
        DvfsTrainer.Settings s = DvfsTrainer.Settings.defaults(7).withIterations(500);
        Map<String, DvfsTrainer.Settings> c = DvfsTrainJob.comparisons(s);
        DvfsTrainer.Settings plain = c.get("ppo_no_context");
        assertEquals(0, plain.contextLength());
        assertEquals(s.iterations(), plain.iterations());
        List<DvfsTrainer.Settings> encoders = c.values().stream().filter(x -> x.contextLength() > 0).toList();
        assertEquals(NetworkConfig.EncoderType.values().length, encoders.size());
        assertTrue(encoders.stream().allMatch(x -> x.iterations() == encoders.get(0).iterations()));
        for (NetworkConfig.EncoderType type : NetworkConfig.EncoderType.values()) {
            assertTrue(encoders.stream().anyMatch(x -> x.encoder() == type), type.name());
        }
        for (DvfsTrainer.Settings x : c.values()) {
            assertEquals(s.seed(), x.seed());
            assertEquals(s.env(), x.env());
        }
    }

    @Test
    void rewardDefinitionNamesBudgetAndPenalty() {
        String d = DvfsEnvironment.rewardDefinition(DvfsEnvironment.Options.defaults());
        assertTrue(d.contains("0.05") && d.contains(String.valueOf(DvfsEnvironment.DEFAULT_KAPPA)) && d.contains("E_fmax"), d);
    }
}
