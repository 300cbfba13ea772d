package dev.flash.sim;

import dev.flash.actuate.FrequencyActuator;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.PowerZoneSample;
import dev.flash.telemetry.SignalGroups;
import dev.flash.telemetry.TelemetryRecord;
import dev.flash.telemetry.TelemetrySource;
import dev.flash.telemetry.UtilizationHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * A simulated node: the daemon's stand-in for a machine without cpufreq and the DVFS training
 * environment. It emits the same {@link TelemetryRecord} a Linux node does (policies with driver,
 * governors and frequency table, per-CPU utilization, IPC/MPKI/IPS counters, RAPL-like package
 * and DRAM zones whose microjoule counters wrap) and takes frequencies through
 * {@link #actuator()}.
 *
 * <p>Two ways to drive time. Training: {@link #advance(double)} then {@link #sample()}; the record
 * covers the simulated time advanced since the previous sample. Daemon: construct with a clock;
 * each {@link #sample()} first advances by the clock time elapsed since the previous sample,
 * multiplied by the time scale.
 *
 * <p>Ground truth only the simulator knows ({@link #lastInterval(int)},
 * {@link #oracleKhz(int, double)}) is for evaluation and training; it never enters a record.
 *
 * <p>Methods are synchronized: the daemon's loop samples and applies from one thread, while its
 * status server may read; uncontended locks cost nothing next to the physics.
 */
public final class SimulatedNode implements TelemetrySource {

    private static final double EPS = 1e-9;

    private final NodeSpec node;
    private final long[] table;
    private final double latencyCyclesAtFmax;
    private final long seed;
    private final SplittableRandom rng;
    /** Run-wait noise has its own stream: switching it on must not move any other figure. */
    private final SplittableRandom waitRng;
    private final LongSupplier nanoClock;
    private final double timeScale;
    private final long epochBaseMillis;
    private final PolicyState[] policies;
    private final EnergyZone packageZone;
    private final EnergyZone dramZone;
    private final SimulatedActuator actuator;
    private final UtilizationHistory history = new UtilizationHistory();
    private String description;

    private double simSeconds;
    /** Signal groups reported unavailable ({@link #dropSignals}); none by default. */
    private Set<String> dropped = Set.of();
    private String droppedReason = "";
    private double lastSampleSeconds;
    private long lastClockNanos;

    // Demo rotation: every rotationSeconds the next application starts on every policy.
    private List<AppSpec> rotation = List.of();
    private double rotationSeconds;
    private boolean rotationStaggered;
    private int rotationIndex;
    private double nextRotationAt = Double.POSITIVE_INFINITY;

    /** A node driven by {@link #advance(double)} (training, tests). */
    public SimulatedNode(NodeSpec node, List<AppSpec> appsPerPolicyOrOneApp, long seed) {
        this(node, appsPerPolicyOrOneApp, seed, null, 1.0);
    }

    /**
     * A node driven by a clock (daemon): each {@link #sample()} advances the simulation by the
     * clock's elapsed nanoseconds times {@code timeScale}. Pass {@code System::nanoTime} and 1.0
     * for real time.
     */
    public SimulatedNode(NodeSpec node, List<AppSpec> appsPerPolicyOrOneApp, long seed,
            LongSupplier nanoClock, double timeScale) {
        if (appsPerPolicyOrOneApp == null || appsPerPolicyOrOneApp.isEmpty()) {
            throw new IllegalArgumentException("simulated node needs at least one application");
        }
        int n = node.policyCount();
        if (appsPerPolicyOrOneApp.size() != 1 && appsPerPolicyOrOneApp.size() != n) {
            throw new IllegalArgumentException("simulated node has " + n + " policies but got "
                    + appsPerPolicyOrOneApp.size() + " applications (give 1 or " + n + ")");
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("time scale must be positive, got " + timeScale);
        }
        this.node = node;
        this.table = node.frequencyTable();
        this.latencyCyclesAtFmax = node.memoryLatencyNs() * node.maxKhz() / 1e6;
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
        this.waitRng = new SplittableRandom(seed ^ 0x5EED_3A17_0000_0000L);
        this.nanoClock = nanoClock;
        this.timeScale = timeScale;
        this.epochBaseMillis = System.currentTimeMillis();
        this.lastClockNanos = nanoClock == null ? 0 : nanoClock.getAsLong();
        this.policies = new PolicyState[n];
        for (int i = 0; i < n; i++) {
            int[] cpus = new int[node.cpusPerPolicy()];
            for (int c = 0; c < cpus.length; c++) {
                cpus[c] = i * node.cpusPerPolicy() + c;
            }
            AppSpec app = appsPerPolicyOrOneApp.get(appsPerPolicyOrOneApp.size() == 1 ? 0 : i);
            policies[i] = new PolicyState(i, cpus, app, node.initialKhz(), node.initialGovernor());
        }
        this.packageZone = new EnergyZone("package-0", "sim:intel-rapl:0", node.raplMaxEnergyRangeUj());
        this.dramZone = new EnergyZone("dram", "sim:intel-rapl:0:0", node.raplMaxEnergyRangeUj());
        this.actuator = new SimulatedActuator(this);
        this.description = "simulated (" + node.cpus() + " CPUs, " + n + " policies, " + node.driver() + ")";
    }

    // ---------------------------------------------------------------- configuration

    public NodeSpec spec() {
        return node;
    }

    public int policyCount() {
        return policies.length;
    }

    /**
     * The seed the node was built with. A node built with the same spec, applications and seed
     * and driven through the same sample/advance sequence draws the same load noise whatever
     * clocks it runs at (no draw depends on the frequency), so a clairvoyant planner can replay
     * an evaluation run at every clock ({@code dev.flash.sim.governors.OptimalOraclePlan}).
     */
    public long seed() {
        return seed;
    }

    public long[] frequencyTable() {
        return table.clone();
    }

    /** The label {@link #describe()} returns, e.g. "simulated (spec.toml)". */
    public synchronized void setDescription(String description) {
        this.description = description;
    }

    /** Switches the application running on one policy; it starts at its first phase. */
    public synchronized void setApplication(int policyId, AppSpec app) {
        PolicyState p = policy(policyId);
        p.app = app;
        p.phaseIndex = 0;
        p.secondsIntoPhase = 0;
    }

    /**
     * Demo mode: every {@code everySeconds} of simulated time the next application of
     * {@code apps} starts (on every policy, or on policy i the (k+i)-th one when staggered).
     * The first one starts now. {@code everySeconds <= 0} switches rotation off.
     */
    public synchronized void rotate(List<AppSpec> apps, double everySeconds, boolean staggered) {
        if (apps.isEmpty() || everySeconds <= 0) {
            rotation = List.of();
            nextRotationAt = Double.POSITIVE_INFINITY;
            return;
        }
        rotation = List.copyOf(apps);
        rotationSeconds = everySeconds;
        rotationStaggered = staggered;
        rotationIndex = 0;
        startRotationSlot();
        nextRotationAt = simSeconds + everySeconds;
    }

    private void startRotationSlot() {
        for (PolicyState p : policies) {
            int k = rotationIndex + (rotationStaggered ? p.id : 0);
            setApplication(p.id, rotation.get(Math.floorMod(k, rotation.size())));
        }
    }

    // ---------------------------------------------------------------- actuation

    /** Act on this node: mode SETSPEED, snaps to the table; {@code restore()} returns to the start. */
    public FrequencyActuator actuator() {
        return actuator;
    }

    /**
     * Shortcut for {@code actuator().apply(record.policy(id), targetKhz)} when no record is at
     * hand (the trainer): clamps, snaps to the nearest table entry, attaches userspace.
     */
    public long applyKhz(int policyId, long targetKhz) {
        policy(policyId);
        return actuator.applyKhz(policyId, targetKhz);
    }

    long[] tableRef() {
        return table;
    }

    /** Frequency a policy runs at now, in kHz. */
    public synchronized long curKhz(int policyId) {
        return policy(policyId).curKhz;
    }

    public synchronized String governor(int policyId) {
        return policy(policyId).governor;
    }

    synchronized void setFrequency(int policyId, long khz, String governor) {
        PolicyState p = policy(policyId);
        p.curKhz = khz;
        p.governor = governor;
    }

    // ---------------------------------------------------------------- time

    /** Simulated seconds since construction. */
    public synchronized double simulatedSeconds() {
        return simSeconds;
    }

    /** Runs the node for {@code seconds} of simulated time at the current frequencies. */
    public synchronized void advance(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("advance needs a finite non-negative time, got " + seconds);
        }
        double remaining = seconds;
        while (remaining > EPS) {
            double step = Math.min(remaining, nextRotationAt - simSeconds);
            if (step > EPS) {
                step(step);
                remaining -= step;
            }
            if (simSeconds >= nextRotationAt - EPS) {
                rotationIndex++;
                startRotationSlot();
                nextRotationAt += rotationSeconds;
            }
        }
    }

    private void step(double dt) {
        double packageJoules = node.idleWatts() * dt;
        double dramJoules = 0;
        double staticShare = packageJoules / policies.length;
        for (PolicyState p : policies) {
            p.energyJoules += staticShare;
            p.energyAtFmaxJoules += staticShare;
            double[] pkgDram = integrate(p, dt);
            packageJoules += pkgDram[0];
            dramJoules += pkgDram[1];
        }
        // Measurement noise on what the counters see; ground truth stays exact.
        packageZone.add(packageJoules * (1 + node.noise() * rng.nextGaussian()));
        dramZone.add(dramJoules * (1 + node.noise() * rng.nextGaussian()));
        simSeconds += dt;
    }

    /** Advances one policy's application by dt; returns {package joules, dram joules} it added. */
    private double[] integrate(PolicyState p, double dt) {
        double pkg = 0;
        double dram = 0;
        double remaining = dt;
        double fRatio = (double) p.curKhz / node.maxKhz();
        double fHz = p.curKhz * 1000.0;
        int n = p.cpus.length;
        while (remaining > EPS) {
            Phase phase = p.app.phases().get(p.phaseIndex);
            double seg = Math.min(remaining, phase.durationSeconds() - p.secondsIntoPhase);
            double load = phase.loadAt(p.secondsIntoPhase + seg / 2);
            if (phase.loadNoise() > 0) {
                load *= 1 + phase.loadNoise() * rng.nextGaussian();
            }
            load = Math.max(0.001, load);
            double m = phase.memoryBoundness();
            HiddenParams h = p.app.hidden();
            int k = Physics.activeCpus(phase.parallelism(), n);
            double u = Physics.utilization(load, m, fRatio);
            double th = Physics.throughput(load, m, fRatio);

            double instructions = k * th * node.maxKhz() * 1000.0 * h.baseIpc() * (1 - m) * seg;
            p.instructions += instructions;
            p.cycles += k * u * fHz * seg;
            p.misses += instructions * Physics.mpki(m, h, latencyCyclesAtFmax) / 1000;
            for (int c = 0; c < k; c++) {
                p.busySeconds[c] += u * seg;
            }
            p.runSeconds += k * u * seg;
            p.waitSeconds += k * Physics.runQueueWait(load, m, fRatio, node.threadsPerCpu()) * seg;
            p.work += k * th * seg;
            p.workAtFmax += k * Math.min(load, 1) * seg;

            double core = k * u * Physics.busyCpuWatts(node, p.curKhz, m, h.powerIntensity()) * seg;
            double traffic = k * th * m / node.cpus() * seg;
            double uncore = node.uncoreWatts() * traffic;
            double dramJ = node.dramWatts() * traffic;
            pkg += core + uncore;
            dram += dramJ;
            p.energyJoules += core + uncore + dramJ;
            // Counterfactual: the same load over the same time at fmax (the performance governor).
            double coreMax = k * Physics.utilization(load, m, 1.0)
                    * Physics.busyCpuWatts(node, node.maxKhz(), m, h.powerIntensity()) * seg;
            double trafficMax = k * Physics.throughput(load, m, 1.0) * m / node.cpus() * seg;
            p.energyAtFmaxJoules += coreMax + (node.uncoreWatts() + node.dramWatts()) * trafficMax;

            p.secondsIntoPhase += seg;
            remaining -= seg;
            if (p.secondsIntoPhase >= phase.durationSeconds() - EPS) {
                p.phaseIndex = (p.phaseIndex + 1) % p.app.phases().size();
                p.secondsIntoPhase = 0;
            }
        }
        return new double[] {pkg, dram};
    }

    // ---------------------------------------------------------------- sensing

    @Override
    public synchronized String describe() {
        return description;
    }

    /**
     * One record covering the simulated time since the previous sample (since construction for
     * the first). With a clock, first advances by the elapsed clock time. A zero-length interval
     * reports the current state's instantaneous values and NaN watts, as a Linux node's first
     * tick does.
     */
    @Override
    public synchronized TelemetryRecord sample() {
        if (nanoClock != null) {
            long now = nanoClock.getAsLong();
            double elapsed = Math.max(0, (now - lastClockNanos) * 1e-9 * timeScale);
            lastClockNanos = now;
            advance(elapsed);
        }
        double interval = simSeconds - lastSampleSeconds;
        boolean empty = interval <= EPS;
        double[] cpuUtil = new double[node.cpus()];
        List<PolicySample> samples = new ArrayList<>(policies.length);
        for (PolicyState p : policies) {
            PolicySample sample = empty ? instantSample(p, cpuUtil) : intervalSample(p, interval, cpuUtil);
            samples.add(history.update(sample, cpuUtil, empty ? 0 : interval));
            p.last = new IntervalTruth(p.id, empty ? 0 : interval, p.work, p.workAtFmax, p.energyJoules,
                    p.app.name(), p.phaseIndex, p.energyAtFmaxJoules);
            p.resetInterval();
        }
        List<PowerZoneSample> zones = List.of(packageZone.read(interval, empty), dramZone.read(interval, empty));
        lastSampleSeconds = simSeconds;
        long nanos = Math.round(simSeconds * 1e9);
        return SignalGroups.without(new TelemetryRecord(nanos, epochBaseMillis + Math.round(simSeconds * 1000),
                empty ? 0 : interval, List.copyOf(samples), cpuUtil, zones,
                node.referenceWatts(), Map.of()), dropped, droppedReason);
    }

    /**
     * From the next sample on, reports the signal {@code groups} ({@link SignalGroups#DROPPABLE})
     * the way a real node without them does: NaN readings, no power zones, each named in
     * {@link TelemetryRecord#unavailable()} with {@code reason}; an empty set gives them back.
     * The node's physics and ground truth are unchanged: only what it reports.
     */
    public synchronized void dropSignals(Set<String> groups, String reason) {
        if (!SignalGroups.DROPPABLE.containsAll(groups)) {
            throw new IllegalArgumentException("only " + SignalGroups.DROPPABLE + " can be dropped, not " + groups);
        }
        dropped = Set.copyOf(groups);
        droppedReason = reason;
    }

    private PolicySample intervalSample(PolicyState p, double interval, double[] cpuUtil) {
        double busy = 0;
        for (int c = 0; c < p.cpus.length; c++) {
            double u = Math.min(1, p.busySeconds[c] / interval);
            cpuUtil[p.cpus[c]] = u;
            busy += u;
        }
        double util = busy / p.cpus.length;
        double ipc = p.cycles > 0 ? p.instructions / p.cycles * noise() : 0;
        double mpki = p.instructions > 0 ? p.misses / p.instructions * 1000 * noise() : 0;
        double ips = p.instructions / interval * noise();
        // schedstat's run_delay is exact accounting, not a sampled counter: no measurement noise
        // (and no draw from the noise stream, which every other figure of the node shares).
        double runnable = p.runSeconds + p.waitSeconds;
        double wait = runnable > 0 ? p.waitSeconds / runnable : 0;
        if (node.runWaitNoise() > 0) {
            wait = Math.max(0, Math.min(1, wait + node.runWaitNoise() * waitRng.nextGaussian()));
        }
        return policySample(p, util, ipc, mpki, ips, wait);
    }

    /** Instantaneous values at nominal load (no time has passed to measure anything). */
    private PolicySample instantSample(PolicyState p, double[] cpuUtil) {
        Phase phase = p.app.phases().get(p.phaseIndex);
        HiddenParams h = p.app.hidden();
        double m = phase.memoryBoundness();
        double fRatio = (double) p.curKhz / node.maxKhz();
        double load = phase.loadAt(p.secondsIntoPhase);
        int k = Physics.activeCpus(phase.parallelism(), p.cpus.length);
        double u = Physics.utilization(load, m, fRatio);
        for (int c = 0; c < p.cpus.length; c++) {
            cpuUtil[p.cpus[c]] = c < k ? u : 0;
        }
        double ips = k * Physics.throughput(load, m, fRatio) * node.maxKhz() * 1000.0 * h.baseIpc() * (1 - m);
        return policySample(p, k * u / p.cpus.length, Physics.ipc(h.baseIpc(), m, fRatio),
                Physics.mpki(m, h, latencyCyclesAtFmax), ips, Physics.runWaitShare(load, m, fRatio, node.threadsPerCpu()));
    }

    private PolicySample policySample(PolicyState p, double util, double ipc, double mpki, double ips, double wait) {
        return new PolicySample(p.id, p.cpus, node.driver(), p.governor, NodeSpec.GOVERNORS,
                node.minKhz(), node.maxKhz(), node.minKhz(), node.maxKhz(), p.curKhz, table,
                util, ipc, mpki, ips, Double.NaN, Double.NaN, wait);
    }

    private double noise() {
        return node.noise() == 0 ? 1 : 1 + node.noise() * rng.nextGaussian();
    }

    /** Raw energy_uj of a zone ("package-0" or "dram"), as a powercap reader would see it. */
    public synchronized long energyUj(String zone) {
        return zone(zone).rawUj();
    }

    /** max_energy_range_uj of the zones. */
    public long maxEnergyRangeUj() {
        return node.raplMaxEnergyRangeUj();
    }

    private EnergyZone zone(String name) {
        if (packageZone.name.equals(name)) {
            return packageZone;
        }
        if (dramZone.name.equals(name)) {
            return dramZone;
        }
        throw new IllegalArgumentException("no energy zone '" + name + "' (package-0, dram)");
    }

    // ---------------------------------------------------------------- ground truth

    /** Ground truth of the interval covered by the last {@link #sample()} (zeros before it). */
    public synchronized IntervalTruth lastInterval(int policyId) {
        PolicyState p = policy(policyId);
        return p.last != null ? p.last : new IntervalTruth(policyId, 0, 0, 0, 0, p.app.name(), p.phaseIndex, 0);
    }

    public synchronized AppSpec application(int policyId) {
        return policy(policyId).app;
    }

    public synchronized int phaseIndex(int policyId) {
        return policy(policyId).phaseIndex;
    }

    /** Seconds the policy's application has spent in its current phase (hidden state). */
    public synchronized double secondsIntoPhase(int policyId) {
        return policy(policyId).secondsIntoPhase;
    }

    public synchronized Phase currentPhase(int policyId) {
        PolicyState p = policy(policyId);
        return p.app.phases().get(p.phaseIndex);
    }

    /**
     * The project's oracle: the lowest table frequency whose expected slowdown over the coming
     * {@link #ORACLE_HORIZON_SECONDS} stays within {@code slowdownBudget}, counting every phase
     * segment of that second (a phase that starts inside it included), each weighted by the work
     * it asks for. Per segment the load is the highest its sine reaches there and the work its
     * per-interval load noise loses in bursts is counted ({@link Physics#expectedSlowdown}).
     * Power falls with frequency at fixed work, so this is also the least-energy frequency that
     * keeps this second within the budget. It knows the phases, where each sine stands and each
     * noise level, not the next draw.
     */
    public synchronized long oracleKhz(int policyId, double slowdownBudget) {
        PolicyState p = policy(policyId);
        int phaseIndex = p.phaseIndex;
        double into = p.secondsIntoPhase;
        // Segments of the coming second: peak load, noise, memory-boundness, seconds.
        List<double[]> segments = new ArrayList<>(2);
        double left = ORACLE_HORIZON_SECONDS;
        while (left > EPS) {
            Phase phase = p.app.phases().get(phaseIndex);
            double span = Math.min(left, phase.durationSeconds() - into);
            segments.add(new double[] {phase.peakLoadBetween(into, into + span), phase.loadNoise(),
                phase.memoryBoundness(), span});
            left -= span;
            phaseIndex = (phaseIndex + 1) % p.app.phases().size();
            into = 0;
        }
        for (long f : table) {
            double lost = 0;
            double work = 0;
            for (double[] s : segments) {
                double asked = Math.min(s[0], 1) * s[3];
                lost += asked * Physics.expectedSlowdown(s[0], s[1], s[2], (double) f / node.maxKhz());
                work += asked;
            }
            if (work <= 0 || lost / work <= slowdownBudget + 1e-12) {
                return f;
            }
        }
        return table[table.length - 1];
    }

    /**
     * The oracle this project used before 2026-12-07 (kept as the reference {@code oracle-phase}
     * so old figures can be set beside new ones): the lowest table frequency whose slowdown in the
     * policy's <em>current</em> phase stays within {@code slowdownBudget} up to the end of that
     * phase or of the coming second. It never sees a phase that starts inside the coming second,
     * so after a quiet phase it meets a burst at the quiet clock and can break the budget itself
     * (31/40 and 28/40 applications in budget on foreign-apps-3 and -4).
     */
    public synchronized long currentPhaseOracleKhz(int policyId, double slowdownBudget) {
        PolicyState p = policy(policyId);
        Phase phase = p.app.phases().get(p.phaseIndex);
        double to = Math.min(p.secondsIntoPhase + ORACLE_HORIZON_SECONDS, phase.durationSeconds());
        double load = phase.peakLoadBetween(p.secondsIntoPhase, to);
        for (long f : table) {
            double s = Physics.expectedSlowdown(load, phase.loadNoise(), phase.memoryBoundness(),
                    (double) f / node.maxKhz());
            if (s <= slowdownBudget + 1e-12) {
                return f;
            }
        }
        return table[table.length - 1];
    }

    /** The oracle decides once per second, as the agents and governors do. */
    public static final double ORACLE_HORIZON_SECONDS = 1.0;

    private PolicyState policy(int id) {
        if (id < 0 || id >= policies.length) {
            throw new IllegalArgumentException("no policy " + id + " (node has " + policies.length + ")");
        }
        return policies[id];
    }

    boolean hasPolicy(int id) {
        return id >= 0 && id < policies.length;
    }

    // ---------------------------------------------------------------- state

    private static final class PolicyState {
        final int id;
        final int[] cpus;
        AppSpec app;
        int phaseIndex;
        double secondsIntoPhase;
        long curKhz;
        String governor;
        // Accumulated since the last sample.
        final double[] busySeconds;
        double instructions;
        double cycles;
        double misses;
        /** CPU-seconds the application's tasks ran, and waited runnable for a CPU (run queue), this interval. */
        double runSeconds;
        double waitSeconds;
        double work;
        double workAtFmax;
        double energyJoules;
        double energyAtFmaxJoules;
        IntervalTruth last;

        PolicyState(int id, int[] cpus, AppSpec app, long khz, String governor) {
            this.id = id;
            this.cpus = cpus;
            this.app = app;
            this.curKhz = khz;
            this.governor = governor;
            this.busySeconds = new double[cpus.length];
        }

        void resetInterval() {
            java.util.Arrays.fill(busySeconds, 0);
            instructions = 0;
            cycles = 0;
            misses = 0;
            runSeconds = 0;
            waitSeconds = 0;
            work = 0;
            workAtFmax = 0;
            energyJoules = 0;
            energyAtFmaxJoules = 0;
        }
    }

    /**
     * A RAPL-like zone: a microjoule counter that wraps at max_energy_range_uj, read back and
     * unfolded exactly the way the Linux powercap reader does (a decrease means one wrap).
     */
    private static final class EnergyZone {
        final String name;
        final String path;
        final long rangeUj;
        double counterUj;          // the hardware counter, fractional part kept
        double sinceReadUj;        // what the counter advanced since the last read (for whole wraps)
        long lastReadUj;
        double joulesTotal;

        EnergyZone(String name, String path, long rangeUj) {
            this.name = name;
            this.path = path;
            this.rangeUj = rangeUj;
        }

        void add(double joules) {
            double uj = Math.max(0, joules) * 1e6;
            counterUj += uj;
            sinceReadUj += uj;
            if (counterUj >= rangeUj) {
                counterUj %= rangeUj;
            }
        }

        long rawUj() {
            return (long) counterUj;
        }

        PowerZoneSample read(double interval, boolean empty) {
            long now = rawUj();
            long delta = now >= lastReadUj ? now - lastReadUj : rangeUj - lastReadUj + now;
            // A real reader cannot see wraps beyond one per read; the simulator knows how far the
            // counter went and adds the whole extra ranges so long intervals stay correct.
            long extraWraps = (long) Math.floor(sinceReadUj / rangeUj);
            if (delta + extraWraps * rangeUj > sinceReadUj + 1) {
                extraWraps = Math.max(0, extraWraps - 1);
            }
            double joules = (delta + (double) extraWraps * rangeUj) / 1e6;
            joulesTotal += joules;
            lastReadUj = now;
            sinceReadUj = 0;
            double watts = empty ? Double.NaN : joules / interval;
            return new PowerZoneSample(name, path, joulesTotal, watts);
        }
    }
}
