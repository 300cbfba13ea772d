package dev.flash.telemetry;

import java.util.List;

/**
 * One cpufreq policy (a group of CPUs sharing a clock) as seen in one tick.
 *
 * <p>Frequencies are in kHz, as sysfs reports them; -1 means "not readable". Counter-derived
 * values ({@code ipc}, {@code mpki}, {@code instructionsPerSecond}) are {@code NaN} when the
 * PMU is absent: the record says so in {@link TelemetryRecord#unavailable()} instead of faking
 * a value.
 *
 * @param id                    policy number N of {@code cpufreq/policyN}
 * @param cpus                  online CPUs of the policy ({@code affected_cpus})
 * @param driver                {@code scaling_driver}, e.g. acpi-cpufreq, intel_pstate
 * @param governor              {@code scaling_governor}
 * @param availableGovernors    {@code scaling_available_governors}
 * @param cpuinfoMinKhz         hardware minimum
 * @param cpuinfoMaxKhz         hardware maximum
 * @param scalingMinKhz         current lower limit
 * @param scalingMaxKhz         current upper limit
 * @param curKhz                current frequency ({@code scaling_cur_freq})
 * @param availableKhz          {@code scaling_available_frequencies}, ascending; empty when the
 *                              driver has no table (intel_pstate, amd-pstate)
 * @param utilization           busy fraction 0..1 averaged over the policy's CPUs
 * @param ipc                   instructions per cycle over the tick, NaN if unavailable
 * @param mpki                  last-level cache misses per 1000 instructions, NaN if unavailable
 * @param instructionsPerSecond instructions retired per second (all CPUs of the policy), NaN if
 *                              unavailable
 * @param utilizationAverage    the busiest CPU's utilization averaged over the last seconds
 *                              ({@link UtilizationHistory}), NaN before the first interval
 * @param utilizationDeviation  how far the busiest CPU's utilization strays from that average,
 *                              second to second ({@link UtilizationHistory}), NaN before the
 *                              first interval
 * @param runWaitShare          share of the policy's runnable time its tasks spent waiting for a
 *                              CPU over the tick, 0..1: run-queue delay / (run time + run-queue
 *                              delay), summed over the policy's CPUs ({@code /proc/schedstat}
 *                              fields 7 and 8). Demand beyond what the clock serves, which
 *                              utilization (capped at 1) cannot show. NaN if unavailable
 */
