package dev.flash.dvfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.PowerZoneSample;
import dev.flash.telemetry.TelemetryRecord;
import dev.flash.testing.Telemetry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DvfsFeaturesTest {

    /** A two-CPU policy (CPUs 2 and 3) with the given per-CPU busy fractions. */
    static float[] features(double cpu2, double cpu3) {
        PolicySample one = Telemetry.policy(0, Telemetry.MIN_KHZ, 0.5);
        PolicySample p = new PolicySample(1, new int[] {2, 3}, one.driver(), one.governor(),
                one.availableGovernors(), one.cpuinfoMinKhz(), one.cpuinfoMaxKhz(), one.scalingMinKhz(),
                one.scalingMaxKhz(), one.curKhz(), one.availableKhz(), (cpu2 + cpu3) / 2, 1.5, 2.0, 1e9);
        TelemetryRecord r = new TelemetryRecord(1, 1, 1.0, List.of(p), new double[] {0.1, 0.1, cpu2, cpu3},
                List.of(new PowerZoneSample("package-0", "/sys/class/powercap/intel-rapl:0", 100, 50)), 100.0,
                Map.of());
        return DvfsFeatures.extract(p, r);
    }

    @Test
    void oneSaturatedCpuAndTwoHalfBusyOnesDifferOnlyInTheBusiestCpu() {
        int util = DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL);
        int max = DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL_MAX);
        float[] oneSaturated = features(1.0, 0.0);
        float[] twoHalf = features(0.5, 0.5);
        assertEquals(0.5f, oneSaturated[util]);
        assertEquals(0.5f, twoHalf[util], "the mean cannot tell them apart");
        assertEquals(1.0f, oneSaturated[max]);
        assertEquals(0.5f, twoHalf[max]);
        assertEquals(DvfsFeatures.COUNT, oneSaturated.length);
    }

    @Test
    void withoutPerCpuValuesTheBusiestCpuIsThePolicysMean() {
        PolicySample p = Telemetry.policy(0, Telemetry.MIN_KHZ, 0.7);
        TelemetryRecord r = new TelemetryRecord(1, 1, 1.0, List.of(p), new double[0], List.of(), 100.0, Map.of());
        assertEquals(0.7f, DvfsFeatures.extract(p, r)[DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL_MAX)], 1e-6);
        assertEquals(0.7, p.busiestUtilization(null), 1e-12);
    }

    @Test
    void theHistoryFeaturesComeFromThePolicysHistorySignals() {
        PolicySample p = Telemetry.policy(0, Telemetry.MIN_KHZ, 0.7).withUtilizationHistory(0.55, 0.2);
        TelemetryRecord r = new TelemetryRecord(1, 1, 1.0, List.of(p), new double[0], List.of(), 100.0, Map.of());
        float[] f = DvfsFeatures.extract(p, r);
        assertEquals(0.55f, f[DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL_AVG)], 1e-6);
        assertEquals(0.4f, f[DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL_DEV)], 1e-6, "twice the deviation");
        float[] wild = DvfsFeatures.extract(p.withUtilizationHistory(0.5, 0.8), r);
        assertEquals(1f, wild[DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL_DEV)], "clipped to 1");
    }

    @Test
    void noHistoryYetReadsAsZeroLikeEveryUnavailableSignal() {
        PolicySample p = Telemetry.policy(0, Telemetry.MIN_KHZ, 0.7);
        TelemetryRecord r = new TelemetryRecord(1, 1, 1.0, List.of(p), new double[0], List.of(), 100.0, Map.of());
        float[] f = DvfsFeatures.extract(p, r);
        assertEquals(0f, f[DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL_AVG)]);
        assertEquals(0f, f[DvfsFeatures.NAMES.indexOf(DvfsFeatures.UTIL_DEV)]);
    }

    @Test
    void runQueueWaitIsTheLastFeatureAndReadsZeroWhenUnavailable() {
        PolicySample p = Telemetry.policy(0, Telemetry.MIN_KHZ, 1.0);
        TelemetryRecord r = new TelemetryRecord(1, 1, 1.0, List.of(p), new double[0], List.of(), 100.0, Map.of());
        int wait = DvfsFeatures.NAMES.indexOf(DvfsFeatures.RUN_WAIT);
        assertEquals(DvfsFeatures.COUNT - 1, wait, "appended, so the other columns keep their places");
        assertEquals(0f, DvfsFeatures.extract(p, r)[wait], "no schedstat reading: 0");
        assertEquals(0.25f, DvfsFeatures.extract(p.withRunWaitShare(0.25), r)[wait], 1e-6);
        assertEquals(0.25f, DvfsFeatures.extract(p.withRunWaitShare(0.25).withUtilizationHistory(0.9, 0.1), r)[wait],
                1e-6, "the history copy keeps the run-queue reading");
    }
}
