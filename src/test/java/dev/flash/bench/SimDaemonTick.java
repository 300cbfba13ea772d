package dev.flash.bench;

import dev.flash.daemon.DaemonConfig;
import dev.flash.daemon.DaemonLog;
import dev.flash.daemon.DaemonWiring;
import dev.flash.daemon.FlashDaemon;
import dev.flash.daemon.Node;
import dev.flash.daemon.PolicyProvider;
import dev.flash.daemon.SdNotify;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The tick of flashd as {@code bench/daemon-vs-tuned.sh} runs it (the simulated node of the
 * embedded spec, the jar's built-in model on ONNX Runtime, with {@code model=java} the same model on
 * flash's Java evaluator, or with {@code model=none} the rule controller; the
 * slowdown guard at the default budget or off with {@code guard=off}), driven in a loop by a clock
 * that moves one period per tick, so a few thousand ticks take seconds instead of hours. Prints the
 * tick thread's CPU time per tick (ThreadMXBean, p50/p90/mean) and its allocated bytes per tick,
 * after {@code warmup} ticks. Run it with the launcher's flags to see the daemon's own JIT:
 *
 * <pre>
 *   java -XX:+UseSerialGC -Xms24m -Xmn16m -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m \
 *       -XX:MaxMetaspaceSize=64m -XX:CICompilerCount=1 -XX:-UsePerfData \
 *       -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) dev.flash.bench.SimDaemonTick \
 *       [model=builtin|java|none] [guard=on|off] [warmup=300] [ticks=3000] [sleep=0]
 * </pre>
 * {@code warmup=0 ticks=200} shows a fresh daemon's first 200 ticks (the JIT's thresholds are
 * counted in calls: at one tick a second the warm-up is minutes). {@code sleep=MS} sleeps between the
 * measured ticks (the clock still moves one period): the caches go cold as in the daemon's second.
 */
public final class SimDaemonTick {
    private SimDaemonTick() {
    }

