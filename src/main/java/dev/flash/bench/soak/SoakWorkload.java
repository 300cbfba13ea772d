package dev.flash.bench.soak;

import dev.flash.sim.SimulatedNode;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The load on the soak's machine: the simulated node runs the applications at the frequencies
 * the fake kernel shows, and its interval is written where the kernel would publish it, in the
 * formats flashd's real readers parse: {@code proc/stat} (USER_HZ ticks per CPU),
 * {@code proc/schedstat} (version 15: run time and run delay in ns, fields 7 and 8 of the cpu
 * lines) and a powercap package zone's {@code energy_uj}, which wraps at
 * {@code max_energy_range_uj}.
 *
 * <p>Faults: {@link #wrapEnergy()} moves the counter just below its wrap point (the next
 * intervals cross it), {@link #resetEnergy()} drops it to 0 as a package reset does; CPUs of
 * unplugged policies leave both proc files.
 */
final class SoakWorkload {
    static final String ZONE = "sys/class/powercap/intel-rapl:0";
    private static final double USER_HZ = 100;

    private final SoakKernel kernel;
    private final SimulatedNode sim;
    private final Path procStat;
    private final Path schedstat;
    private final Path energyFile;
    private final long maxRangeUj;
    private final double[] busyTicks;
    private final double[] idleTicks;
    private final double[] runNanos;
    private final double[] delayNanos;
    private double energyUj;
    private final StringBuilder text = new StringBuilder(4096);

    SoakWorkload(SoakKernel kernel, SimulatedNode sim) {
        this.kernel = kernel;
        this.sim = sim;
        Path root = kernel.root();
        this.procStat = root.resolve("proc/stat");
        this.schedstat = root.resolve("proc/schedstat");
        this.maxRangeUj = sim.maxEnergyRangeUj();
        Path zone = root.resolve(ZONE);
        SoakKernel.put(zone, "name", "package-0");
        SoakKernel.put(zone, "max_energy_range_uj", Long.toString(maxRangeUj));
        SoakKernel.put(zone, "constraint_0_power_limit_uw", "95000000");
        SoakKernel.put(zone, "constraint_0_name", "long_term");
        this.energyFile = zone.resolve("energy_uj");
        int n = kernel.cpus();
        busyTicks = new double[n];
        idleTicks = new double[n];
        runNanos = new double[n];
        delayNanos = new double[n];
        for (int c = 0; c < n; c++) {
            idleTicks[c] = 1_000_000 + 17 * c; // a machine that has been up a while
        }
        energyUj = maxRangeUj / 3.0;
        publish();
    }

    Path procStat() {
        return procStat;
    }

    Path schedstat() {
        return schedstat;
    }

    /**
     * Runs the simulated node for {@code seconds} at the fake kernel's frequencies and publishes
     * the interval; a stalled source publishes nothing (the counters stand still).
     */
    void advance(double seconds, boolean stalled) {
        List<Integer> ids = kernel.policyIds();
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i);
            if (kernel.present(id)) {
                long cur = kernel.curKhz(id);
                if (kernel.capping(id)) {
                    cur = busiest(i); // the hardware runs as fast as the cap lets a busy CPU
                    kernel.setCur(id, cur);
                    cur = kernel.curKhz(id);
                }
                if (cur > 0) {
                    sim.applyKhz(i, cur);
                }
            }
        }
        double joulesBefore = sim.energyUj("package-0");
        sim.advance(seconds);
        TelemetryRecord r = sim.sample();
        if (stalled) {
            return;
        }
        double[] util = r.cpuUtilization();
        for (int i = 0; i < ids.size() && i < r.policies().size(); i++) {
            PolicySample p = r.policies().get(i);
            double wait = Double.isNaN(p.runWaitShare()) ? 0 : p.runWaitShare();
            for (int c : kernel.cpusOf(ids.get(i))) {
                double u = c < util.length ? Math.max(0, Math.min(1, util[c])) : 0;
                busyTicks[c] += u * seconds * USER_HZ;
                idleTicks[c] += (1 - u) * seconds * USER_HZ;
                double ran = u * seconds * 1e9;
                runNanos[c] += ran;
                delayNanos[c] += wait < 1 ? ran * wait / (1 - wait) : ran;
            }
        }
        double added = sim.energyUj("package-0") - joulesBefore;
        if (added < 0) {
            added += maxRangeUj; // the simulator's own counter wrapped
        }
        energyUj += added;
        publish();
    }

    private long busiest(int simPolicy) {
        return sim.spec().maxKhz() - (simPolicy % 2) * sim.spec().stepKhz();
    }

    void wrapEnergy() {
        energyUj = maxRangeUj - 1_000_000;
    }

    void resetEnergy() {
        energyUj = 0;
    }

    private void publish() {
        while (energyUj >= maxRangeUj) {
            energyUj -= maxRangeUj;
        }
        writeStat();
        writeSchedstat();
        write(energyFile, Long.toString((long) energyUj) + "\n");
    }

    private void writeStat() {
        text.setLength(0);
        long busyAll = 0;
        long idleAll = 0;
        for (int c = 0; c < busyTicks.length; c++) {
            busyAll += (long) busyTicks[c];
            idleAll += (long) idleTicks[c];
        }
        text.append("cpu  ").append(busyAll).append(" 0 0 ").append(idleAll).append(" 0 0 0 0 0 0\n");
        for (int id : kernel.policyIds()) {
            if (!kernel.present(id)) {
                continue; // offline CPUs have no line
            }
            for (int c : kernel.cpusOf(id)) {
                text.append("cpu").append(c).append(' ').append((long) busyTicks[c]).append(" 0 0 ")
                        .append((long) idleTicks[c]).append(" 0 0 0 0 0 0\n");
            }
        }
        text.append("intr 0\nctxt 0\nbtime 1700000000\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n");
        write(procStat, text.toString());
    }

    private void writeSchedstat() {
        text.setLength(0);
        text.append("version 15\ntimestamp ").append((long) (sim.simulatedSeconds() * 250)).append('\n');
        for (int id : kernel.policyIds()) {
            if (!kernel.present(id)) {
                continue;
            }
            for (int c : kernel.cpusOf(id)) {
                long run = (long) runNanos[c];
                text.append("cpu").append(c).append(" 0 0 ").append(1000 + run / 400_000).append(" 0 0 0 ")
                        .append(run).append(' ').append((long) delayNanos[c]).append(' ')
                        .append(1000 + run / 400_000).append('\n');
            }
        }
        write(schedstat, text.toString());
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
