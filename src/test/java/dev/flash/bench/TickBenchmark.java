package dev.flash.bench;

import dev.flash.actuate.ActuationException;
import dev.flash.actuate.StateStore;
import dev.flash.actuate.linux.CpufreqActuator;
import dev.flash.daemon.DaemonConfig;
import dev.flash.daemon.DaemonLog;
import dev.flash.daemon.FlashDaemon;
import dev.flash.daemon.MetricsExporter;
import dev.flash.daemon.Node;
import dev.flash.daemon.PolicyProvider;
import dev.flash.daemon.SdNotify;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.policy.DecisionException;
import dev.flash.policy.FallbackController;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryBuffer;
import dev.flash.policy.TrajectoryRecorder;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryException;
import dev.flash.telemetry.TelemetryRecord;
import dev.flash.telemetry.linux.CpuLoadMeter;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.telemetry.linux.LinuxTelemetrySource;
import dev.flash.telemetry.linux.RunQueueMeter;
import dev.flash.telemetry.perf.CounterMeter;
import dev.flash.telemetry.rapl.EnergyMeters;
import dev.flash.testing.FakePowercap;
import dev.flash.testing.FakeSchedstat;
import dev.flash.testing.FakeSysfs;
import dev.flash.testing.TestModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * flashd's per-tick cost on fake kernel trees (this machine has no cpufreq, RAPL or PMU, so the
 * trees are {@link FakeSysfs} and {@link FakePowercap} on the temp file system, never hardware).
 *
 * <ul>
 *   <li>{@link #tick}: one {@link FlashDaemon#tick()}: Sense (cpufreq reader, /proc/stat through
 *       {@link dev.flash.telemetry.linux.ProcStatTicks}, powercap) -> context update -> Decide
 *       (FLASH DVFS model through ONNX Runtime, one batched inference over every policy, with a
 *       full {@link TrajectoryBuffer} context) -> Act ({@link CpufreqActuator} writing every policy);</li>
 *   <li>{@link #telemetry}, {@link #inference}, {@link #actuation}: the three parts alone, so
 *       the report can say where the time goes; {@link #fallbackDecide} is the rule controller
 *       for comparison.</li>
 * </ul>
 *
 * <p>Layouts: {@code acpi-cpufreq} (one CPU per policy, frequency table, userspace governor:
 * writes go to {@code scaling_setspeed}) and {@code intel_pstate} active (no userspace governor:
 * writes cap {@code scaling_max_freq}). Writes go to the files as plain writes (no
 * {@code FakeKernel}: its checks are a mock's cost, not flashd's). /proc/stat is a fake file
 * with one line per CPU, read by the same reader the daemon uses ({@code CpuLoadMeter.procStat},
 * which {@code CpuLoadMeter.linux()} points at /proc/stat).
 *
 * <p>The model is {@code -Dflash.bench.model=FILE} or the environment's {@code FLASH_BENCH_MODEL} when
 * given (e.g. models/dvfs-flash.onnx), else
 * the small real ONNX model of {@link TestModels}. Run with {@code bench/tick.sh}, or
 * {@code java -cp target/test-classes:target/classes:$(cat target/bench-cp.txt)
 * org.openjdk.jmh.Main TickBenchmark}. The forks run with the launcher's daemon JVM flags
 * (C1 only, serial GC, its heap and young generation: SMALL_JVM and DAEMON_HEAP of systemd/flash),
 * because that is how flashd runs. A {@code -jvmArgsAppend} on JMH's command line replaces them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms24m", "-Xmn16m", "-Xmx64m", "-Xss512k",
    "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=24m", "-XX:MaxMetaspaceSize=64m",
    "-XX:CICompilerCount=1", "-XX:+UnlockDiagnosticVMOptions", "-XX:GuaranteedSafepointInterval=60000",
    "-XX:AsyncDeflationInterval=60000"})
public class TickBenchmark {

    @Param({"2", "64", "256"})
    public int cpus;

    @Param({"acpi-cpufreq", "intel_pstate"})
    public String layout;

    /**
     * The Prometheus endpoint: off (the default daemon), or on with a scraper on another thread
     * fetching /metrics every second, as a Prometheus server would ({@code -p metrics=off,scraped}).
     */
    @Param({"off"})
    public String metrics = "off";

