package dev.flash.sim;

import java.util.List;

/**
 * The simulated machine: CPUs grouped into cpufreq policies, an acpi-cpufreq-like frequency
 * table, a voltage curve, a power model and a RAPL-like energy counter. See
 * {@code docs/simulated-node.md} for the equations.
 *
 * @param cpus                   logical CPUs
 * @param cpusPerPolicy          CPUs sharing one clock (one cpufreq policy); divides {@code cpus}
 * @param driver                 emulated scaling driver; only {@code acpi-cpufreq} (a frequency
 *                               table and the userspace governor) is modelled
 * @param minKhz                 cpuinfo_min_freq
 * @param maxKhz                 cpuinfo_max_freq
 * @param stepKhz                spacing of scaling_available_frequencies
 * @param vminVolts              core voltage at minKhz
 * @param vmaxVolts              core voltage at maxKhz (linear in between)
 * @param idleWatts              static power: leakage, uncore and platform when all CPUs idle
 * @param dynamicWattsPerCpu     dynamic power of one CPU fully busy at maxKhz, no stalls,
 *                               power intensity 1
 * @param stallActivity          share of dynamic power a CPU still burns while stalled on memory
 * @param uncoreWatts            extra package power at full memory traffic of every CPU
 * @param dramWatts              DRAM power at full memory traffic (separate "dram" zone)
 * @param memoryLatencyNs        memory latency; converts memory-boundness into MPKI
 * @param raplMaxEnergyRangeUj   wrap point of the energy counters (max_energy_range_uj)
 * @param noise                  relative standard deviation of measurement noise on power and
 *                               counters
 * @param initialGovernor        scaling_governor before anything writes the node
 * @param initialKhz             frequency before anything writes the node
 * @param baseKhz                base_frequency: the top of the non-boost range; equal to maxKhz
 *                               unless the node has a boost bin (cpuinfo_max_freq above
 *                               base_frequency, as intel_pstate reports it)
 * @param tableKhz               an explicit (irregular) scaling_available_frequencies, ascending,
 *                               from minKhz to maxKhz; empty: regular stepKhz steps from minKhz
 *                               to baseKhz, plus maxKhz when it is a boost bin
 * @param boostVolts             core voltage at maxKhz when it is a boost bin (linear from
 *                               vmaxVolts at baseKhz): real boost bins need a voltage knee
 * @param threadsPerCpu          run-queue model: 0 is the open-demand closed form (every unserved
 *                               CPU-second waits); otherwise the application runs this many
 *                               threads per busy CPU, so at most this many are runnable and a
 *                               saturated job with one thread per CPU waits for nobody
 * @param runWaitNoise           standard deviation of additive noise on the reported run-queue
 *                               wait share (kernel threads, interrupts, migrations), clamped to
 *                               [0, 1]; drawn from its own stream so the other figures do not move
 */
