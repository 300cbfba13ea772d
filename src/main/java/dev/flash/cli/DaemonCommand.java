package dev.flash.cli;

import dev.flash.actuate.ActuationException;
import dev.flash.actuate.RestoreReport;
import dev.flash.actuate.StateStore;
import dev.flash.daemon.ConfigException;
import dev.flash.daemon.DaemonConfig;
import dev.flash.daemon.DaemonLog;
import dev.flash.daemon.DaemonWiring;
import dev.flash.daemon.FlashDaemon;
import dev.flash.daemon.InstanceLock;
import dev.flash.daemon.MetricsExporter;
import dev.flash.daemon.Node;
import dev.flash.daemon.NodeFactory;
import dev.flash.daemon.PolicyProvider;
import dev.flash.daemon.SdNotify;
import dev.flash.daemon.StatusServer;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.linux.CpufreqReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash daemon}: runs flashd in the foreground (systemd runs it the same way). */
@Command(name = "daemon",
        sortOptions = false,
        description = {
            "Run flashd in the foreground.",
            "",
            "Every period it senses telemetry, decides a frequency per cpufreq policy (FLASH",
            "model, or the rule controller when no valid model is present) and writes it.",
            "Ctrl-C or SIGTERM stops it and hands every CPU back as it was found.",
            "",
            "Unless --quiet, one line per tick shows what it decides (MHz; docs/status.md):",
            "  TIME MODE | pN util U [wait W] CUR->TARGET ACTION | ... | PACKAGE W",
            ""},
        footer = {
            "",
            "Examples:",
            "  flash daemon --simulate --duration 10",
            "      ten seconds on the embedded simulated node; this machine is not touched",
            "  flash daemon --dry-run --period 500",
            "      decide on this machine twice a second, write nothing (mode 'observe')",
            "  flash daemon --config /etc/flash/flashd.toml --quiet",
            "      what the systemd unit runs; watch it with `flash status --watch`",
            "  flash daemon --metrics 127.0.0.1:9877",
            "      also serve Prometheus metrics at http://127.0.0.1:9877/metrics (docs/metrics.md)",
            "  flash daemon --simulate=node.toml --state-dir /tmp/flash",
            "      a second, unprivileged instance (socket /tmp/flash/flashd.sock)",
            "",
            "Configuration keys and defaults: docs/config.md. Options override the file.",
            "",
            "One daemon per state directory (STATE_DIR/flashd.lock) and one owner per machine: a",
            "daemon on real CPUs also locks cpufreq.lock in the runtime directory of its sysfs",
            "root (/run/flash for /, DIR/run/flash for --sysfs-root DIR); a second one exits 6.",
            "A state file left by a run that did not stop (SIGKILL, power loss) is restored at",
            "start, before anything else, --dry-run included.",
            "A bad simulated-node spec (--simulate=SPEC or sim_spec) is invalid configuration,",
            "exit 3 as from `flash sim spec --check`: systemd does not restart on it.",
            "", ExitCodes.HELP})
