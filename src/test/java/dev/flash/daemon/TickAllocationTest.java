package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.actuate.ActuationMode;
import dev.flash.actuate.FrequencyActuator;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.PowerZoneSample;
import dev.flash.telemetry.TelemetryRecord;
import dev.flash.telemetry.TelemetrySource;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The loop's own work per tick must not allocate: the records and decisions are built before
 * the measurement (stand-ins for a real source and model, which allocate their own), so what is
 * counted is the daemon's bookkeeping alone. TickGarbageTest (bench) covers the whole tick with the
 * Linux telemetry source, the shipped model and the guard.
 */
class TickAllocationTest {
    static final int WARMUP = 20_000;
    static final int TICKS = 5_000;

    @Test
    void steadyStateTickAllocatesAlmostNothing() throws Exception {
        assertAllocatesAlmostNothing(0);
    }

    /** Policy ids above 127 (a 256-CPU node) are not in Integer's cache: no map look-up may box them. */
    @Test
    void largePolicyIdsBoxNothing() throws Exception {
        assertAllocatesAlmostNothing(300);
    }

    private static void assertAllocatesAlmostNothing(int firstId) throws Exception {
        List<TelemetryRecord> records = new ArrayList<>();
        for (int i = 0; i < WARMUP + TICKS; i++) {
            List<PolicySample> ps = new ArrayList<>();
            for (int id = firstId; id < firstId + 4; id++) {
                ps.add(new PolicySample(id, new int[] {id}, "fake", "userspace", List.of("userspace"), 800_000,
                        3_000_000, 800_000, 3_000_000, 2_000_000, new long[0], 0.5, 1.2, 3, 1e9));
            }
            // Every CPU half busy, as the policies report (the guard's state is then a steady one).
            records.add(new TelemetryRecord(i + 1, 0, 0.05, ps, new double[] {0.5, 0.5, 0.5, 0.5},
                    List.of(new PowerZoneSample("package-0", "fake", i, 20)), 40, Map.of()));
        }
        List<PolicyDecision> decisions = new ArrayList<>();
        for (int id = firstId; id < firstId + 4; id++) {
            decisions.add(new PolicyDecision(id, 3, "hold", 2_000_000, new float[] {1, 2}, 0.1));
        }
        int[] next = {0};
        TelemetrySource source = new TelemetrySource() {
            @Override
            public String describe() {
                return "prebuilt records";
            }

            @Override
            public TelemetryRecord sample() {
                return records.get(next[0]++);
            }
        };
        FrequencyActuator actuator = new FrequencyActuator() {
            @Override
            public ActuationMode modeFor(PolicySample policy) {
                return ActuationMode.OBSERVE;
            }

            @Override
            public long apply(PolicySample policy, long targetKhz) {
                return targetKhz;
            }

            @Override
            public void restore() {
            }
        };
        FrequencyPolicy model = new FrequencyPolicy() {
            @Override
            public String name() {
                return "prebuilt";
            }

            @Override
            public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) {
                return decisions;
            }
        };
        PolicyProvider.Selection selection = new PolicyProvider.Selection(model, "prebuilt", "dvfs", 8, 7, 0, 0.1, null);
        PolicyProvider provider = PolicyProvider.fixed(selection, model);
        DaemonConfig config = DaemonConfig.defaults().withPeriodMs(50);
        // the simulated flag: prebuilt records carry their own clock
        FlashDaemon d = new FlashDaemon(config, new Node(source, actuator, true, "prebuilt"), provider,
                DaemonLog.silent(), new SdNotify(null));
        for (int i = 0; i < WARMUP; i++) {
            d.tick(); // warm-up: JIT compiles the tick, escape analysis removes iterators
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < TICKS; i++) {
            d.tick();
        }
        double perTick = (double) (mx.getThreadAllocatedBytes(tid) - before) / TICKS;
        // 0 measured (2026-12-07); under 16 bytes means not one object per tick, even amortized
        assertTrue(perTick < 16, "the loop allocates " + perTick + " bytes per tick");
        assertTrue(d.state() == FlashDaemon.State.RUNNING);
    }
}
