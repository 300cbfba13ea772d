package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ApplicationSamplingTest {

    @Test
    void uniformIsTheShuffleCycledOverTheSlots() {
        // The draw PPO made before sampling was configurable: runs with UNIFORM stay bit-identical.
        Random a = new Random(7);
        Random b = new Random(7);
        ApplicationSampling.Sampler s = ApplicationSampling.UNIFORM.sampler(10);
        for (int round = 0; round < 3; round++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                order.add(i);
            }
            Collections.shuffle(order, b);
            List<Integer> expected = new ArrayList<>();
            for (int e = 0; e < 4; e++) {
                expected.add(order.get(e));
            }
            assertEquals(expected, s.draw(4, a));
        }
        // Fewer applications than slots: the shuffle repeats, so each application gets a replica.
        List<Integer> drawn = ApplicationSampling.prioritized(1, 0.3).sampler(3).draw(5, new Random(1));
        assertEquals(3, new HashSet<>(drawn.subList(0, 3)).size());
        assertEquals(drawn.subList(0, 2), drawn.subList(3, 5));
    }

    @Test
    void prioritizedDrawsEveryApplicationOnceBeforeReplayingAny() {
        ApplicationSampling.Sampler s = ApplicationSampling.prioritized(1, 0.3).sampler(20);
        Random rng = new Random(3);
        var seen = new HashSet<Integer>();
        for (int round = 0; round < 5; round++) {
            List<Integer> drawn = s.draw(4, rng);
            assertEquals(4, new HashSet<>(drawn).size(), "one slot per application in a rollout");
            for (int app : drawn) {
                assertTrue(seen.add(app), "application " + app + " replayed before all were drawn");
            }
        }
        assertEquals(20, seen.size());
    }

    @Test
    void prioritizedReplaysHighScoresMoreOftenAndStaleOnesStill() {
        int apps = 50;
        ApplicationSampling.Sampler s = ApplicationSampling.prioritized(0.3, 0.3).sampler(apps);
        Random rng = new Random(11);
        for (int round = 0; round < 10; round++) {
            s.draw(5, rng); // all 50 drawn once
        }
        for (int i = 0; i < apps; i++) {
            s.score(i, i == 42 ? 1.0 : i == 17 ? 0.5 : 0.01);
        }
        int[] counts = new int[apps];
        for (int round = 0; round < 400; round++) {
            for (int app : s.draw(5, rng)) {
                counts[app]++;
            }
        }
        assertTrue(counts[42] > 380, "the highest score is in almost every rollout: " + counts[42]);
        int staleDrawn = 0;
        for (int i = 0; i < apps; i++) {
            if (i != 42 && i != 17 && counts[i] > 0) {
                staleDrawn++;
                assertTrue(counts[17] > 2 * counts[i], "rank 2 (" + counts[17] + ") over a low score (" + counts[i] + ")");
            }
        }
        assertEquals(apps - 2, staleDrawn, "staleness brings every low-scored application back");
    }

    @Test
    void badSettingsAreRejectedNamingTheParameter() {
        var e = assertThrows(IllegalArgumentException.class, () -> ApplicationSampling.prioritized(0, 0.1));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApplicationSampling.prioritized(1, 1.5));
        assertTrue(e.getMessage().contains("staleness"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ApplicationSampling(Double.NaN, 0));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
    }
}
