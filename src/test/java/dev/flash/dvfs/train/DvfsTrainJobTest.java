package dev.flash.dvfs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.meta.NetworkConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DvfsTrainJobTest {

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
