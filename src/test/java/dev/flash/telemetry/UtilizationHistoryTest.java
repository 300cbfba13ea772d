package dev.flash.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UtilizationHistoryTest {

    /** Policy {@code id} over CPUs 2*id and 2*id+1, mean utilization as given. */
    private static PolicySample policy(int id, double meanUtilization) {
        return new PolicySample(id, new int[] {2 * id, 2 * id + 1}, "acpi-cpufreq", "userspace",
                List.of("userspace"), 800_000, 3_000_000, 800_000, 3_000_000, 2_000_000, new long[0],
                meanUtilization, Double.NaN, Double.NaN, Double.NaN);
    }

    private static double[] perCpu(double busiest, double other) {
        return new double[] {busiest, other, 0, 0};
    }

    @Test
    void aSteadyLoadHasItsLevelAndNoDeviation() {
        UtilizationHistory h = new UtilizationHistory();
        PolicySample s = null;
        for (int t = 0; t < 60; t++) {
            s = h.update(policy(0, 0.4), perCpu(0.7, 0.1), 1.0);
        }
        assertEquals(0.7, s.utilizationAverage(), 1e-12, "the busiest CPU's level, not the mean");
        assertEquals(0.0, s.utilizationDeviation(), 1e-12);
    }

    @Test
    void aBurstyLoadKeepsItsLevelAndShowsItsSpread() {
        UtilizationHistory h = new UtilizationHistory();
        PolicySample s = null;
        for (int t = 0; t < 400; t++) { // 0.3 and 0.9 in turn: level 0.6, 0.3 away each second
            double u = t % 2 == 0 ? 0.3 : 0.9;
            s = h.update(policy(0, u / 2), perCpu(u, 0), 1.0);
        }
        assertEquals(0.6, s.utilizationAverage(), 0.05);
        assertEquals(0.3, s.utilizationDeviation(), 0.05);
    }

    @Test
    void theAverageFollowsALevelChangeWithTheTimeConstant() {
        UtilizationHistory h = new UtilizationHistory(8);
        h.update(policy(0, 0.1), perCpu(0.2, 0), 1.0);
        PolicySample s = null;
        for (int t = 0; t < 8; t++) {
            s = h.update(policy(0, 0.4), perCpu(0.8, 0), 1.0);
        }
        // after one time constant, 1 - 1/e of the step: 0.2 + 0.6 * 0.632
        assertEquals(0.2 + 0.6 * (1 - Math.exp(-1)), s.utilizationAverage(), 1e-12);
    }

    @Test
    void theWeightsFollowTheIntervalLength() {
        UtilizationHistory everySecond = new UtilizationHistory();
        UtilizationHistory everyTwo = new UtilizationHistory();
        everySecond.update(policy(0, 0.1), perCpu(0.2, 0), 1.0);
        everyTwo.update(policy(0, 0.1), perCpu(0.2, 0), 2.0);
        PolicySample a = null;
        PolicySample b = null;
        for (int t = 0; t < 10; t++) {
            a = everySecond.update(policy(0, 0.4), perCpu(0.8, 0), 1.0);
            if (t % 2 == 1) {
                b = everyTwo.update(policy(0, 0.4), perCpu(0.8, 0), 2.0);
            }
        }
        assertEquals(a.utilizationAverage(), b.utilizationAverage(), 1e-12);
    }

    @Test
    void aLongGapRestartsTheHistory() {
        UtilizationHistory h = new UtilizationHistory();
        for (int t = 0; t < 50; t++) {
            h.update(policy(0, 0.1), perCpu(t % 2 == 0 ? 0.0 : 0.5, 0), 1.0);
        }
        PolicySample s = h.update(policy(0, 0.4), perCpu(0.9, 0), 3600);
        assertEquals(0.9, s.utilizationAverage(), 1e-9);
        assertEquals(0.0, s.utilizationDeviation(), 1e-9);
    }

    @Test
    void nothingIsKnownBeforeTheFirstIntervalAndAnUnreadableOneChangesNothing() {
        UtilizationHistory h = new UtilizationHistory();
        PolicySample first = h.update(policy(3, 0.5), new double[8], 0);
        assertTrue(Double.isNaN(first.utilizationAverage()), "a source's first tick measured no interval");
        assertTrue(Double.isNaN(first.utilizationDeviation()));
        PolicySample second = h.update(policy(3, 0.5), perCpuOf(8, 6, 0.5), 1.0);
        assertEquals(0.5, second.utilizationAverage(), 1e-12);
        PolicySample unreadable = h.update(policy(3, Double.NaN), null, 1.0);
        assertEquals(0.5, unreadable.utilizationAverage(), 1e-12);
    }

    @Test
    void policiesKeepTheirOwnHistory() {
        UtilizationHistory h = new UtilizationHistory();
        h.update(policy(0, 0.1), perCpu(0.2, 0), 1.0);
        PolicySample other = h.update(policy(1, 0.4), new double[] {0.2, 0, 0.9, 0.1}, 1.0);
        assertEquals(0.9, other.utilizationAverage(), 1e-12);
        assertEquals(0.2, h.update(policy(0, 0.1), perCpu(0.2, 0), 1.0).utilizationAverage(), 1e-12);
    }

    @Test
    void aTimeConstantMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new UtilizationHistory(0));
        assertThrows(IllegalArgumentException.class, () -> new UtilizationHistory(Double.NaN));
    }

    private static double[] perCpuOf(int n, int cpu, double u) {
        double[] a = new double[n];
        a[cpu] = u;
        return a;
    }
}