public final class DaemonCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "TOML configuration (default /etc/flash/flashd.toml, if it exists)")
    Path configFile;

    @Option(names = "--simulate", arity = "0..1", fallbackValue = "always", paramLabel = "WHEN|FILE",
            description = {"Run against the simulated node: always (alone: the same), auto (only when",
                "the machine has no cpufreq), never, or a node spec FILE (always, with that node; the",
                "config's sim_spec otherwise, none = the embedded one; a file named like a keyword: ./never)"})
    String simulate;

    @Option(names = "--dry-run", description = "Decide and report, never write cpufreq")
    boolean dryRun;

    @Option(names = "--period", paramLabel = "MS", description = "Control period, 50 .. 10000 ms (default 1000)")
    Integer periodMs;

    @Option(names = "--sysfs-root", paramLabel = "DIR", description = "Read sys/ and proc/ under DIR (a fake tree)")
    Path sysfsRoot;

    @Option(names = "--models-dir", paramLabel = "DIR", description = "ONNX models (default /var/lib/flash/models)")
    Path modelsDir;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Lock and saved cpufreq state (default /run/flash as root, else $XDG_RUNTIME_DIR/flash)")
    Path stateDir;

    @Option(names = "--socket", paramLabel = "PATH", description = "Status socket (default STATE_DIR/flashd.sock: /run/flash as root)")
    Path socket;

    @Option(names = "--metrics", paramLabel = "ADDRESS:PORT",
            description = "Serve Prometheus metrics at http://ADDRESS:PORT/metrics (key metrics_address; "
                    + "off by default), e.g. 127.0.0.1:9877, or :9877 for every interface")
    String metricsAddress;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop cleanly after this long (default: run until stopped)")
    Double durationSeconds;

    @Option(names = "--quiet", description = "No per-tick line; only events on stderr")
    boolean quiet;

    @Option(names = "--json-log", description = "Log events as JSON lines")
    boolean jsonLog;

    @Option(names = {"-v", "--verbose"}, description = "Debug logging (every error as it happens) and stack traces")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    boolean help;

    private final NodeFactory nodes;
    private final PolicyProvider.Factory deciders;
    private final PrintStream out;
    private final PrintStream err;
    private final Function<Path, SysfsRoot> roots;

    public DaemonCommand() {
        this(DaemonWiring.nodeFactory(), DaemonWiring.policyProvider(), System.out, System.err);
    }

    /** For tests and alternative front ends: the node and deciders to run. */
    public DaemonCommand(NodeFactory nodes, PolicyProvider.Factory deciders, PrintStream out, PrintStream err) {
        this(nodes, deciders, out, err, SysfsRoot::new);
    }

    /**
     * @param roots makes the sysfs root a leftover state file is restored under at start (tests
     *              give fake trees a kernel's writes)
     */
    public DaemonCommand(NodeFactory nodes, PolicyProvider.Factory deciders, PrintStream out, PrintStream err,
            Function<Path, SysfsRoot> roots) {
        this.nodes = nodes;
        this.deciders = deciders;
        this.out = out;
        this.err = err;
        this.roots = roots;
    }

    @Override
    public Integer call() {
        String badOption = badOption();
        if (badOption != null) {
            err.println("flash daemon: " + badOption);
            return ExitCodes.USAGE;
        }
        DaemonConfig config;
        try {
            config = effectiveConfig();
        } catch (ConfigException e) {
            err.println("flash daemon: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        String noCpufreq = sysfsRootWithoutCpufreq(config);
        if (noCpufreq != null) {
            err.println("flash daemon: " + noCpufreq);
            return sysfsRoot != null ? ExitCodes.USAGE : ExitCodes.CONFIG;
        }
        DaemonConfig.LogLevel level = verbose ? DaemonConfig.LogLevel.DEBUG : config.logLevel();
        DaemonLog log = new DaemonLog(err, level, jsonLog);

        InstanceLock lock;
        try {
            lock = InstanceLock.acquire(config.lockFile());
        } catch (InstanceLock.AlreadyRunningException e) {
            err.println("flash daemon: " + e.getMessage());
            return ExitCodes.ALREADY_RUNNING;
        } catch (AccessDeniedException e) {
            err.println("flash daemon: cannot create " + config.lockFile() + ": permission denied (run as root, "
                    + "or give --state-dir a writable directory)");
            return ExitCodes.PERMISSION;
        } catch (IOException e) {
            err.println("flash daemon: cannot take the lock " + config.lockFile() + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        try (lock) {
            return runLocked(config, log);
        } catch (IOException e) {
            log.warn("releasing the lock: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    /**
     * Options out of range are the command line's fault (2), as picocli's own type errors are
     * (--period abc), not the configuration file's (3). Null when all are fine.
     */
    String badOption() {
        if (periodMs != null && (periodMs < DaemonConfig.MIN_PERIOD_MS || periodMs > DaemonConfig.MAX_PERIOD_MS)) {
            return "--period: " + periodMs + " ms out of range " + DaemonConfig.MIN_PERIOD_MS + " .. "
                    + DaemonConfig.MAX_PERIOD_MS;
        }
        if (durationSeconds != null && !(durationSeconds > 0)) {
            return "--duration: must be a positive number of seconds, got " + durationSeconds;
        }
        if (simulate != null && !List.of("always", "auto", "never").contains(simulate)
                && !Files.isRegularFile(Path.of(simulate))) {
            return "--simulate: '" + simulate + "' is neither always, auto, never nor a node spec file";
        }
        return null;
    }

    /**
     * A sysfs root the operator named (--sysfs-root or sysfs_root) must hold cpufreq unless the
     * simulated node was asked for: quietly simulating instead would hide a typo in the path.
     * Null when fine; the message names the option or the key.
     */
    static String sysfsRootWithoutCpufreq(DaemonConfig config) {
        if (config.simulate() == DaemonConfig.Simulate.ALWAYS || config.sysfsRoot().equals(Path.of("/"))) {
            return null;
        }
        SysfsRoot root = new SysfsRoot(config.sysfsRoot());
        try (CpufreqReader reader = new CpufreqReader(root)) {
            if (reader.present()) {
                return null;
            }
        }
        return "sysfs root " + config.sysfsRoot() + " (--sysfs-root or sysfs_root) has no cpufreq policies under "
                + root.resolve(SysfsRoot.CPUFREQ) + "; give the root of a tree that has them, or add --simulate "
                + "to run the simulated node";
    }

    DaemonConfig effectiveConfig() throws ConfigException {
        DaemonConfig c = DaemonConfig.load(configFile == null ? DaemonConfig.DEFAULT_FILE : configFile,
                configFile != null);
        if (periodMs != null) {
            c = c.withPeriodMs(periodMs);
        }
        if (dryRun) {
            c = c.withDryRun(true);
        }
        if (sysfsRoot != null) {
            c = c.withSysfsRoot(sysfsRoot);
        }
        if (modelsDir != null) {
            c = c.withModelsDir(modelsDir);
        }
        if (stateDir != null) {
            c = c.withStateDir(stateDir);
        }
        if (socket != null) {
            c = c.withSocket(socket);
        }
        if (metricsAddress != null) {
            c = c.withMetricsAddress(metricsAddress);
        }
        if (simulate != null) {
            c = switch (simulate) {
                case "always" -> c.withSimulate(DaemonConfig.Simulate.ALWAYS, c.simSpec());
                case "auto" -> c.withSimulate(DaemonConfig.Simulate.AUTO, c.simSpec());
                case "never" -> c.withSimulate(DaemonConfig.Simulate.NEVER, c.simSpec());
                default -> c.withSimulate(DaemonConfig.Simulate.ALWAYS, simulate);
            };
        }
        return c;
    }

    private int runLocked(DaemonConfig config, DaemonLog log) {
        int leftover = restoreLeftover(config, log);
        if (leftover != ExitCodes.OK) {
            return leftover;
        }
        Node node;
        try {
            node = nodes.open(config);
        } catch (NodeFactory.NodeException e) {
            err.println("flash daemon: " + e.getMessage());
            return e.configuration() ? ExitCodes.CONFIG : e.permission() ? ExitCodes.PERMISSION : ExitCodes.FAILURE;
        }
        InstanceLock machine = null;
        if (!node.simulated()) {
            // one owner per machine, whatever state directory each daemon was given
            Path machineFile = InstanceLock.machineFile(config.sysfsRoot());
            int refused = ExitCodes.OK;
            try {
                machine = InstanceLock.acquire(machineFile);
            } catch (InstanceLock.AlreadyRunningException e) {
                err.println("flash daemon: the CPUs under " + config.sysfsRoot() + " have an owner: " + e.getMessage());
                refused = ExitCodes.ALREADY_RUNNING;
            } catch (AccessDeniedException e) {
                err.println("flash daemon: cannot create " + machineFile + ": permission denied (run as root)");
                refused = ExitCodes.PERMISSION;
            } catch (IOException e) {
                err.println("flash daemon: cannot take the lock " + machineFile + ": " + e.getMessage());
                refused = ExitCodes.FAILURE;
            }
            if (refused != ExitCodes.OK) {
                closeQuietly(node, log);
                return refused;
            }
        }
        try {
            return runOwned(config, log, node);
        } finally {
            releaseQuietly(machine, log);
        }
    }

    /**
     * A state file left by a run that did not stop cleanly holds the true originals: they go
     * back before anything else, dry run included (the CPUs must not stay as a crashed run left
     * them). The CPUs it names are locked meanwhile, so another daemon cannot be writing them.
     * What cannot be restored stays in the file, which the actuator then adopts.
     */
    private int restoreLeftover(DaemonConfig config, DaemonLog log) {
        Path stateFile = config.stateDir().resolve(StateStore.FILE_NAME);
        if (!Files.exists(stateFile)) {
            return ExitCodes.OK;
        }
        InstanceLock machine = null;
        try {
            Optional<Path> root = new StateStore(config.stateDir()).sysfsRoot();
            if (root.isPresent() && Files.isDirectory(root.get())) { // a tree gone has no CPUs to guard
                machine = InstanceLock.acquire(InstanceLock.machineFile(root.get()));
            }
            RestoreReport report = StateStore.restoreLeftover(config.stateDir(), roots);
            if (report.complete()) {
                log.info("restored the state a previous run left in " + stateFile + ": " + report.summary());
            } else {
                log.warn("the state a previous run left in " + stateFile + ": " + report.summary());
            }
            return ExitCodes.OK;
        } catch (InstanceLock.AlreadyRunningException e) {
            err.println("flash daemon: " + stateFile + " holds the originals of CPUs that another flashd owns ("
                    + e.getMessage() + "); stop it, or restore the file once it stopped (flash restore --state-dir "
                    + config.stateDir() + ")");
            return ExitCodes.ALREADY_RUNNING;
        } catch (ActuationException e) {
            err.println("flash daemon: restoring the state a previous run left: " + e.getMessage());
            return e.getMessage() != null && e.getMessage().contains("EACCES") ? ExitCodes.PERMISSION
                    : ExitCodes.FAILURE;
        } catch (IOException e) {
            err.println("flash daemon: restoring the state a previous run left: " + e);
            return e instanceof AccessDeniedException ? ExitCodes.PERMISSION : ExitCodes.FAILURE;
        } finally {
            releaseQuietly(machine, log);
        }
    }

    private int runOwned(DaemonConfig config, DaemonLog log, Node node) {
        PolicyProvider policies;
        try {
            policies = deciders.open(config, node);
        } catch (RuntimeException e) {
            closeQuietly(node, log);
            err.println("flash daemon: cannot open models in " + config.modelsDir() + ": " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            return ExitCodes.FAILURE;
        }
        SdNotify notify = SdNotify.fromEnvironment();
        FlashDaemon daemon = new FlashDaemon(config, node, policies, log, notify);
        // The stop signals are handled before the socket answers: whoever sees flashd answer (systemd's
        // readiness, `flash status`, a test) may stop it with SIGTERM/SIGINT at once, and a signal
        // that came before the handlers would kill the JVM without the restore. A stop requested
        // before the loop starts is honoured by run().
        java.util.Map<String, sun.misc.SignalHandler> previousHandlers = StopSignals.install(daemon::requestStop);
        StatusServer server;
        try {
            server = StatusServer.start(config.socket(), daemon::status, daemon::resume, log);
        } catch (IOException e) {
            StopSignals.uninstall(previousHandlers);
            daemon.shutdown();
            notify.close();
            err.println("flash daemon: status socket " + config.socket() + ": " + e.getMessage());
            return e instanceof AccessDeniedException ? ExitCodes.PERMISSION : ExitCodes.FAILURE;
        }
        MetricsExporter metrics = null;
        if (!config.metricsAddress().isEmpty()) {
            try {
                metrics = new MetricsExporter().start(MetricsExporter.Address.parse(config.metricsAddress()));
                daemon.setObserver(metrics);
                log.info("metrics at http://" + config.metricsAddress() + "/metrics");
            } catch (IOException | RuntimeException e) {
                StopSignals.uninstall(previousHandlers);
                daemon.shutdown();
                closeQuietly(server, log);
                notify.close();
                err.println("flash daemon: metrics_address " + config.metricsAddress() + ": cannot listen ("
                        + e.getMessage() + "); choose a free port or remove the key / --metrics");
                return ExitCodes.CONFIG;
            }
        }
        if (!quiet) {
            daemon.setTickListener((d, record) -> out.println(d.tickLine()));
        }

        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            daemon.requestStop();
            try {
                cleanedUp.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "flashd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        // Out of memory on any thread stops the loop and exits 1: systemd restarts flashd then,
        // where the JVM's own -XX:+ExitOnOutOfMemoryError exits 3, which the unit reads as a bad
        // configuration and never restarts (RestartPreventExitStatus).
        java.util.concurrent.atomic.AtomicBoolean outOfMemory = new java.util.concurrent.atomic.AtomicBoolean();
        Thread.UncaughtExceptionHandler previousUncaught = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof OutOfMemoryError) {
                outOfMemory.set(true);
                daemon.requestStop();
            }
            if (previousUncaught != null) {
                previousUncaught.uncaughtException(t, e);
            } else {
                err.println("Exception in thread \"" + t.getName() + "\" " + e);
            }
        });

        log.info("starting: " + node.description() + (config.dryRun() ? " (dry run)" : "")
                + ", socket " + config.socket());
        int exit = ExitCodes.OK;
        try {
            daemon.run(durationSeconds == null ? 0 : Math.round(durationSeconds * 1e9));
        } catch (RuntimeException e) {
            log.error("loop crashed: " + e);
            if (verbose) {
                e.printStackTrace(err);
            }
            exit = ExitCodes.FAILURE;
        } catch (OutOfMemoryError e) {
            outOfMemory.set(true);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previousUncaught);
            if (outOfMemory.get()) {
                log.error("out of memory (heap -Xmx too small, or a leak): restoring the CPUs and exiting "
                        + ExitCodes.FAILURE + " so that systemd restarts flashd");
                exit = ExitCodes.FAILURE;
            }
            // stop the loop (done), restore, STOPPING=1, remove the socket
            daemon.shutdown();
            if (metrics != null) {
                metrics.close();
            }
            try {
                server.close();
            } catch (IOException e) {
                log.warn("removing " + config.socket() + ": " + e.getMessage());
            }
            notify.close();
            log.info("stopped after " + daemon.ticks() + " ticks; CPUs restored");
            cleanedUp.countDown();
            StopSignals.uninstall(previousHandlers);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down: the hook is running and waits for us
            }
        }
        return exit;
    }

    private static void releaseQuietly(InstanceLock lock, DaemonLog log) {
        if (lock == null) {
            return;
        }
        try {
            lock.close();
        } catch (IOException e) {
            log.warn("releasing " + lock.file() + ": " + e.getMessage());
        }
    }

    private static void closeQuietly(StatusServer server, DaemonLog log) {
        try {
            server.close();
        } catch (IOException e) {
            log.warn("removing the status socket: " + e.getMessage());
        }
    }

    private static void closeQuietly(Node node, DaemonLog log) {
        try {
            node.close();
        } catch (Exception e) {
            log.warn("closing the node: " + e.getMessage());
        }
    }

    /**
     * SIGTERM and SIGINT stop the loop so that the process ends with exit 0 after restoring, as
     * systemd expects of a clean stop. Where the JDK's signal API is unavailable the shutdown
     * hook alone does the same work (the exit status is then 143).
     */
    static final class StopSignals {
        private StopSignals() {
        }

        /** Installs the handlers; returns the ones they replaced, for {@link #uninstall}. */
        static java.util.Map<String, sun.misc.SignalHandler> install(Runnable stop) {
            java.util.Map<String, sun.misc.SignalHandler> previous = new java.util.HashMap<>();
            for (String name : new String[] {"TERM", "INT"}) {
                try {
                    previous.put(name, sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stop.run()));
                } catch (IllegalArgumentException | LinkageError e) {
                    // signal in use by the VM (e.g. -Xrs) or API absent: the shutdown hook covers it
                }
            }
            return previous;
        }

        /** Puts the previous handlers back (a daemon run inside a longer-lived JVM, e.g. tests). */
        static void uninstall(java.util.Map<String, sun.misc.SignalHandler> previous) {
            previous.forEach((name, handler) -> {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), handler);
                } catch (IllegalArgumentException | LinkageError ignored) {
                    // nothing to put back
                }
            });
        }
    }
}
