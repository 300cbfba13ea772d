package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IdleHostCheckTest {

    @Test
    void theShippedModelParks() throws Exception {
        try (OnnxDvfsPolicy shipped = OnnxDvfsPolicy.load(Path.of("models/dvfs-flash.onnx"))) {
            IdleHostCheck.Result r = IdleHostCheck.run(shipped);
            assertTrue(r.parks(), r.toString());
            JsonObject json = new IdleHostCheck().check(shipped);
            assertTrue(json.get("passes").getAsBoolean(), json.toString());
            assertEquals(r.changesPerMinute(), json.get("changes_per_minute").getAsDouble(), 1e-9);
        }
    }

    @Test
    void huntingOrIdlingHighFails() {
        // The two failures measured in docs/log/2026-11-dvfs-experiments-log.md: a frequency change every second or
        // so at a fair share of the saving, and few changes at 39% of it.
        assertFalse(new IdleHostCheck.Result(52.2, 0.947, 0.012).parks());
        assertFalse(new IdleHostCheck.Result(0.5, 0.39, 0.005).parks());
        assertTrue(new IdleHostCheck.Result(1.0, 0.995, 0.013).parks());
        assertTrue(new IdleHostCheck.Result(IdleHostCheck.MAX_CHANGES_PER_MINUTE,
                IdleHostCheck.MIN_SHARE_OF_ORACLE_SAVING, 0.01).parks());
    }
}
