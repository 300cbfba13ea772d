package dev.flash.dvfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.telemetry.PolicySample;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DvfsActionsTest {

    @Test
    void movesOnTheLadderAndClampsAtItsEnds() {
        assertEquals(4, DvfsActions.levelAfter("hold", 4, 10));
        assertEquals(0, DvfsActions.levelAfter("min", 4, 10));
        assertEquals(9, DvfsActions.levelAfter("max", 4, 10));
        assertEquals(5, DvfsActions.levelAfter("up1", 4, 10));
        assertEquals(9, DvfsActions.levelAfter("up12", 4, 10));
        assertEquals(2, DvfsActions.levelAfter("down2", 4, 10));
        assertEquals(0, DvfsActions.levelAfter("down99", 4, 10));
        assertEquals(14, DvfsActions.levelAfter("up10", 4, 20));
    }

    @Test
    void acceptsExactlyUpNAndDownNWithOneOrTwoDigitsAndNoLeadingZero() {
        // the grammar the regular expression up[1-9][0-9]? / down[1-9][0-9]? used to define
        for (String bad : new String[] {"up", "up0", "up01", "up100", "upx", "up1x", "down", "down0",
                "Down1", "down-1", "up 1", "hold1", "", "dn1"}) {
            assertThrows(IllegalArgumentException.class, () -> DvfsActions.validate(bad), bad);
        }
        for (int n = 1; n <= 99; n++) {
            assertEquals(n, DvfsActions.step("up" + n, "up"));
            assertEquals(n, DvfsActions.step("down" + n, "down"));
        }
    }

    private static PolicySample policy(long minKhz, long maxKhz, long curKhz, long[] table) {
        return new PolicySample(0, new int[] {0}, "acpi-cpufreq", "userspace", List.of("userspace"), minKhz, maxKhz,
                minKhz, maxKhz, curKhz, table, 1.0, 1.0, 1.0, 1e9);
    }

    @Test
    void onAnEvenlySpacedTableTheRungsAreThoseOfTheKhzRange() {
        long[] table = LongStream.rangeClosed(0, 22).map(i -> 800_000 + 100_000 * i).toArray(); // 800..3000 MHz
        for (int level = 0; level < 10; level++) {
            long even = DvfsActions.levelKhz(policy(800_000, 3_000_000, 3_000_000, new long[0]), level, 10);
            long onTable = DvfsActions.levelKhz(policy(800_000, 3_000_000, 3_000_000, table), level, 10);
            assertEquals(Math.round(even / 100_000.0) * 100_000, onTable, "level " + level);
            assertEquals(level, DvfsActions.currentLevel(policy(800_000, 3_000_000, onTable, table), 10));
        }
    }

    @Test
    void aBoostBinAboveTheSteppedRangeCanBeLeftOneStepDown() {
        // 800..2400 MHz in 25 MHz steps, then one boost bin at 3700 (bench/nodes/fine-steps-boost.toml)
        long[] table = LongStream.concat(LongStream.rangeClosed(0, 64).map(i -> 800_000 + 25_000 * i),
                LongStream.of(3_700_000)).toArray();
        PolicySample atBoost = policy(800_000, 3_700_000, 3_700_000, table);
        assertEquals(9, DvfsActions.currentLevel(atBoost, 10));
        long down1 = DvfsActions.targetKhz("down1", atBoost, 10);
        assertTrue(down1 <= 2_400_000, "the rung below the boost bin is in the stepped range: " + down1);
        assertTrue(down1 > 2_000_000, "and near its top: " + down1);
        assertEquals(8, DvfsActions.currentLevel(policy(800_000, 3_700_000, down1, table), 10), "and reads back as 8");
        assertEquals(3_700_000, DvfsActions.targetKhz("max", atBoost, 10));
        assertEquals(800_000, DvfsActions.targetKhz("min", atBoost, 10));
    }

    @Test
    void aTableListedDescendingAsAcpiCpufreqDoesIsReadInOrder() {
        long[] descending = {3_000_000, 2_200_000, 1_500_000};
        PolicySample p = policy(1_500_000, 3_000_000, 3_000_000, descending);
        assertEquals(9, DvfsActions.currentLevel(p, 10));
        assertEquals(2_200_000, DvfsActions.targetKhz("down4", p, 10));
        assertEquals(1_500_000, DvfsActions.targetKhz("min", p, 10));
    }
}
