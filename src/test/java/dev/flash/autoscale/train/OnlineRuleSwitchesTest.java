package dev.flash.autoscale.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.meta.yardstick.FineTuneSweep;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The diagnostic online-rule switches of {@code reproduce autoscale} are off unless set: unset,
 * FLASH learns at transfer learning's rule over the plan's grid (the yardstick as defined); set,
 * they parse to exactly what they say, and a bad value fails naming the property.
 */
class OnlineRuleSwitchesTest {

    @Test
    void unsetMeansTheYardstickAsDefined() {
        OnlineRuleSwitches s = OnlineRuleSwitches.parse(null, " ");
        assertTrue(s.isDefault());
        assertEquals(OnlineRuleSwitches.Mode.TRANSFERS, s.flashMode());
        List<FineTuneSweep.Setting> plans = FineTuneSweep.defaultGrid();
        assertSame(plans, s.gridOr(plans), "the plan's grid untouched");
        assertEquals(OnlineRuleSwitches.DEFAULT, OnlineRuleSwitches.parse("", null));
    }

    @Test
    void sweepAndFixedRatesParse() {
        assertEquals(OnlineRuleSwitches.Mode.SWEEP, OnlineRuleSwitches.parse("sweep", null).flashMode());
        OnlineRuleSwitches fixed = OnlineRuleSwitches.parse("0.001", null);
        assertEquals(OnlineRuleSwitches.Mode.FIXED, fixed.flashMode());
        assertEquals(new FineTuneSweep.Setting(0.001, false), fixed.flashFixed());
        assertEquals(new FineTuneSweep.Setting(3e-4, true), OnlineRuleSwitches.parse("3e-4,annealed", null).flashFixed());
        assertNull(fixed.grid());
    }

    @Test
    void aGridGivesEachRateConstantAndAnnealed() {
        OnlineRuleSwitches s = OnlineRuleSwitches.parse(null, "1e-3, 1e-2");
        assertEquals(List.of(new FineTuneSweep.Setting(1e-3, false), new FineTuneSweep.Setting(1e-3, true),
                new FineTuneSweep.Setting(1e-2, false), new FineTuneSweep.Setting(1e-2, true)),
                s.gridOr(FineTuneSweep.defaultGrid()));
        assertEquals(false, s.isDefault());
    }

    @Test
    void badValuesNameTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnlineRuleSwitches.parse("fast", null));
        assertTrue(e.getMessage().contains(OnlineRuleSwitches.FLASH_ONLINE), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OnlineRuleSwitches.parse("0.001,constant", null));
        assertThrows(IllegalArgumentException.class, () -> OnlineRuleSwitches.parse("-1", null));
        e = assertThrows(IllegalArgumentException.class, () -> OnlineRuleSwitches.parse(null, "1e-3,x"));
        assertTrue(e.getMessage().contains(OnlineRuleSwitches.SWEEP_GRID), e.getMessage());
    }
}