public record NodeSpec(
        int cpus,
        int cpusPerPolicy,
        String driver,
        long minKhz,
        long maxKhz,
        long stepKhz,
        double vminVolts,
        double vmaxVolts,
        double idleWatts,
        double dynamicWattsPerCpu,
        double stallActivity,
        double uncoreWatts,
        double dramWatts,
        double memoryLatencyNs,
        long raplMaxEnergyRangeUj,
        double noise,
        String initialGovernor,
        long initialKhz,
        long baseKhz,
        List<Long> tableKhz,
        double boostVolts,
        double threadsPerCpu,
        double runWaitNoise) {

    public static final String DRIVER = "acpi-cpufreq";
    /** In the order acpi-cpufreq lists them in scaling_available_governors. */
    public static final List<String> GOVERNORS =
            List.of("conservative", "ondemand", "userspace", "powersave", "performance", "schedutil");

    public NodeSpec {
        SpecException.inRange("cpus", cpus, 1, 4096);
        SpecException.inRange("cpus_per_policy", cpusPerPolicy, 1, cpus);
        if (cpus % cpusPerPolicy != 0) {
            throw new SpecException("cpus_per_policy " + cpusPerPolicy + " does not divide cpus " + cpus);
        }
        if (!DRIVER.equals(driver)) {
            throw new SpecException("driver '" + driver + "' is not modelled (only " + DRIVER + ")");
        }
        SpecException.inRange("min_mhz", minKhz / 1000.0, 100, 10_000);
        SpecException.inRange("max_mhz", maxKhz / 1000.0, minKhz / 1000.0, 10_000);
        tableKhz = tableKhz == null ? List.of() : List.copyOf(tableKhz);
        SpecException.inRange("base_mhz", baseKhz / 1000.0, minKhz / 1000.0, maxKhz / 1000.0);
        if (!tableKhz.isEmpty()) {
            checkExplicitTable(toArray(tableKhz), minKhz, maxKhz, baseKhz);
        } else {
            long stepped = baseKhz; // the boost bin, if any, sits alone above the stepped range
            SpecException.inRangeOpen("step_mhz", stepKhz / 1000.0, 0, Math.max(1, (stepped - minKhz) / 1000.0));
            if ((stepped - minKhz) % stepKhz != 0) {
                throw new SpecException("step_mhz " + stepKhz / 1000 + " does not divide "
                        + (baseKhz == maxKhz ? "max_mhz" : "base_mhz") + " - min_mhz " + (stepped - minKhz) / 1000);
            }
        }
        SpecException.inRange("vmin_volts", vminVolts, 0.3, 2.0);
        SpecException.inRange("vmax_volts", vmaxVolts, vminVolts, 2.0);
        SpecException.inRange("idle_watts", idleWatts, 0, 10_000);
        SpecException.inRangeOpen("dynamic_watts_per_cpu", dynamicWattsPerCpu, 0, 1_000);
        SpecException.inRange("stall_activity", stallActivity, 0, 1);
        SpecException.inRange("uncore_watts", uncoreWatts, 0, 10_000);
        SpecException.inRange("dram_watts", dramWatts, 0, 10_000);
        SpecException.inRangeOpen("memory_latency_ns", memoryLatencyNs, 0, 10_000);
        SpecException.inRange("rapl_max_energy_range_uj", raplMaxEnergyRangeUj, 1_000_000, 1e18);
        SpecException.inRange("noise", noise, 0, 0.2);
        if (!GOVERNORS.contains(initialGovernor)) {
            throw new SpecException("initial_governor '" + initialGovernor + "' is not one of " + GOVERNORS);
        }
        SpecException.inRange("initial_mhz", initialKhz / 1000.0, minKhz / 1000.0, maxKhz / 1000.0);
        if (java.util.Arrays.binarySearch(buildTable(minKhz, maxKhz, stepKhz, baseKhz, tableKhz), initialKhz) < 0) {
            throw new SpecException("initial_mhz " + initialKhz / 1000.0 + " is not in the frequency table");
        }
        SpecException.inRange("boost_volts", boostVolts, vmaxVolts, 2.0);
        if (threadsPerCpu != 0) {
            SpecException.inRange("threads_per_cpu", threadsPerCpu, 1, 1024);
        }
        SpecException.inRange("run_wait_noise", runWaitNoise, 0, 0.2);
    }

    /** The spec as it was before the realism keys: no boost bin, regular steps, open-demand run queue. */
    public NodeSpec(int cpus, int cpusPerPolicy, String driver, long minKhz, long maxKhz, long stepKhz,
            double vminVolts, double vmaxVolts, double idleWatts, double dynamicWattsPerCpu, double stallActivity,
            double uncoreWatts, double dramWatts, double memoryLatencyNs, long raplMaxEnergyRangeUj, double noise,
            String initialGovernor, long initialKhz) {
        this(cpus, cpusPerPolicy, driver, minKhz, maxKhz, stepKhz, vminVolts, vmaxVolts, idleWatts,
                dynamicWattsPerCpu, stallActivity, uncoreWatts, dramWatts, memoryLatencyNs, raplMaxEnergyRangeUj,
                noise, initialGovernor, initialKhz, maxKhz, List.of(), vmaxVolts, 0, 0);
    }

    private static void checkExplicitTable(long[] table, long minKhz, long maxKhz, long baseKhz) {
        if (table[0] != minKhz || table[table.length - 1] != maxKhz) {
            throw new SpecException("frequencies_mhz must run from min_mhz " + minKhz / 1000.0 + " to max_mhz "
                    + maxKhz / 1000.0 + ", got " + table[0] / 1000.0 + " .. " + table[table.length - 1] / 1000.0);
        }
        for (int i = 1; i < table.length; i++) {
            if (table[i] <= table[i - 1]) {
                throw new SpecException("frequencies_mhz must be strictly ascending: " + table[i] / 1000.0
                        + " follows " + table[i - 1] / 1000.0);
            }
        }
        if (java.util.Arrays.binarySearch(table, baseKhz) < 0) {
            throw new SpecException("base_mhz " + baseKhz / 1000.0 + " is not in frequencies_mhz");
        }
    }

    private static long[] toArray(List<Long> khz) {
        return khz.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] buildTable(long minKhz, long maxKhz, long stepKhz, long baseKhz, List<Long> explicit) {
        if (!explicit.isEmpty()) {
            return toArray(explicit);
        }
        int n = (int) ((baseKhz - minKhz) / stepKhz) + 1;
        long[] table = new long[n + (baseKhz < maxKhz ? 1 : 0)];
        for (int i = 0; i < n; i++) {
            table[i] = minKhz + i * stepKhz;
        }
        if (baseKhz < maxKhz) {
            table[n] = maxKhz;
        }
        return table;
    }

    /** The same machine with other CPU count and shared power (a policy slice); realism keys kept. */
    public NodeSpec withCpus(int newCpus, double newIdleWatts, double newUncoreWatts, double newDramWatts) {
        return new NodeSpec(newCpus, cpusPerPolicy, driver, minKhz, maxKhz, stepKhz, vminVolts, vmaxVolts,
                newIdleWatts, dynamicWattsPerCpu, stallActivity, newUncoreWatts, newDramWatts, memoryLatencyNs,
                raplMaxEnergyRangeUj, noise, initialGovernor, initialKhz, baseKhz, tableKhz, boostVolts,
                threadsPerCpu, runWaitNoise);
    }

    /** Whether maxKhz is a boost bin above base_frequency. */
    public boolean hasBoost() {
        return baseKhz < maxKhz;
    }

    /**
     * The default node: 8 CPUs in 4 two-CPU policies, 1.0-3.0 GHz in 100 MHz steps, about 125 W
     * package at full load, a counter that wraps every few minutes.
     */
    public static NodeSpec defaults() {
        return new NodeSpec(8, 2, DRIVER, 1_000_000, 3_000_000, 100_000, 0.75, 1.20, 20.0, 12.0, 0.35,
                8.0, 6.0, 90.0, 20_000_000_000L, 0.01, "performance", 3_000_000);
    }

    public int policyCount() {
        return cpus / cpusPerPolicy;
    }

    /** scaling_available_frequencies, ascending. */
    public long[] frequencyTable() {
        return buildTable(minKhz, maxKhz, stepKhz, baseKhz, tableKhz);
    }

    /**
     * V(f): linear between (minKhz, vmin) and (baseKhz, vmax); above baseKhz (a boost bin)
     * linear on to (maxKhz, boostVolts).
     */
    public double voltage(long khz) {
        if (khz > baseKhz) {
            double x = (double) (khz - baseKhz) / (maxKhz - baseKhz);
            return vmaxVolts + x * (boostVolts - vmaxVolts);
        }
        if (baseKhz == minKhz) {
            return vmaxVolts;
        }
        double x = (double) (khz - minKhz) / (baseKhz - minKhz);
        return vminVolts + x * (vmaxVolts - vminVolts);
    }

    /**
     * Maximum package power (every CPU busy at fmax, no stalls, intensity 1, full uncore): the
     * {@code powerReferenceWatts} of every record, like a real node's PL1.
     */
    public double referenceWatts() {
        if (hasBoost()) {
            return idleWatts + cpus * Physics.busyCpuWatts(this, maxKhz, 0, 1) + uncoreWatts;
        }
        return idleWatts + cpus * dynamicWattsPerCpu + uncoreWatts;
    }
}
