package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The core's dual ascent: lambda follows measured - target, within [0, max], after the warm-up. */
class LagrangeMultiplierTest {

    @Test
    void followsTheMeasuredValueAgainstItsTarget() {
        LagrangeMultiplier l = new LagrangeMultiplier(new LagrangeMultiplier.Config(1, 5, 0.95, 50, 1));
        assertEquals(1, l.step(2.0), 0, "warm-up step: lambda stays");
        assertEquals(1 + 5 * (1.35 - 0.95), l.step(1.35), 1e-12, "over the target: rises by rate x excess");
        assertEquals(3 - 5 * 0.15, l.step(0.8), 1e-12, "under it: falls");
        assertEquals(2.25, l.step(Double.NaN), 1e-12, "nothing measured: stays");
        for (int i = 0; i < 100; i++) {
            l.step(100);
        }
        assertEquals(50, l.value(), 0, "capped at max");
        for (int i = 0; i < 100; i++) {
            l.step(-100);
        }
        assertEquals(0, l.value(), 0, "never negative");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LagrangeMultiplier.Config(-1, 1, 0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new LagrangeMultiplier.Config(6, 1, 0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new LagrangeMultiplier.Config(1, 0, 0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new LagrangeMultiplier.Config(1, 1, Double.NaN, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new LagrangeMultiplier.Config(1, 1, 0, 5, -1));
    }
}
