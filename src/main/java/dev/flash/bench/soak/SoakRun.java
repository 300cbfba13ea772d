package dev.flash.bench.soak;

import dev.flash.actuate.StateStore;
import dev.flash.actuate.linux.CpufreqActuator;
import dev.flash.cli.RestoreCommand;
import dev.flash.daemon.DaemonConfig;
import dev.flash.daemon.DaemonLog;
import dev.flash.daemon.DaemonStatus;
import dev.flash.daemon.DaemonWiring;
import dev.flash.daemon.FlashDaemon;
import dev.flash.daemon.Node;
import dev.flash.daemon.PolicyProvider;
import dev.flash.daemon.SdNotify;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.sysfs.SysfsException;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.linux.CpuLoadMeter;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.telemetry.linux.LinuxTelemetrySource;
import dev.flash.telemetry.linux.ProcStatTicks;
import dev.flash.telemetry.linux.RunQueueMeter;
import dev.flash.telemetry.perf.CounterMeter;
import dev.flash.telemetry.rapl.EnergyMeters;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import picocli.CommandLine;

/**
 * {@code flash bench soak}: flashd's loop for many ticks on a fake machine, with faults.
 *
 * <p>What runs is what {@code flash daemon} builds on a Linux node: {@link FlashDaemon} with the
 * models directory provider of {@link DaemonWiring}, a {@link LinuxTelemetrySource} (the cpufreq
 * reader, the {@code /proc/stat} and {@code /proc/schedstat} readers, the powercap meter) and a
 * {@link CpufreqActuator} with its {@link StateStore}. The machine under it is a
 * {@link SoakKernel} (cpufreq write semantics) whose load is the simulated node's
 * ({@link SoakWorkload}). The clock is injected and moves one period per tick: no sleeping, so
 * a simulated day takes minutes. The loop's {@code run()} only schedules {@code tick()} on the
 * wall clock, so the soak calls {@code tick()}.
 *
 * <p>Each tick a fault is injected with probability {@code faultRate}, its class drawn from the
 * mix by a seeded RNG. Checked all along: every frequency flashd asks the kernel for is inside
 * the hardware's range; no exception leaves the loop; after every {@code flash restore} (after a
 * SIGKILL, and after the last stop) every policy is as found, where "found" follows what others
 * did meanwhile (a replugged policy comes back with the kernel's defaults, another tool's setting
 * is that tool's); file descriptors, threads and the heap after GC are flat, first tenth against
 * last.
 */
public final class SoakRun {
    /** Size of the huge model (the valid model padded with zeros, sparse on disk). */
    public static final int HUGE_MODEL_MIB = 24;
    static final double FLAT_TOLERANCE = 0.05;
    private static final int MAX_EXAMPLES = 8;

    /**
     * @param ticks     loop iterations
     * @param seed      seeds the faults and the simulated load
     * @param faultRate probability of a fault in a tick
     * @param faults    the classes drawn from
     * @param workDir   where the fake machine, models and state live (created; the caller deletes it)
     * @param log       the daemon's log (silent for figures)
     */
    public record Settings(long ticks, long seed, double faultRate, Set<FaultClass> faults, Path workDir,
                           DaemonLog log) {
        public Settings {
            if (ticks < 10) {
                throw new IllegalArgumentException("a soak needs at least 10 ticks, got " + ticks);
            }
            if (!(faultRate >= 0 && faultRate <= 1)) {
                throw new IllegalArgumentException("fault rate must be in [0, 1], got " + faultRate);
            }
        }
    }

    /** Told after every tenth of the run (and may be called more often). */
    @FunctionalInterface
    public interface Progress {
        void at(long tick, long faults);
    }

    private final Settings settings;
    private final SplittableRandom rng;
    private final List<FaultClass> mix;
    private final Path root;
    private final Path models;
    private final Path stateDir;
    private final SoakKernel kernel;
    private final SoakWorkload workload;
    private final DaemonConfig config;
    private final byte[] validModel;
    private final long periodNanos;
    private long now = 1_000_000_000L;
    private long tick;

