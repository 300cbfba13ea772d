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
        long initialKhz) {

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
        SpecException.inRangeOpen("step_mhz", stepKhz / 1000.0, 0, Math.max(1, (maxKhz - minKhz) / 1000.0));
        if ((maxKhz - minKhz) % stepKhz != 0) {
            throw new SpecException("step_mhz " + stepKhz / 1000 + " does not divide max_mhz - min_mhz "
                    + (maxKhz - minKhz) / 1000);
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
        if ((initialKhz - minKhz) % stepKhz != 0) {
            throw new SpecException("initial_mhz " + initialKhz / 1000.0 + " is not in the frequency table");
        }
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
        int n = (int) ((maxKhz - minKhz) / stepKhz) + 1;
        long[] table = new long[n];
        for (int i = 0; i < n; i++) {
            table[i] = minKhz + i * stepKhz;
        }
        return table;
    }

    /** V(f): linear between (minKhz, vmin) and (maxKhz, vmax). */
    public double voltage(long khz) {
        if (maxKhz == minKhz) {
            return vmaxVolts;
        }
        double x = (double) (khz - minKhz) / (maxKhz - minKhz);
        return vminVolts + x * (vmaxVolts - vminVolts);
    }

    /**
     * Maximum package power (every CPU busy at fmax, no stalls, intensity 1, full uncore): the
     * {@code powerReferenceWatts} of every record, like a real node's PL1.
     */
    public double referenceWatts() {
        return idleWatts + cpus * dynamicWattsPerCpu + uncoreWatts;
    }
}
