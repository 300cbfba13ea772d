package dev.flash.meta.yardstick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Experts are trained once per (simulator, application, config) and read back after. */
class ExpertCacheTest {

    private static ConvergedExpert.Expert expert(double r) {
        return new ConvergedExpert.Expert(r, true, 640, 1.5, EvaluatedCurve.of(new long[] {0, 320, 640},
                new double[] {0.1, r, r}), 0, 1, false);
    }

    @Test
    void aSecondLookupReadsTheStoredExpertAndRebuildTrainsAgain(@TempDir Path dir) throws IOException {
        AtomicInteger trained = new AtomicInteger();
        String key = ExpertCache.key("sim-1", "app-hash", "config");
        ExpertCache cache = new ExpertCache(dir, false);
        ConvergedExpert.Expert first = cache.get(key, "app", () -> {
            trained.incrementAndGet();
            return expert(0.2);
        });
        ConvergedExpert.Expert again = new ExpertCache(dir, false).get(key, "app", () -> {
            trained.incrementAndGet();
            return expert(0.9);
        });
        assertEquals(1, trained.get());
        assertEquals(first.rewardPerStep(), again.rewardPerStep());
        assertEquals(640, again.steps());
        assertEquals(0, again.seconds(), "a cached expert costs no training time");
        ExpertCache rebuild = new ExpertCache(dir, true);
        assertEquals(0.9, rebuild.get(key, "app", () -> expert(0.9)).rewardPerStep());
        assertEquals(1, rebuild.builds());
        assertEquals(1.5, rebuild.buildSeconds());
    }

    @Test
    void everyPartOfTheKeyMatters() {
        String k = ExpertCache.key("sim-1", "app", "cfg");
        assertNotEquals(k, ExpertCache.key("sim-2", "app", "cfg"));
        assertNotEquals(k, ExpertCache.key("sim-1", "app2", "cfg"));
        assertNotEquals(k, ExpertCache.key("sim-1", "app", "cfg2"));
        assertNotEquals(ExpertCache.key("ab", "c"), ExpertCache.key("a", "bc"));
    }

    @Test
    void aDamagedFileIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        String key = ExpertCache.key("x");
        Files.writeString(dir.resolve(key + ".json"), "{\"expert\": {\"rewardPerStep\": ");
        IOException e = assertThrows(IOException.class, () -> new ExpertCache(dir, false).get(key, "app",
                () -> expert(0.1)));
        assertTrue(e.getMessage().contains(key + ".json"), e.getMessage());
    }
}