    private MetricsExporter exporter;
    private ScheduledExecutorService scraper;
    private Path dir;
    private LinuxTelemetrySource source;
    private CpufreqActuator actuator;
    private OnnxDvfsPolicy model;
    private TrajectoryBuffer buffer;
    private FlashDaemon daemon;
    private TelemetryRecord record;
    private List<PolicyDecision> decisionsA;
    private List<PolicyDecision> decisionsB;
    private boolean flip;
    private final FallbackController fallback = new FallbackController();
    /** The model to run instead of {@link #modelFile}'s (IdleTreeWrites sets it). */
    Path modelOverride;
    /**
     * The telemetry's and the daemon's clock: the real one, or (TickDecisionTrace) one that moves a
     * whole period per tick, so that intervals, power and utilization history repeat from run to run.
     */
    java.util.function.LongSupplier clock = System::nanoTime;
    /** Wraps the daemon's telemetry source and actuator (TickTail times the tick's parts through them). */
    java.util.function.UnaryOperator<dev.flash.telemetry.TelemetrySource> sourceWrap = s -> s;
    java.util.function.UnaryOperator<dev.flash.actuate.FrequencyActuator> actuatorWrap = a -> a;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = memoryTempDir("flash-tick-bench-");
        FakeSysfs tree = switch (layout) {
            case "acpi-cpufreq" -> FakeSysfs.acpiCpufreq(dir, cpus, 1);
            case "intel_pstate" -> FakeSysfs.intelPstateActive(dir, cpus);
            default -> throw new IllegalArgumentException("layout: acpi-cpufreq or intel_pstate, got " + layout);
        };
        FakePowercap.intelTwoPackages(dir, 120_000_000L);
        SysfsRoot root = tree.sysfs();

        CpufreqReader reader = new CpufreqReader(root);
        source = telemetry(root, reader, dir, cpus, clock);
        // wired as DaemonWiring does: the actuator compares the reader's readings of governor and limits
        actuator = new CpufreqActuator(root, new StateStore(dir.resolve("state")), false, reader);
        model = OnnxDvfsPolicy.load(modelOverride != null ? modelOverride : modelFile(dir));
        int contextLength = model.description().contextLength();
        // The model's context layout, as the daemon keeps it (windows of transitions when it states them).
        PolicyProvider.Selection selection = new PolicyProvider.Selection(model, model.name(), "dvfs",
                contextLength, model.description().actions().size(), Double.NaN, Double.NaN, null, "",
                dev.flash.policy.SignalNeeds.UNDECLARED, model.description().contextLayout());
        buffer = (TrajectoryBuffer) FlashDaemon.defaultRecorder(selection);

        // The daemon with the same parts; its context is the TrajectoryBuffer above.
        PolicyProvider provider = PolicyProvider.fixed(selection, fallback);
        daemon = new FlashDaemon(DaemonConfig.defaults(), new Node(sourceWrap.apply(source),
                actuatorWrap.apply(actuator), false, "fake " + layout),
                provider, s -> new BufferRecorder(buffer), DaemonLog.silent(), new SdNotify(null), clock);
        if ("scraped".equals(metrics)) {
            exporter = new MetricsExporter().start(MetricsExporter.Address.parse("127.0.0.1:0"));
            daemon.setObserver(exporter);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics")).build();
            scraper = Executors.newSingleThreadScheduledExecutor();
            scraper.scheduleAtFixedRate(() -> {
                try {
                    http.send(scrape, HttpResponse.BodyHandlers.discarding());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException("scrape failed", e);
                }
            }, 0, 1, TimeUnit.SECONDS);
        } else if (!"off".equals(metrics)) {
            throw new IllegalArgumentException("metrics: off or scraped, got " + metrics);
        }
        // Fill every context: the daemon appends one completed transition per policy per tick.
        for (int i = 0; i < model.description().contextLayout().horizon() + 2; i++) { // C, or a window layout's horizon
            daemon.tick();
        }
        if (daemon.state() != FlashDaemon.State.RUNNING) {
            throw new IllegalStateException("daemon is " + daemon.state() + ": " + daemon.stateReason());
        }
        if (buffer.filled(0) < contextLength) {
            throw new IllegalStateException("context not full: " + buffer.filled(0) + " of " + contextLength);
        }