    public static void main(String[] args) throws Exception {
        String model = "builtin";
        boolean guard = true;
        int warmup = 300;
        int ticks = 3000;
        long sleepMs = 0;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("argument " + a + ": expected key=value");
            }
            switch (kv[0]) {
                case "model" -> model = kv[1];
                case "guard" -> guard = switch (kv[1]) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException("guard: on or off, got " + kv[1]);
                };
                case "warmup" -> warmup = Integer.parseInt(kv[1]);
                case "ticks" -> ticks = Integer.parseInt(kv[1]);
                case "sleep" -> sleepMs = Long.parseLong(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + " (model=builtin|java|none guard=on|off warmup=N ticks=N sleep=MS)");
            }
        }
        if (!model.equals("builtin") && !model.equals("none") && !model.equals("java")) {
            throw new IllegalArgumentException("model: builtin, java or none, got " + model);
        }
        Path dir = Files.createTempDirectory("flash-simtick");
        long[] now = {0};
        DaemonConfig config = DaemonConfig.defaults().withStateDir(dir).withSocket(dir.resolve("s"))
                .withModelsDir(dir.resolve("models"))
                .withSimulate(DaemonConfig.Simulate.ALWAYS, "");
        if (!guard) {
            config = config.withSlowdownBudget(1);
        }
        SimSpec spec = SimSpec.embeddedDefault();
        SimulatedNode sim = spec.build(spec.seed(), () -> now[0]);
        Node node = new Node(sim, sim.actuator(), true, sim.describe());
        PolicyProvider wired = DaemonWiring.policyProvider().open(config, node);
        Timed policies = new Timed(switch (model) {
            case "builtin" -> wired;
            case "java" -> new Fixed(wired, Path.of("models/dvfs-flash.onnx"));
            default -> new Fixed(wired, null);
        });
        long period = config.periodNanos();
        FlashDaemon daemon = new FlashDaemon(config, node, policies, FlashDaemon::defaultRecorder,
                DaemonLog.silent(), new SdNotify(null), () -> now[0]);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        try {
            for (int i = 0; i < warmup; i++) {
                now[0] += period;
                daemon.tick();
            }
            long[] cpu = new long[ticks];
            long bytes0 = mx.getThreadAllocatedBytes(tid);
            policies.decideNanos = 0;
            policies.pollNanos = 0;
            policies.polls = 0;
            for (int i = 0; i < ticks; i++) {
                if (sleepMs > 0) {
                    Thread.sleep(sleepMs);
                }
                now[0] += period;
                long c0 = mx.getCurrentThreadCpuTime();
                daemon.tick();
                cpu[i] = mx.getCurrentThreadCpuTime() - c0;
            }
            long bytes = mx.getThreadAllocatedBytes(tid) - bytes0;
            double mean = Arrays.stream(cpu).average().orElse(0) / 1e3;
            Arrays.sort(cpu);
            System.out.printf(Locale.ROOT, "sim tick model=%s guard=%s warmup=%d sleep=%d ms: thread CPU us p50 %.0f p90 %.0f"
                            + " mean %.0f, of which the decider %.0f and the model"
                            + " directory's poll %.0f (%.0f a poll, %d polls); %.0f bytes a tick (%d ticks; state %s)%n",
                    model, guard ? "on" : "off", warmup, sleepMs, cpu[ticks / 2] / 1e3, cpu[ticks * 9 / 10] / 1e3, mean,
                    policies.decideNanos / 1e3 / ticks, policies.pollNanos / 1e3 / ticks,
                    policies.pollNanos / 1e3 / Math.max(1, policies.polls), policies.polls, (double) bytes / ticks, ticks, daemon.state());
        } finally {
            daemon.shutdown();
        }
    }

    /** The provider's deciders, each timed (thread CPU) around {@code decide}. */
    private static final class Timed implements PolicyProvider {
        private final PolicyProvider inner;
        private final com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private Selection seen;
        private Selection wrapped;
        private dev.flash.policy.FrequencyPolicy fallback;
        long decideNanos;
        long pollNanos;
        long polls;

        Timed(PolicyProvider inner) {
            this.inner = inner;
        }

        private dev.flash.policy.FrequencyPolicy timed(dev.flash.policy.FrequencyPolicy p) {
            return new dev.flash.policy.FrequencyPolicy() {
                @Override
                public String name() {
                    return p.name();
                }

                @Override
                public java.util.List<dev.flash.policy.PolicyDecision> decide(dev.flash.telemetry.TelemetryRecord r,
                        dev.flash.policy.TrajectoryContexts c) throws dev.flash.policy.DecisionException {
                    long t0 = mx.getCurrentThreadCpuTime();
                    try {
                        return p.decide(r, c);
                    } finally {
                        decideNanos += mx.getCurrentThreadCpuTime() - t0;
                    }
                }
            };
        }

        @Override
        public Selection poll() {
            long t0 = mx.getCurrentThreadCpuTime();
            Selection s = inner.poll();
            pollNanos += mx.getCurrentThreadCpuTime() - t0;
            polls++;
            if (s != seen) {
                seen = s;
                wrapped = s.policy() == null ? s : new Selection(timed(s.policy()), s.modelName(), s.agent(),
                        s.contextLength(), s.actionCount(), s.expectedReward(), s.expectedRewardStd(), s.reason(),
                        s.sha256(), s.signals(), s.contextLayout(), s.features());
            }
            return wrapped;
        }

        @Override
        public dev.flash.policy.FrequencyPolicy fallback() {
            if (fallback == null && inner.fallback() != null) {
                fallback = timed(inner.fallback());
            }
            return fallback;
        }

        @Override
        public java.util.List<Rejected> rejected() {
            return inner.rejected();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /**
     * The wiring's provider answering one fixed selection: with {@code javaModel} the shipped model
     * run by flash's built-in Java evaluator ({@code OnnxModel.loadBuiltin}, as {@code config-search
     * recommend} runs its model) instead of ONNX Runtime, what the tick would cost without the native
     * library (not bit-identical to ONNX Runtime: its sums add in double); without, no model, so the
     * rule controller decides. The fallback and closing are the wiring's.
     */
    private static final class Fixed implements PolicyProvider {
        private final PolicyProvider inner;
        private final Selection selection;

        Fixed(PolicyProvider inner, Path javaModel) throws Exception {
            this.inner = inner;
            if (javaModel == null) {
                selection = Selection.none("model=none");
            } else {
                dev.flash.policy.onnx.OnnxModel m = dev.flash.policy.onnx.OnnxModel.loadBuiltin(javaModel);
                selection = Selection.of(new dev.flash.policy.onnx.OnnxDvfsPolicy(m), m.description(),
                        "dvfs-flash.onnx (java evaluator)");
            }
        }

        @Override
        public Selection poll() {
            return selection;
        }

        @Override
        public dev.flash.policy.FrequencyPolicy fallback() {
            return inner.fallback();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
