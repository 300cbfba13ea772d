package dev.flash.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.daemon.DaemonConfig;
import dev.flash.daemon.DaemonLog;
import dev.flash.daemon.DaemonStatus;
import dev.flash.daemon.FlashDaemon;
import dev.flash.daemon.Node;
import dev.flash.daemon.PolicyProvider;
import dev.flash.daemon.SdNotify;
import dev.flash.policy.FallbackController;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppSpec;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The model shipped in {@code models/} (the daemon's built-in default) run by the real daemon loop
 * on the simulated node, stepped one simulated second per tick: when the application changes
 * from CPU-bound batch work to memory-bound streaming, the context embedding moves and the
 * chosen frequencies follow (a memory-bound application loses little at a lower clock).
 */
class ShippedModelAdaptsTest {
    private static final Path SHIPPED = Path.of("models/dvfs-flash.onnx");
    private static final int TICKS_PER_APP = 40;
    private static final int SETTLED = 15;

    @Test
    void embeddingMovesAndDecisionsFollowWhenTheApplicationChanges() throws Exception {
        assertTrue(Files.isRegularFile(SHIPPED), "models/dvfs-flash.onnx is shipped (flash train dvfs --seed 7)");
        SimSpec spec = SimSpec.embeddedDefault();
        AppSpec compute = app(spec, "compute-batch");
        AppSpec stream = app(spec, "stream");
        SimulatedNode sim = new SimSpec(spec.node(), List.of(compute), spec.seed(), 1, 0, false, "test").build();

        OnnxDvfsPolicy model = OnnxDvfsPolicy.load(SHIPPED);
        var d = model.description();
        PolicyProvider.Selection selection = new PolicyProvider.Selection(model, "dvfs-flash.onnx", d.agent(),
                d.contextLength(), d.actions().size(), d.expectedReward(), d.expectedRewardStd(), null);
        FallbackController fallback = new FallbackController();
        PolicyProvider provider = new PolicyProvider() {
            @Override
            public Selection poll() {
                return selection;
            }

            @Override
            public FrequencyPolicy fallback() {
                return fallback;
            }
        };
        AtomicLong clock = new AtomicLong();
        FlashDaemon daemon = new FlashDaemon(DaemonConfig.defaults(), new Node(sim, sim.actuator(), true, "test"),
                provider, FlashDaemon::defaultRecorder, DaemonLog.silent(), new SdNotify(null), clock::get);
        try {
            List<DaemonStatus.PolicyStatus> onCompute = run(daemon, sim, clock, compute);
            List<DaemonStatus.PolicyStatus> onStream = run(daemon, sim, clock, stream);
            assertEquals(FlashDaemon.State.RUNNING, daemon.state(), daemon.stateReason());

            double moved = embeddingDistance(onCompute.get(onCompute.size() - 1), onStream.get(onStream.size() - 1));
            assertTrue(moved > 0.05, "embedding moved by " + moved + " when the application changed");
            double computeMhz = meanTargetMhz(onCompute);
            double streamMhz = meanTargetMhz(onStream);
            assertTrue(streamMhz < 0.9 * computeMhz,
                    "memory-bound streaming runs lower: " + streamMhz + " MHz vs " + computeMhz + " MHz");
        } finally {
            daemon.shutdown();
        }
    }

    /** Runs one application for TICKS_PER_APP ticks; returns policy 0's status over the settled tail. */
    private static List<DaemonStatus.PolicyStatus> run(FlashDaemon daemon, SimulatedNode sim, AtomicLong clock,
                                                       AppSpec app) {
        for (int p = 0; p < sim.policyCount(); p++) {
            sim.setApplication(p, app);
        }
        List<DaemonStatus.PolicyStatus> tail = new ArrayList<>();
        for (int t = 0; t < TICKS_PER_APP; t++) {
            daemon.tick();
            if (t >= TICKS_PER_APP - SETTLED) {
                tail.add(daemon.status().policies.get(0));
            }
            sim.advance(1.0);
            clock.addAndGet(1_000_000_000L);
        }
        return tail;
    }

    private static double embeddingDistance(DaemonStatus.PolicyStatus a, DaemonStatus.PolicyStatus b) {
        double sum = Math.pow(a.embeddingNorm - b.embeddingNorm, 2);
        for (int i = 0; i < Math.min(a.embeddingHead.size(), b.embeddingHead.size()); i++) {
            sum += Math.pow(a.embeddingHead.get(i) - b.embeddingHead.get(i), 2);
        }
        return Math.sqrt(sum);
    }

    private static double meanTargetMhz(List<DaemonStatus.PolicyStatus> statuses) {
        return statuses.stream().mapToDouble(s -> s.targetMhz).average().orElseThrow();
    }

    private static AppSpec app(SimSpec spec, String name) {
        return spec.apps().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }
}
