package dev.flash.dvfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