    // the daemon now running (null between a SIGKILL and the restart)
    private FlashDaemon daemon;
    private Node node;
    private CpufreqReader reader;
    private ProcStatTicks procStat;
    private PolicyProvider provider;

    // faults in progress
    private long stalledUntil = -1;
    private long frozenSourceNanos;
    private final Map<Integer, Long> replugAt = new HashMap<>();
    private Path badModel;
    private long badModelGoneAt;

    /**
     * What a policy may show after a restore: the settings found, as others changed them since.
     * A replug adds the kernel's defaults; the settings saved before it stay acceptable (flashd's
     * state file holds the operator's values, and a restore that writes them back onto the new
     * policy leaves none of flashd's own values behind). Anything else, a cap or the userspace
     * governor above all, is a CPU left changed.
     */
    private final Map<Integer, Set<SoakKernel.Settings>> expected = new TreeMap<>();
    private final Map<Integer, String> expectedWhy = new HashMap<>();

    private final SoakReport report = new SoakReport();

    private SoakRun(Settings s) throws IOException {
        this.settings = s;
        this.rng = new SplittableRandom(s.seed());
        this.mix = new ArrayList<>(s.faults());
        this.root = s.workDir().resolve("machine");
        this.models = s.workDir().resolve("models");
        this.stateDir = s.workDir().resolve("state");
        Files.createDirectories(models);
        SimSpec spec = SimSpec.embeddedDefault();
        SimulatedNode sim = spec.build(s.seed(), null);
        var n = spec.node();
        this.kernel = new SoakKernel(root, n.cpus(), n.cpusPerPolicy(), n.minKhz(), n.maxKhz(), n.stepKhz());
        foundAsAnOperatorLeftIt();
        this.workload = new SoakWorkload(kernel, sim);
        try (InputStream in = DaemonWiring.class.getResourceAsStream(DaemonWiring.BUILT_IN)) {
            if (in == null) {
                throw new IOException("no built-in model in this build (" + DaemonWiring.BUILT_IN + ")");
            }
            this.validModel = in.readAllBytes();
        }
        Files.write(models.resolve("dvfs-flash.onnx"), validModel);
        this.config = DaemonConfig.defaults().withSysfsRoot(root).withModelsDir(models).withStateDir(stateDir)
                .withSocket(s.workDir().resolve("flashd.sock")).withSimulate(DaemonConfig.Simulate.NEVER, "");
        this.periodNanos = config.periodNanos();
    }

    /** Runs the soak; the figures and the verdict are in the report. */
    public static SoakReport run(Settings settings, Progress progress) throws IOException {
        return new SoakRun(settings).soak(progress);
    }

    /** Not the kernel's defaults everywhere, so a restore that writes defaults is caught. */
    private void foundAsAnOperatorLeftIt() {
        long[] t = kernel.table();
        for (int id : kernel.policyIds()) {
            SoakKernel.Settings s = kernel.defaults(id);
            int k = id / Math.max(1, kernel.cpusOf(id).length);
            if (k % 4 == 2) {
                s = new SoakKernel.Settings("ondemand", t[2], t[t.length - 4]);
            } else if (k % 4 == 3) {
                s = new SoakKernel.Settings("performance", t[3], t[t.length - 2]);
            }
            kernel.configure(id, s);
            expected.put(id, new LinkedHashSet<>(Set.of(s)));
            expectedWhy.put(id, "as found at start");
        }
    }