public record PolicySample(
        int id,
        int[] cpus,
        String driver,
        String governor,
        List<String> availableGovernors,
        long cpuinfoMinKhz,
        long cpuinfoMaxKhz,
        long scalingMinKhz,
        long scalingMaxKhz,
        long curKhz,
        long[] availableKhz,
        double utilization,
        double ipc,
        double mpki,
        double instructionsPerSecond,
        double utilizationAverage,
        double utilizationDeviation,
        double runWaitShare) {

    /** A sample without a run-queue reading. */
    public PolicySample(int id, int[] cpus, String driver, String governor, List<String> availableGovernors,
                        long cpuinfoMinKhz, long cpuinfoMaxKhz, long scalingMinKhz, long scalingMaxKhz, long curKhz,
                        long[] availableKhz, double utilization, double ipc, double mpki,
                        double instructionsPerSecond, double utilizationAverage, double utilizationDeviation) {
        this(id, cpus, driver, governor, availableGovernors, cpuinfoMinKhz, cpuinfoMaxKhz, scalingMinKhz,
                scalingMaxKhz, curKhz, availableKhz, utilization, ipc, mpki, instructionsPerSecond, utilizationAverage,
                utilizationDeviation, Double.NaN);
    }

    /** A sample without utilization history (a source's raw reading, before {@link UtilizationHistory}). */
    public PolicySample(int id, int[] cpus, String driver, String governor, List<String> availableGovernors,
                        long cpuinfoMinKhz, long cpuinfoMaxKhz, long scalingMinKhz, long scalingMaxKhz, long curKhz,
                        long[] availableKhz, double utilization, double ipc, double mpki,
                        double instructionsPerSecond) {
        this(id, cpus, driver, governor, availableGovernors, cpuinfoMinKhz, cpuinfoMaxKhz, scalingMinKhz,
                scalingMaxKhz, curKhz, availableKhz, utilization, ipc, mpki, instructionsPerSecond, Double.NaN,
                Double.NaN, Double.NaN);
    }

    /** True when the userspace governor can be selected, so {@code scaling_setspeed} works. */
    public boolean offersUserspace() {
        return availableGovernors.contains("userspace");
    }

    /** Frequency normalised to the hardware range: 0 at cpuinfo_min, 1 at cpuinfo_max. */
    public double normalizedFrequency() {
        long span = cpuinfoMaxKhz - cpuinfoMinKhz;
        if (span <= 0 || curKhz < 0) {
            return Double.NaN;
        }
        return Math.max(0, Math.min(1, (double) (curKhz - cpuinfoMinKhz) / span));
    }

    /**
     * Utilization of the policy's busiest CPU, from the record's per-CPU values: the CPUs of a
     * policy share one frequency, so the busiest sets what it must be (schedutil sizes it the
     * same way). The policy's mean when no per-CPU value is there; NaN when neither is.
     */
    public double busiestUtilization(double[] perCpu) {
        double max = Double.NaN;
        for (int cpu : cpus) {
            if (perCpu != null && cpu >= 0 && cpu < perCpu.length && !Double.isNaN(perCpu[cpu])) {
                max = Double.isNaN(max) ? perCpu[cpu] : Math.max(max, perCpu[cpu]);
            }
        }
        return Double.isNaN(max) ? utilization : max;
    }

    /** A copy with counter-derived fields replaced (sources fill these in after reading sysfs). */
    public PolicySample withCounters(double newUtilization, double newIpc, double newMpki, double newIps) {
        return withMeasurements(newUtilization, newIpc, newMpki, newIps, utilizationAverage, utilizationDeviation);
    }

    /** A copy carrying the utilization history's values for this tick. */
    public PolicySample withUtilizationHistory(double average, double deviation) {
        return withMeasurements(utilization, ipc, mpki, instructionsPerSecond, average, deviation);
    }

    /** A copy with the measured fields replaced, keeping the run-queue wait share. */
    public PolicySample withMeasurements(double newUtilization, double newIpc, double newMpki, double newIps,
                                         double newAverage, double newDeviation) {
        return withMeasurements(newUtilization, newIpc, newMpki, newIps, newAverage, newDeviation, runWaitShare);
    }

    /** A copy with every measured field replaced: what a source builds once per policy and tick. */
    public PolicySample withMeasurements(double newUtilization, double newIpc, double newMpki, double newIps,
                                         double newAverage, double newDeviation, double newRunWaitShare) {
        return new PolicySample(id, cpus, driver, governor, availableGovernors, cpuinfoMinKhz,
                cpuinfoMaxKhz, scalingMinKhz, scalingMaxKhz, curKhz, availableKhz, newUtilization,
                newIpc, newMpki, newIps, newAverage, newDeviation, newRunWaitShare);
    }

    /** A copy carrying the run-queue wait share of this tick. */
    public PolicySample withRunWaitShare(double share) {
        return withMeasurements(utilization, ipc, mpki, instructionsPerSecond, utilizationAverage,
                utilizationDeviation, share);
    }

    /** The lowest clock the policy may run at: its scaling_min_freq, or cpuinfo_min_freq where that reads 0. */
    public long lowestAllowedKhz() {
        return scalingMinKhz > 0 ? scalingMinKhz : cpuinfoMinKhz;
    }

    /** The highest clock the policy may run at: its scaling_max_freq, or cpuinfo_max_freq where that reads 0. */
    public long highestAllowedKhz() {
        return scalingMaxKhz > 0 ? scalingMaxKhz : cpuinfoMaxKhz;
    }
}
