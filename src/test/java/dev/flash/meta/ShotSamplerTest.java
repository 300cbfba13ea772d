package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShotSamplerTest {

    @Test
    void drawsDistinctShotsAndQueriesThatNeverOverlap() {
        Random r = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            ShotDraw d = ShotSampler.draw(10, 3, 4, r);
            Set<Integer> seen = new HashSet<>();
            for (int i : d.shots()) {
                seen.add(i);
            }
            for (int i : d.queries()) {
                seen.add(i);
            }
            assertEquals(3, d.k());
            assertEquals(4, d.queries().length);
            assertEquals(7, seen.size());
        }
        assertEquals(7, ShotSampler.draw(10, 3, 0, r).queries().length, "0 queries asked: every non-shot");
    }

    @Test
    void everyExampleCanBeAShot() {
        Random r = new Random(2);
        int[] count = new int[5];
        for (int trial = 0; trial < 500; trial++) {
            count[ShotSampler.draw(5, 1, 0, r).shots()[0]]++;
        }
        for (int c : count) {
            assertEquals(100, c, 40);
        }
    }

    @Test
    void refusesATaskTooSmallForTheShots() {
        assertThrows(IllegalArgumentException.class, () -> ShotSampler.draw(3, 3, 0, new Random(1)));
        assertThrows(IllegalArgumentException.class, () -> ShotSampler.draw(3, 0, 0, new Random(1)));
    }
}
