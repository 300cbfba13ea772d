package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlinePortfolioTest {

    /** Five configurations c0..c4; runtimes scale x (50, 40, 30, 20, 10) s; price per second from {@code price}. */
    private static Workload workload(String name, double scale, double... price) {
        List<Measurement> ms = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            double runtime = scale * (50 - 10 * c);
            ms.add(new Measurement("c" + c, new float[] {c}, new float[0], runtime, runtime * price[c], 1, c + 2));
        }
        return new Workload(name, ms);
    }

    @Test
    void choosesFirstTheConfigurationCheapestOnTimeAcrossTheTrainingWorkloadsThenCoversTheRest() {
        // deadline = median runtime (30 x scale): c2, c3, c4 on time. Prices make c3 the cheapest on
        // time for the first two workloads, c4 for the third.
        Workload a = workload("a", 1, 1, 1, 3, 2, 5);   // c2 90, c3 40, c4 50
        Workload b = workload("b", 2, 1, 1, 3, 2, 5);
        Workload c = workload("c", 1, 1, 1, 3, 5, 2);   // c2 90, c3 100, c4 20
        DeadlinePortfolio p = DeadlinePortfolio.fit(List.of(a, b, c));
        Workload w = workload("w", 3, 1, 1, 1, 1, 1);
        // c3: relative costs 1, 1, 5 (sum 7); c4: 1.25, 1.25, 1 (3.5); c2: 2.25, 2.25, 4.5. c0 and c1 miss everywhere.
        assertEquals(List.of(4, 3), p.choose(w, 2));
        // a cheap configuration that misses every deadline is never worth a measurement before one on time
        assertEquals(4, p.choose(w, 1).get(0));
    }
}
