package dev.flash.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The shipped model on a real sysfs layout left idle, without a PMU (as on this VM): it must
 * hold its frequency, not write every tick. The simulated-node version of this is
 * ShippedModelAdaptsTest.parksOnAnIdleHostInsteadOfHunting; this one goes through the Linux
 * telemetry source and actuator over fake trees.
 */
class IdleTreeWritesTest {

    @Test
    void theShippedModelHoldsOnAnIdleNodeWithoutCounters() throws Exception {
        IdleTreeWrites.Result r = IdleTreeWrites.run(Path.of("models/dvfs-flash.onnx"), 16, "acpi-cpufreq", 60);
        assertEquals(16, r.policies());
        assertEquals(60, r.firstPolicyValues().size());
        assertTrue(r.changes() <= 2 * r.policies(), r.changes() + " changes over " + r.policies()
                + " policies in 60 ticks; policy 0: " + r.firstPolicyValues());
    }
}
