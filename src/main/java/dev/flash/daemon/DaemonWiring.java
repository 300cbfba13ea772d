package dev.flash.daemon;

import dev.flash.policy.FrequencyPolicy;

/**
 * The one place where {@code flash daemon} meets the concrete nodes and deciders.
 *
 * <p>INTEGRATION POINT: the branches that build the Linux cpufreq source/actuator, the simulated
 * node and the model directory connect them here (and nowhere else):
 * <ul>
 *   <li>{@link #nodeFactory()}: {@code simulate=always}, or {@code auto} without
 *       {@code sysfs_root/sys/devices/system/cpu/cpufreq}: {@code dev.flash.sim.SimulatedNode}
 *       from {@code sim_spec} (empty = embedded); otherwise the Linux telemetry source and the
 *       cpufreq actuator with its {@code StateStore} under {@code state_dir}, OBSERVE mode when
 *       {@code dry_run}.</li>
 *   <li>{@link #policyProvider()}: {@code ModelDirectory} over {@code models_dir} for the ONNX
 *       policy and {@code FallbackController} (with {@code slowdown_budget}) as the fallback.</li>
 * </ul>
 * Until then the defaults below refuse to open a node, so the daemon never acts on a machine
 * with parts missing.
 */
public final class DaemonWiring {
    private DaemonWiring() {
    }

    public static NodeFactory nodeFactory() {
        return config -> {
            throw new NodeFactory.NodeException("no node implementation is wired into this build "
                    + "(dev.flash.daemon.DaemonWiring.nodeFactory)");
        };
    }

    public static PolicyProvider.Factory policyProvider() {
        return (config, node) -> new PolicyProvider() {
            private final Selection none = Selection.none("no model support wired into this build");

            @Override
            public Selection poll() {
                return none;
            }

            @Override
            public FrequencyPolicy fallback() {
                return null;
            }
        };
    }
}