    private SoakReport soak(Progress progress) throws IOException {
        long started = System.nanoTime();
        startDaemon();
        long tenth = Math.max(1, settings.ticks() / 10);
        for (long t = 1; t <= settings.ticks(); t++) {
            tick = t;
            now += periodNanos;
            endFaults(t);
            if (!mix.isEmpty() && rng.nextDouble() < settings.faultRate()) {
                inject(mix.get(rng.nextInt(mix.size())), t);
            }
            if (daemon == null) {
                restartAfterKill();
            }
            workload.advance(periodNanos / 1e9, t < stalledUntil);
            try {
                daemon.tick();
            } catch (Throwable e) { // the invariant: nothing escapes the loop
                report.uncaught(t, e);
            }
            if (t % tenth == 0) {
                // Sampled between two daemons: a running one holds more or fewer control files
                // by its state (acting, hands-off), which would blur a leak of a few descriptors.
                if (daemon != null) {
                    kill();
                }
                report.resources.add(ResourceProbe.sample());
                progress.at(t, report.totalFaults());
            }
        }
        lastStop();
        report.ticks = settings.ticks();
        report.seconds = (System.nanoTime() - started) / 1e9;
        report.simulatedSeconds = settings.ticks() * periodNanos / 1e9;
        report.limitViolations.addAll(kernel.limitViolations());
        report.kernelWrites = kernel.writes();
        report.seed = settings.seed();
        report.faultRate = settings.faultRate();
        report.mix.addAll(mix);
        report.cpus = kernel.cpus();
        report.policies = kernel.policyIds().size();
        return report;
    }

    // ---- the daemon's life -------------------------------------------------------------------

    private void startDaemon() {
        SysfsRoot sysfs = kernel.sysfs();
        reader = new CpufreqReader(sysfs);
        procStat = new ProcStatTicks(workload.procStat(), kernel.cpus());
        LinuxTelemetrySource source = new LinuxTelemetrySource(sysfs, reader::read, new CpuLoadMeter(procStat),
                CounterMeter.unavailable("no PMU in the soak"), EnergyMeters.detect(sysfs),
                new RunQueueMeter(workload.schedstat(), kernel.cpus()),
                () -> tick < stalledUntil ? frozenSourceNanos : now);
        CpufreqActuator actuator = new CpufreqActuator(sysfs, new StateStore(stateDir), false, reader); // as DaemonWiring
        node = new Node(source, actuator, false, "soak (" + reader.driverSummary() + ") under " + root);
        provider = DaemonWiring.policyProvider().open(config, node);
        daemon = new FlashDaemon(config, node, provider, FlashDaemon::defaultRecorder, settings.log(),
                new SdNotify(null), () -> now);
        report.daemonStarts++;
    }

    /** SIGKILL: the process and everything it held go; no shutdown hook, no restore. */
    private void kill() {
        report.addCounts(daemon.status().counts);
        try {
            node.source().close();
        } catch (Exception e) {
            report.uncaught(-1, e);
        }
        procStat.close();
        reader.close();
        provider.close();
        // The kernel closes a dead process's descriptors: the actuator's kept-open control files
        // go too (forget writes nothing, neither to sysfs nor to the state file).
        for (int id : kernel.policyIds()) {
            node.actuator().forget(id);
        }
        daemon = null;
        node = null;
    }

    /** What systemd does after the kill: ExecStopPost=flash restore, then a new start. */
    private void restartAfterKill() {
        int code = restoreCommand();
        if (code == 0) {
            check("after a SIGKILL and `flash restore`");
        }
        startDaemon();
    }

    /** The last stop: a clean one, the unit's `flash restore` after it; faults over first. */
    private void lastStop() {
        kernel.clearFaults();
        for (int id : new ArrayList<>(replugAt.keySet())) {
            replug(id);
        }
        removeBadModel();
        stalledUntil = -1;
        if (daemon == null) {
            restartAfterKill();
        }
        report.addCounts(daemon.status().counts);
        daemon.shutdown();
        reader.close();
        procStat.close();
        report.leftChangedByStop = changedCpus(null);
        report.lastRestoreExit = restoreCommand();
        report.cpusLeftChanged = changedCpus(report.finalDifferences);
        report.resources.add(ResourceProbe.sample());
    }

