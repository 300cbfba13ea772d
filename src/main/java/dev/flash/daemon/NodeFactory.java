package dev.flash.daemon;

/**
 * The seam between the daemon and the concrete nodes. The integrator's implementation picks the
 * Linux sysfs source and actuator, or {@code dev.flash.sim.SimulatedNode}, from
 * {@link DaemonConfig#simulate()}, {@link DaemonConfig#simSpec()}, {@link DaemonConfig#sysfsRoot()},
 * {@link DaemonConfig#stateDir()} (the actuator's saved state) and {@link DaemonConfig#dryRun()}.
 */
@FunctionalInterface
public interface NodeFactory {

    /**
     * Opens the node.
     *
     * @throws NodeException when no node can be opened (e.g. simulate=never on a machine without
     *                       cpufreq); the message says what is missing
     */
    Node open(DaemonConfig config) throws NodeException;

    /**
     * No node could be opened; {@code permission} selects exit code 4 instead of 1, and
     * {@link #invalidConfiguration} exit code 3 (a restart would meet the same file).
     */
    class NodeException extends Exception {
        private final boolean permission;
        private final boolean configuration;

        public NodeException(String message, boolean permission) {
            this(message, permission, false);
        }

        private NodeException(String message, boolean permission, boolean configuration) {
            super(message);
            this.permission = permission;
            this.configuration = configuration;
        }

        /** The configuration names something that cannot work, e.g. a bad simulated-node spec. */
        public static NodeException invalidConfiguration(String message) {
            return new NodeException(message, false, true);
        }

        public boolean configuration() {
            return configuration;
        }

        public NodeException(String message) {
            this(message, false);
        }

        public boolean permission() {
            return permission;
        }
    }
}
