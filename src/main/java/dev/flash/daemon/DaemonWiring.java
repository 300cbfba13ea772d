package dev.flash.daemon;

import dev.flash.actuate.FrequencyActuator;
import dev.flash.actuate.ObservingActuator;
import dev.flash.actuate.StateStore;
import dev.flash.actuate.linux.CpufreqActuator;
import dev.flash.policy.FallbackController;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.ModelDirectory;
import dev.flash.policy.onnx.ModelDescription;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.policy.onnx.OnnxModel;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.telemetry.linux.LinuxTelemetrySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place where {@code flash daemon} meets the concrete nodes and deciders.
 *
 * <ul>
 *   <li>Node: {@code simulate=always}, or {@code auto} on a machine without
 *       {@code sysfs_root/sys/devices/system/cpu/cpufreq}, runs the simulated node from
 *       {@code sim_spec} (empty = the embedded spec); otherwise the Linux telemetry source
 *       (cpufreq, OSHI, perf_event_open, RAPL) and the cpufreq actuator with its saved state
 *       under {@code state_dir}.</li>
 *   <li>Decider: the newest valid DVFS model in {@code models_dir} ({@link ModelDirectory});
 *       when the directory holds none, the model built into the jar ({@value #BUILT_IN}); the
 *       schedutil-like {@link FallbackController} whenever no valid model is present or the
 *       model fails.</li>
 * </ul>
 */
public final class DaemonWiring {
    private DaemonWiring() {
    }

    /** The shipped DVFS model inside flash.jar (copied from models/ at build time). */
    public static final String BUILT_IN = "/models/dvfs-flash.onnx";

    public static NodeFactory nodeFactory() {
        return nodeFactory(SysfsRoot::new);
    }

    /** The nodes, with {@code roots} making the sysfs root (tests give fake trees a kernel's writes). */
    public static NodeFactory nodeFactory(Function<Path, SysfsRoot> roots) {
        return config -> openNode(config, roots);
    }

    static Node openNode(DaemonConfig config) throws NodeFactory.NodeException {
        return openNode(config, SysfsRoot::new);
    }

    static Node openNode(DaemonConfig config, Function<Path, SysfsRoot> roots) throws NodeFactory.NodeException {
        SysfsRoot root = roots.apply(config.sysfsRoot());
        CpufreqReader reader = new CpufreqReader(root);
        boolean simulate = switch (config.simulate()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> !reader.present();
        };
        if (simulate) {
            reader.close();
            return openSimulated(config);
        }
        if (!reader.present()) {
            reader.close();
            throw new NodeFactory.NodeException("no cpufreq under " + root.resolve(SysfsRoot.CPUFREQ)
                    + " and simulate = never: nothing to manage (a virtual machine? try --simulate)");
        }
        LinuxTelemetrySource source = LinuxTelemetrySource.open(root, reader::read);
        // the actuator compares the reader's readings of governor and limits instead of reading them again
        FrequencyActuator actuator = new CpufreqActuator(root, new StateStore(config.stateDir()), config.dryRun(), reader);
        return new Node(source, actuator, false, "linux cpufreq (" + reader.driverSummary() + ") under " + root);
    }

    private static Node openSimulated(DaemonConfig config) throws NodeFactory.NodeException {
        SimSpec spec;
        try {
            spec = config.simSpec() == null || config.simSpec().isBlank()
                    ? SimSpec.embeddedDefault()
                    : SimSpec.load(Path.of(config.simSpec()));
        } catch (IOException | IllegalArgumentException e) { // SpecException is an IllegalArgumentException
            // the spec is part of the daemon's configuration: exit 3, which the unit does not restart
            throw NodeFactory.NodeException.invalidConfiguration("simulated node spec: " + e.getMessage());
        }
        SimulatedNode node = spec.buildRealTime();
        FrequencyActuator actuator = config.dryRun() ? new ObservingActuator() : node.actuator();
        return new Node(node, actuator, true, node.describe());
    }

    public static PolicyProvider.Factory policyProvider() {
        return (config, node) -> new ModelsProvider(config.modelsDir(), config.modelMaxBytes());
    }

    /** Watches the models directory; stands the built-in model in while the directory has none. */
    static final class ModelsProvider implements PolicyProvider {
        private final ModelDirectory directory;
        private final FallbackController fallback = new FallbackController();
        private Selection current;
        private String lastKey = "";
        private OnnxModel builtInModel;
        private OnnxDvfsPolicy builtInPolicy;
        private String builtInProblem;
        /** Why the directory itself was not read at the last poll (missing, untrusted); null if it was. */
        private volatile String directoryProblem;

        ModelsProvider(Path dir, long modelMaxBytes) {
            this.directory = new ModelDirectory(dir, "dvfs", modelMaxBytes);
        }

        @Override
        public synchronized Selection poll() {
            String dirProblem = null;
            try {
                if (Files.isDirectory(directory.dir())) {
                    directory.poll();
                } else {
                    dirProblem = "models directory " + directory.dir() + " does not exist";
                }
            } catch (IOException e) {
                dirProblem = e.getMessage().startsWith("models directory") ? e.getMessage()
                        : "models directory " + directory.dir() + ": " + e.getMessage();
            }
            directoryProblem = dirProblem;
            Optional<FrequencyPolicy> active = directory.active();
            String key;
            Selection next;
            if (active.isPresent() && active.get() instanceof OnnxDvfsPolicy dvfs) {
                ModelDescription d = dvfs.description();
                key = "dir:" + directory.activeName().orElse("") + ":" + d.sha256();
                next = Selection.of(dvfs, d, d.name());
            } else if (loadBuiltIn()) {
                key = "builtin";
                ModelDescription d = builtInModel.description();
                next = Selection.of(builtInPolicy, d, "dvfs-flash.onnx (built-in)");
            } else {
                String reason = dirProblem != null ? dirProblem : "no valid DVFS model in " + directory.dir();
                if (builtInProblem != null) {
                    reason += "; built-in model: " + builtInProblem;
                }
                key = "none:" + reason;
                next = Selection.none(reason);
            }
            if (!key.equals(lastKey) || current == null) {
                current = next;
                lastKey = key;
            }
            return current;
        }

        /** Loads the model shipped inside the jar once; false when the jar has none or it is invalid. */
        private boolean loadBuiltIn() {
            if (builtInPolicy != null) {
                return true;
            }
            if (builtInProblem != null) {
                return false;
            }
            try (InputStream in = DaemonWiring.class.getResourceAsStream(BUILT_IN)) {
                if (in == null) {
                    builtInProblem = "not in this build";
                    return false;
                }
                Path tmp = Files.createTempFile("flash-built-in-", ".onnx");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                tmp.toFile().deleteOnExit();
                builtInModel = OnnxModel.load(tmp);
                builtInPolicy = new OnnxDvfsPolicy(builtInModel);
                return true;
            } catch (IOException | ModelRejectedException e) {
                builtInProblem = e.getMessage();
                return false;
            }
        }

        @Override
        public FrequencyPolicy fallback() {
            return fallback;
        }

        @Override
        public synchronized java.util.List<Rejected> rejected() {
            java.util.List<Rejected> out = new java.util.ArrayList<>();
            String problem = directoryProblem;
            if (problem != null) { // the directory itself (missing, untrusted): named by its path
                out.add(new Rejected(directory.dir().toString(), "", problem));
            }
            for (ModelDirectory.Entry e : directory.entries()) {
                if (!e.valid()) {
                    out.add(new Rejected(e.name(), e.sha256(), e.reason()));
                }
            }
            return out;
        }

        @Override
        public synchronized void close() {
            directory.close();
            if (builtInModel != null) {
                builtInModel.close();
            }
        }
    }
}