    /** The RestoreCommand itself, through picocli, as the unit runs it. */
    private int restoreCommand() {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new RestoreCommand(p -> new SysfsRoot(p).withWriter(kernel)));
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(out));
        int code = cmd.execute("--state-dir", stateDir.toString());
        report.restores.merge(code, 1L, Long::sum);
        if (code != 0) {
            String said = out.toString().strip().replace(root + "/", "").replaceAll("\\s*\\n\\s*", " | ");
            report.example(report.restoreFailures, "exit " + code + ": " + said);
        }
        return code;
    }

    private void check(String when) {
        List<String> diffs = new ArrayList<>();
        int changed = changedCpus(diffs);
        if (changed > 0) {
            report.cpusChangedAfterRestores += changed;
            for (String d : diffs) {
                report.example(report.restoreDifferences, when + ": " + d);
            }
        }
        report.restoresChecked++;
    }

    /** CPUs whose policy's settings differ from what is expected; the differences go to {@code out}. */
    private int changedCpus(List<String> out) {
        int cpus = 0;
        for (Map.Entry<Integer, Set<SoakKernel.Settings>> e : expected.entrySet()) {
            int id = e.getKey();
            if (!kernel.present(id)) {
                continue;
            }
            SoakKernel.Settings found = kernel.settings(id);
            if (!e.getValue().contains(found)) {
                cpus += kernel.cpusOf(id).length;
                if (out != null && out.size() < MAX_EXAMPLES) {
                    out.add("policy" + id + ": " + found + "; expected " + e.getValue() + " ("
                            + expectedWhy.get(id) + ")");
                }
            }
        }
        return cpus;
    }

    // ---- faults ------------------------------------------------------------------------------

    private void inject(FaultClass f, long tick) {
        List<Integer> ids = kernel.policyIds();
        int id = ids.get(rng.nextInt(ids.size()));
        boolean done = switch (f) {
            case WRITE_EIO -> failWrite(id, "EIO");
            case WRITE_EBUSY -> failWrite(id, "EBUSY");
            case WRITE_EINVAL -> failWrite(id, "EINVAL");
            case UNPLUG -> unplug(id, tick);
            case MODEL_CORRUPT, MODEL_HUGE, MODEL_HALF -> dropModel(f, tick);
            case TELEMETRY_STALL -> stall(tick);
            case RAPL_WRAP -> {
                workload.wrapEnergy();
                yield true;
            }
            case RAPL_RESET -> {
                workload.resetEnergy();
                yield true;
            }
            case FOREIGN_GOVERNOR -> foreignGovernor(id, tick);
            case FOREIGN_LIMIT -> foreignLimit(id, tick);
            case SIGKILL -> {
                if (daemon == null) {
                    yield false;
                }
                kill();
                yield true;
            }
        };
        if (done) {
            report.faults.merge(f, 1L, Long::sum);
        }
    }

    private boolean failWrite(int id, String errno) {
        if (!kernel.present(id)) {
            return false;
        }
        String file = kernel.capping(id) ? "scaling_max_freq"
                : rng.nextInt(4) == 0 ? "scaling_governor" : "scaling_setspeed";
        kernel.failNextWrite(id, file, errno);
        return true;
    }

    private boolean unplug(int id, long tick) {
        if (!kernel.present(id) || replugAt.size() + 1 >= kernel.policyIds().size()) {
            return false; // keep one policy: a node with no CPUs is not a node
        }
        kernel.unplug(id);
        replugAt.put(id, tick + 2 + rng.nextInt(30));
        return true;
    }

    private void replug(int id) {
        kernel.replug(id);
        replugAt.remove(id);
        expected.get(id).add(kernel.defaults(id));
        expectedWhy.put(id, "replugged: the kernel's defaults or the settings saved before");
    }

    private boolean dropModel(FaultClass f, long tick) {
        if (badModel != null) {
            return false;
        }
        // newer than the valid model, so the directory looks at it first
        badModel = models.resolve("dvfs-" + f.key() + "-" + tick + ".onnx");
        try {
            switch (f) {
                case MODEL_CORRUPT -> {
                    byte[] junk = new byte[1 + rng.nextInt(64 * 1024)];
                    rng.nextBytes(junk);
                    Files.write(badModel, junk);
                }
                case MODEL_HALF -> Files.write(badModel,
                        java.util.Arrays.copyOf(validModel, 1 + rng.nextInt(validModel.length - 1)));
                default -> {
                    Files.write(badModel, validModel);
                    try (RandomAccessFile raf = new RandomAccessFile(badModel.toFile(), "rw")) {
                        raf.setLength(HUGE_MODEL_MIB * 1024L * 1024L);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        badModelGoneAt = tick + 5 + rng.nextInt(40);
        return true;
    }

    private void removeBadModel() {
        if (badModel != null) {
            try {
                Files.deleteIfExists(badModel);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            badModel = null;
        }
    }

    private boolean stall(long tick) {
        if (tick < stalledUntil) {
            return false;
        }
        stalledUntil = tick + 1 + rng.nextInt(2 * config.staleAfterPeriods() + 2);
        frozenSourceNanos = now;
        return true;
    }

    private boolean foreignGovernor(int id, long tick) {
        if (!kernel.present(id)) {
            return false;
        }
        List<String> choices = new ArrayList<>(kernel.governors(id));
        choices.remove("userspace"); // a tool that takes userspace would be another flashd
        choices.remove(kernel.settings(id).governor());
        String g = choices.get(rng.nextInt(choices.size()));
        return foreign(id, "scaling_governor", g, tick);
    }

    private boolean foreignLimit(int id, long tick) {
        if (!kernel.present(id)) {
            return false;
        }
        long[] t = kernel.table();
        long max = t[t.length / 2 + rng.nextInt(t.length - t.length / 2)];
        return foreign(id, "scaling_max_freq", Long.toString(max), tick);
    }

    private boolean foreign(int id, String file, String value, long tick) {
        try {
            kernel.foreignWrite(id, file, value);
        } catch (SysfsException e) {
            return false;
        }
        SoakKernel.Settings s = kernel.settings(id);
        // the tool's setting is the new intent; the rest stays what it was
        Set<SoakKernel.Settings> next = new LinkedHashSet<>();
        for (SoakKernel.Settings was : expected.get(id)) {
            next.add(file.equals("scaling_governor")
                    ? new SoakKernel.Settings(s.governor(), was.minKhz(), was.maxKhz())
                    : new SoakKernel.Settings(was.governor(), Math.min(was.minKhz(), s.maxKhz()), s.maxKhz()));
        }
        expected.put(id, next);
        expectedWhy.put(id, "another tool set " + file + "=" + value + " at tick " + tick);
        return true;
    }

    private void endFaults(long tick) {
        for (Map.Entry<Integer, Long> e : new ArrayList<>(replugAt.entrySet())) {
            if (tick >= e.getValue()) {
                replug(e.getKey());
            }
        }
        if (badModel != null && tick >= badModelGoneAt) {
            removeBadModel();
        }
        if (stalledUntil >= 0 && tick >= stalledUntil) {
            stalledUntil = -1;
        }
    }

    /** Counters of one daemon's life, summed over restarts. */
    static DaemonStatus.Counts sum(DaemonStatus.Counts a, DaemonStatus.Counts b) {
        DaemonStatus.Counts c = new DaemonStatus.Counts();
        c.decisions = a.decisions + b.decisions;
        c.modelDecisions = a.modelDecisions + b.modelDecisions;
        c.fallbackDecisions = a.fallbackDecisions + b.fallbackDecisions;
        c.fallbacks = a.fallbacks + b.fallbacks;
        c.handsOff = a.handsOff + b.handsOff;
        c.telemetryFailures = a.telemetryFailures + b.telemetryFailures;
        c.writeErrors = a.writeErrors + b.writeErrors;
        return c;
    }

    static Map<FaultClass, Long> emptyCounts() {
        return new EnumMap<>(FaultClass.class);
    }
}