        record = source.sample();
        decisionsA = model.decide(record, buffer);
        decisionsB = new ArrayList<>();
        for (PolicyDecision d : decisionsA) {
            // a different target each other call, so every write changes the file
            long other = d.targetKhz() == 800_000 ? 1_600_000 : 800_000;
            decisionsB.add(new PolicyDecision(d.policyId(), d.actionIndex(), d.actionName(), other,
                    d.embedding(), d.expectedValue()));
        }
    }

    /** The production telemetry source over the fake trees and a fake /proc/stat of {@code cpus} lines. */
    static LinuxTelemetrySource telemetry(SysfsRoot root, CpufreqReader reader, Path dir, int cpus,
                                          java.util.function.LongSupplier clock) throws IOException {
        Path proc = dir.resolve("proc");
        Files.createDirectories(proc);
        StringBuilder stat = new StringBuilder("cpu  1000 0 1000 50000 10 0 5 0 0 0\n");
        for (int c = 0; c < cpus; c++) {
            stat.append("cpu").append(c).append(' ').append(100 + c).append(" 0 100 5000 1 0 0 0 0 0\n");
        }
        stat.append("intr 1 0\nctxt 12345\nbtime 1700000000\nprocesses 100\nprocs_running 1\nprocs_blocked 0\n");
        Files.writeString(proc.resolve("stat"), stat);
        // The daemon's reader (CpuLoadMeter.linux()) over the fake file instead of /proc/stat.
        CpuLoadMeter load = CpuLoadMeter.procStat(proc.resolve("stat"), cpus);
        if (load.sample().length != cpus) {
            throw new IllegalStateException("fake /proc/stat not read: " + proc.resolve("stat"));
        }
        // and a fake /proc/schedstat (this VM's kernel has none): a cpu line and two domain lines per CPU
        FakeSchedstat schedstat = FakeSchedstat.of(16, cpus);
        for (int c = 0; c < cpus; c++) {
            schedstat.cpu(c, 1_000_000_000L * (c + 1), 10_000_000L * c);
        }
        RunQueueMeter runQueue = new RunQueueMeter(schedstat.writeTo(proc.resolve("schedstat")), cpus);
        runQueue.read();
        if (runQueue.problem() != null) {
            throw new IllegalStateException("fake /proc/schedstat not read: " + runQueue.problem());
        }
        return new LinuxTelemetrySource(root, reader::read, load,
                CounterMeter.unavailable("no PMU in this VM (benchmark on fake trees)"), EnergyMeters.detect(root),
                runQueue, clock);
    }

    /**
     * A temp directory on tmpfs (/dev/shm) when there is one. sysfs lives in memory; on ext4 a
     * write that truncates a file makes the file system flush it on close (auto_da_alloc), which
     * cost about 2 ms per write here and would be charged to flashd by mistake.
     */
    static Path memoryTempDir(String prefix) throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, prefix) : Files.createTempDirectory(prefix);
    }

    static Path modelFile(Path dir) throws IOException {
        // the property (TickCpuTime, TickDecisionTrace), else the environment (bench/tick.sh: a JMH
        // fork inherits it, where a -jvmArgsAppend would replace the @Fork flags below)
        String given = System.getProperty("flash.bench.model", System.getenv("FLASH_BENCH_MODEL"));
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        return TestModels.spec().write(dir, "dvfs-test.onnx");
    }

    /** The fake trees' root directory (IdleTreeWrites reads the written files). */
    Path dir() {
        return dir;
    }

    /** The daemon's context buffer (TickDecisionTrace reads it back). */
    TrajectoryBuffer buffer() {
        return buffer;
    }

    /** The daemon after set-up: its context is full and it is running. */
    FlashDaemon daemon() {
        return daemon;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (scraper != null) {
            scraper.shutdownNow();
            exporter.close();
        }
        daemon.shutdown();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Everything flashd does in one period. */
    @Benchmark
    public long tick() {
        daemon.tick();
        return daemon.ticks();
    }

    /** Sense: cpufreq policies, /proc/stat, powercap. */
    @Benchmark
    public TelemetryRecord telemetry() throws TelemetryException {
        return source.sample();
    }

    /**
     * Decide: one batched inference over all policies with full contexts, each one row further
     * than at the last call, as every tick finds them (a row-codes model codes two rows per
     * policy; a context that stood still would code none and flatter it).
     */
    @Benchmark
    public List<PolicyDecision> inference() throws DecisionException {
        List<PolicySample> policies = record.policies();
        for (int i = 0; i < policies.size(); i++) {
            DvfsFeatures.extract(policies.get(i), record, nextRow, 0);
            nextRow[0] = (nextRow[0] + 0.37f) % 1f; // every row differs from the one before
            buffer.append(policies.get(i).id(), nextRow, i % model.description().actions().size(), 0.1f);
        }
        return model.decide(record, buffer);
    }

    private final float[] nextRow = new float[DvfsFeatures.COUNT];

    /** Decide with the rule controller instead of the model. */
    @Benchmark
    public List<PolicyDecision> fallbackDecide() {
        return fallback.decide(record, buffer);
    }

    /** Act: one write (and read-back) per policy, alternating targets. */
    @Benchmark
    public void actuation(Blackhole bh) throws ActuationException {
        List<PolicyDecision> decisions = (flip = !flip) ? decisionsA : decisionsB;
        List<PolicySample> policies = record.policies();
        for (int i = 0; i < decisions.size(); i++) {
            bh.consume(actuator.apply(policies.get(i), decisions.get(i).targetKhz()));
        }
    }

    /** The daemon's recorder interface over the policy package's {@link TrajectoryBuffer}. */
    static final class BufferRecorder implements TrajectoryRecorder {
        private final TrajectoryBuffer buffer;

        BufferRecorder(TrajectoryBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public void append(int policyId, float[] state, int actionIndex, float reward) {
            // the daemon appends only completed transitions of model decisions (index >= 0)
            buffer.append(policyId, state, Math.max(0, actionIndex), reward);
        }

        @Override
        public void reset(int policyId) {
            buffer.reset(policyId);
        }

        @Override
        public void clear() {
            buffer.retain(Set.of());
        }

        @Override
        public int filled(int policyId) {
            return buffer.filled(policyId);
        }

        @Override
        public void copyInto(int policyId, float[] rows, float[] mask, int offsetRows, int capacity, int width) {
            buffer.copyInto(policyId, rows, mask, offsetRows, capacity, width);
        }
    }

    /** {@code java ... dev.flash.bench.TickBenchmark [JMH options]}: runs this class only. */
    public static void main(String[] args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = TickBenchmark.class.getSimpleName();
        System.arraycopy(args, 0, all, 1, args.length);
        org.openjdk.jmh.Main.main(all);
    }
}
