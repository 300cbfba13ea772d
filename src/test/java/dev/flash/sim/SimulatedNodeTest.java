package dev.flash.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.actuate.ActuationMode;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.sim.governors.OraclePolicy;
import dev.flash.sim.governors.PerformanceGovernor;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.PolicyDecision;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SimulatedNodeTest {

    private static final NodeSpec NODE = NodeSpec.defaults();
    private static final long FMAX = NODE.maxKhz();
    private static final long FMIN = NODE.minKhz();

    private static NodeSpec quietNode() {
        NodeSpec d = NodeSpec.defaults();
        return new NodeSpec(d.cpus(), d.cpusPerPolicy(), d.driver(), d.minKhz(), d.maxKhz(), d.stepKhz(),
                d.vminVolts(), d.vmaxVolts(), d.idleWatts(), d.dynamicWattsPerCpu(), d.stallActivity(),
                d.uncoreWatts(), d.dramWatts(), d.memoryLatencyNs(), d.raplMaxEnergyRangeUj(), 0,
                d.initialGovernor(), d.initialKhz());
    }

    /** Runs one app at a fixed frequency for a while and returns the last record. */
    private static TelemetryRecord runAt(AppSpec app, long khz, double seconds) {
        SimulatedNode sim = new SimulatedNode(quietNode(), List.of(app), 1);
        for (int i = 0; i < sim.policyCount(); i++) {
            sim.applyKhz(i, khz);
        }
        sim.advance(seconds);
        return sim.sample();
    }

    @Test
    void powerRisesWithFrequencyAndWithUtilization() {
        AppSpec batch = AppSpec.steady("batch", 0.1, 1.0, 1.0);
        AppSpec light = AppSpec.steady("light", 0.1, 0.3, 1.0);
        double prev = 0;
        for (long f = FMIN; f <= FMAX; f += 500_000) {
            double w = runAt(batch, f, 5).packageWatts();
            assertTrue(w > prev, "power must rise with frequency at " + f + " kHz: " + w + " <= " + prev);
            prev = w;
        }
        assertTrue(runAt(batch, 2_000_000, 5).packageWatts() > runAt(light, 2_000_000, 5).packageWatts());
        assertTrue(runAt(light, 2_000_000, 5).packageWatts() > NODE.idleWatts());
    }

    @Test
    void raplCounterWrapsWhileRecordJoulesStayMonotonic() {
        NodeSpec d = quietNode();
        NodeSpec small = new NodeSpec(d.cpus(), d.cpusPerPolicy(), d.driver(), d.minKhz(), d.maxKhz(), d.stepKhz(),
                d.vminVolts(), d.vmaxVolts(), d.idleWatts(), d.dynamicWattsPerCpu(), d.stallActivity(),
                d.uncoreWatts(), d.dramWatts(), d.memoryLatencyNs(), 50_000_000L, 0.01, "performance", FMAX);
        SimulatedNode sim = new SimulatedNode(small, List.of(AppSpec.steady("b", 0.1, 1.0, 1.0)), 3);
        int wraps = 0;
        long prevRaw = sim.energyUj("package-0");
        double prevJoules = -1;
        double trueJoules = 0;
        for (int i = 0; i < 200; i++) {
            sim.advance(0.1);
            long raw = sim.energyUj("package-0");
            assertTrue(raw < small.raplMaxEnergyRangeUj());
            if (raw < prevRaw) {
                wraps++;
            }
            prevRaw = raw;
            TelemetryRecord r = sim.sample();
            assertTrue(r.packageJoules() > prevJoules, "joules must be monotonic");
            prevJoules = r.packageJoules();
            for (int p = 0; p < sim.policyCount(); p++) {
                trueJoules += sim.lastInterval(p).energyJoules();
            }
        }
        assertTrue(wraps >= 3, "a 50 J counter must wrap several times at ~100 W over 20 s, wrapped " + wraps);
        double dram = sim.sample().powerZones().get(1).joulesTotal();
        assertEquals(trueJoules, prevJoules + dram, trueJoules * 0.01, "unfolded joules match the true energy");
        // One long interval spanning several wraps is still counted in full.
        double before = sim.sample().packageJoules();
        sim.advance(5);
        double after = sim.sample().packageJoules();
        assertTrue((after - before) / 5 > 90, "a 5 s interval over many wraps keeps its energy: " + (after - before));
    }

    @Test
    void cpuBoundSlowsProportionallyMemoryBoundBarely() {
        double half = 0.5;
        assertEquals(0.5, Physics.slowdown(1.0, 0.0, half), 1e-9, "pure compute at fmax/2 loses half");
        assertTrue(Physics.slowdown(1.0, 0.9, half) < 0.1, "m=0.9 at fmax/2 loses under 10%");
        AppSpec cpu = AppSpec.steady("cpu", 0.02, 1.2, 1.0);
        AppSpec mem = AppSpec.steady("mem", 0.85, 1.2, 1.0);
        double ipsCpuHigh = runAt(cpu, FMAX, 10).policy(0).instructionsPerSecond();
        double ipsCpuLow = runAt(cpu, 1_500_000, 10).policy(0).instructionsPerSecond();
        double ipsMemHigh = runAt(mem, FMAX, 10).policy(0).instructionsPerSecond();
        double ipsMemLow = runAt(mem, 1_500_000, 10).policy(0).instructionsPerSecond();
        assertEquals(0.5, ipsCpuLow / ipsCpuHigh, 0.03);
        assertTrue(ipsMemLow / ipsMemHigh > 0.85, "memory-bound keeps its throughput: " + ipsMemLow / ipsMemHigh);
        // IPC rises when the clock falls for the memory-bound phase (stalls cost fewer cycles).
        assertTrue(runAt(mem, 1_500_000, 10).policy(0).ipc() > runAt(mem, FMAX, 10).policy(0).ipc());
    }

    @Test
    void utilizationRisesAsFrequencyFallsForLoadLimitedPhase() {
        AppSpec web = AppSpec.steady("web", 0.2, 0.4, 1.0);
        double prev = -1;
        for (long f = FMAX; f >= FMIN; f -= 400_000) {
            double u = runAt(web, f, 5).policy(0).utilization();
            assertTrue(u > prev, "utilization must rise as frequency falls, at " + f);
            prev = u;
        }
        assertEquals(0.4, runAt(web, FMAX, 5).policy(0).utilization(), 1e-6);
    }

    @Test
    void runQueueWaitShowsDemandBeyondSaturationThatUtilizationCannot() {
        // Half the CPUs busy; at fmax the load fits, at fmin it asks for load * t(fmin) CPU-seconds a second.
        AppSpec fits = AppSpec.steady("fits", 0.2, 0.8, 0.5);
        AppSpec over = AppSpec.steady("over", 0.2, 1.5, 0.5);
        assertEquals(0.0, runAt(fits, FMAX, 5).policy(0).runWaitShare(), 1e-9, "the CPU keeps up: nobody waits");
        double fr = (double) FMIN / FMAX;
        double demand = 0.8 * ((1 - 0.2) / fr + 0.2);
        assertTrue(demand > 1, "the test needs fmin to saturate");
        PolicySample slow = runAt(fits, FMIN, 5).policy(0);
        assertEquals(1 - 1 / demand, slow.runWaitShare(), 1e-9, "waiting share = demand beyond one CPU-second");
        assertEquals(1.0, slow.busiestUtilization(runAt(fits, FMIN, 5).cpuUtilization()), 1e-9);
        // More load, the same saturated utilization, more waiting: even at fmax when load > 1.
        PolicySample slower = runAt(over, FMIN, 5).policy(0);
        assertTrue(slower.runWaitShare() > slow.runWaitShare() + 0.2);
        assertEquals(1 - 1 / 1.5, runAt(over, FMAX, 5).policy(0).runWaitShare(), 1e-9);
    }

    @Test
    void oraclePicksLowerFrequencyForMemoryBoundAndLowLoadWithinBudgetAndSavesEnergy() {
        SimulatedNode sim = new SimulatedNode(quietNode(), List.of(
                AppSpec.steady("cpu-batch", 0.05, 1.2, 1.0),
                AppSpec.steady("mem-batch", 0.8, 1.2, 1.0),
                AppSpec.steady("cpu-light", 0.05, 0.3, 1.0),
                AppSpec.steady("mem-light", 0.8, 0.3, 1.0)), 1);
        double budget = 0.1;
        long cpuBatch = sim.oracleKhz(0, budget);
        assertTrue(sim.oracleKhz(1, budget) < cpuBatch, "memory-bound gets a lower frequency");
        assertTrue(sim.oracleKhz(2, budget) < cpuBatch, "low load gets a lower frequency");
        assertTrue(sim.oracleKhz(3, budget) <= sim.oracleKhz(2, budget));
        assertEquals(FMAX, sim.oracleKhz(0, 0.0), "no budget on a saturated CPU-bound phase means fmax");

        double[] oracle = runPolicy(p -> new OraclePolicy(p, budget));
        double[] perf = runPolicy(p -> new PerformanceGovernor());
        assertTrue(oracle[0] <= budget + 1e-6, "oracle slowdown " + oracle[0] + " within budget");
        assertTrue(oracle[1] < perf[1] * 0.9, "oracle saves energy: " + oracle[1] + " vs " + perf[1]);
        assertEquals(0, perf[0], 1e-9);
    }

    @Test
    void burstsLoseWorkThatTheMeanLoadHidesAndTheOracleClocksUpForThem() {
        // Mean load 0.7 of a CPU-bound phase fits 2.2 GHz (capacity 0.73), but 40% bursts
        // overflow it: the long-run slowdown is several percent, not 0.
        double r = 2.2 / 3.0;
        assertEquals(0, Physics.slowdown(0.7, 0, r), 1e-12);
        assertEquals(Physics.slowdown(0.7, 0, r), Physics.expectedSlowdown(0.7, 0, 0, r), 1e-12);
        double bursty = Physics.expectedSlowdown(0.7, 0.4, 0, r);
        assertTrue(bursty > 0.03, "bursty slowdown " + bursty);
        assertTrue(Physics.expectedSlowdown(0.7, 0.4, 0, 2.6 / 3.0) < bursty, "a higher clock loses less");
        assertEquals(0, Physics.expectedSlowdown(0.7, 0.4, 0, 1.0), 1e-12, "nothing is lost at fmax");

        SimulatedNode sim = new SimulatedNode(quietNode(), List.of(
                AppSpec.steady("steady", 0.1, 0.6, 1.0),
                new AppSpec("bursty", List.of(new Phase(0.1, 0.6, 1.0, 600, 0.4, 0, 60)),
                        HiddenParams.TYPICAL, AppSpec.TRAIN),
                AppSpec.steady("idle-a", 0.1, 0.1, 1.0),
                AppSpec.steady("idle-b", 0.1, 0.1, 1.0)), 1);
        assertTrue(sim.oracleKhz(1, 0.05) > sim.oracleKhz(0, 0.05), "bursts need a higher clock");

        // And the oracle's pick holds the budget on the simulated bursts, over 10 minutes.
        long khz = sim.oracleKhz(1, 0.05);
        sim.applyKhz(1, khz);
        double work = 0;
        double workAtFmax = 0;
        TelemetryRecord last = null;
        for (int t = 0; t < 600; t++) {
            sim.advance(1.0);
            last = sim.sample();
            work += sim.lastInterval(1).work();
            workAtFmax += sim.lastInterval(1).workAtFmax();
        }
        double slowdown = 1 - work / workAtFmax;
        assertTrue(slowdown <= 0.05 + 0.01, "oracle at " + khz + " kHz slows the bursty phase by " + slowdown);
        assertTrue(slowdown > 0.01, "and it uses the budget: " + slowdown);

        // The record's utilization history tells the two phases apart; one interval does not.
        PolicySample steady = last.policy(0);
        PolicySample bursts = last.policy(1);
        assertTrue(bursts.utilizationDeviation() > 0.1, "bursty deviation " + bursts.utilizationDeviation());
        assertTrue(steady.utilizationDeviation() < 0.02, "steady deviation " + steady.utilizationDeviation());
        assertEquals(0.6, steady.utilizationAverage(), 0.02, "load 0.6 at fmax");
    }

    @Test
    void theOracleFollowsADailyCycleInsteadOfPlanningTheWholeDayForItsPeak() {
        // A service at 0.5 +- 60% over a day: its load within any one second is known to an
        // oracle that knows the phase, so at the trough it can clock far lower than at the crest.
        Phase day = new Phase(0.2, 0.5, 1.0, 86_400, 0, 0.6, 86_400);
        assertEquals(0.8, day.peakLoadBetween(21_000, 22_000), 1e-12, "the crest (t = 21600) is inside");
        assertEquals(day.loadAt(0.5), day.peakLoadBetween(0, 0.5), 1e-12, "rising: the later end");
        assertEquals(day.loadAt(43_200), day.peakLoadBetween(43_200, 43_200.5), 1e-12, "falling: the earlier end");
        assertEquals(0.5, Phase.steady(0.2, 0.5, 1, 10).peakLoadBetween(0, 1), 1e-12);

        SimulatedNode sim = new SimulatedNode(quietNode(), List.of(
                new AppSpec("daily", List.of(day), HiddenParams.TYPICAL, AppSpec.TRAIN)), 1);
        sim.advance(21_600); // the crest
        long atCrest = sim.oracleKhz(0, 0.05);
        sim.advance(43_200); // the trough, 0.2
        long atTrough = sim.oracleKhz(0, 0.05);
        assertTrue(atTrough <= atCrest - 800_000, "trough " + atTrough + " vs crest " + atCrest);
        double r = (double) atTrough / FMAX;
        assertTrue(Physics.slowdown(day.loadAt(64_800), 0.2, r) <= 0.05, "in budget at the trough");
    }

    /** {worst policy slowdown, total joules} of 60 s under a policy on a mixed population. */
    private static double[] runPolicy(java.util.function.Function<SimulatedNode, FrequencyPolicy> make) {
        List<AppSpec> apps = AppPopulation.sample(4, 11, 0);
        SimulatedNode sim = new SimulatedNode(NodeSpec.defaults(), apps, 5);
        FrequencyPolicy policy = make.apply(sim);
        double[] work = new double[sim.policyCount()];
        double[] workMax = new double[sim.policyCount()];
        double joules = 0;
        TelemetryRecord r = sim.sample();
        for (int t = 0; t < 300; t++) {
            try {
                for (PolicyDecision d : policy.decide(r, TrajectoryContexts.EMPTY)) {
                    sim.actuator().apply(r.policy(d.policyId()), d.targetKhz());
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            sim.advance(1.0);
            r = sim.sample();
            for (int p = 0; p < sim.policyCount(); p++) {
                IntervalTruth truth = sim.lastInterval(p);
                work[p] += truth.work();
                workMax[p] += truth.workAtFmax();
                joules += truth.energyJoules();
            }
        }
        double worst = 0;
        for (int p = 0; p < work.length; p++) {
            worst = Math.max(worst, 1 - work[p] / workMax[p]);
        }
        return new double[] {worst, joules};
    }

    @Test
    void sameSeedSameRecordsDifferentSeedDifferentNoise() {
        List<AppSpec> apps = AppPopulation.sample(1, 2, 0);
        double[] a = trace(apps, 9);
        double[] b = trace(apps, 9);
        double[] c = trace(apps, 10);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    private static double[] trace(List<AppSpec> apps, long seed) {
        SimulatedNode sim = new SimulatedNode(NodeSpec.defaults(), apps, seed);
        double[] out = new double[40];
        for (int i = 0; i < 20; i++) {
            sim.applyKhz(0, FMIN + (i % 5) * 400_000L);
            sim.advance(1);
            TelemetryRecord r = sim.sample();
            out[2 * i] = r.packageWatts();
            out[2 * i + 1] = r.policy(0).ipc();
        }
        return out;
    }

    @Test
    void recordHasTheFieldsALinuxRecordHas() {
        SimulatedNode sim = SimSpec.embeddedDefault().build();
        sim.advance(1);
        TelemetryRecord r = sim.sample();
        assertEquals(1.0, r.intervalSeconds(), 1e-9);
        assertEquals(NODE.policyCount(), r.policies().size());
        assertEquals(NODE.cpus(), r.cpuUtilization().length);
        assertTrue(r.unavailable().isEmpty());
        assertTrue(r.powerReferenceWatts() > 0);
        assertTrue(r.powerZones().stream().anyMatch(z -> z.isPackage()));
        assertTrue(r.packageWatts() > 0);
        int cpu = 0;
        for (PolicySample p : r.policies()) {
            assertEquals("acpi-cpufreq", p.driver());
            assertTrue(p.offersUserspace());
            assertEquals("performance", p.governor());
            assertEquals(21, p.availableKhz().length, "1.0-3.0 GHz in 100 MHz steps");
            assertEquals(p.cpuinfoMinKhz(), p.availableKhz()[0]);
            assertEquals(p.cpuinfoMaxKhz(), p.availableKhz()[20]);
            assertEquals(p.cpuinfoMaxKhz(), p.curKhz());
            for (int c : p.cpus()) {
                assertEquals(cpu++, c);
            }
            assertTrue(p.utilization() > 0 && p.utilization() <= 1);
            assertTrue(p.ipc() > 0 && p.mpki() > 0 && p.instructionsPerSecond() > 0);
        }
        TelemetryRecord zero = sim.sample();
        assertEquals(0, zero.intervalSeconds());
        assertTrue(Double.isNaN(zero.packageWatts()), "a zero-length interval has no power, as on Linux");
        assertTrue(zero.policy(0).ipc() > 0, "counters still show the current state");
    }

    @Test
    void actuatorSnapsClampsRecordsAndRestores() throws Exception {
        SimulatedNode sim = new SimulatedNode(NODE, List.of(AppSpec.steady("a", 0.3, 0.5, 1)), 1);
        PolicySample p0 = sim.sample().policy(0);
        assertEquals(ActuationMode.SETSPEED, sim.actuator().modeFor(p0));
        assertEquals(1_600_000, sim.actuator().apply(p0, 1_640_000));
        assertEquals(1_600_000, sim.curKhz(0));
        assertEquals("userspace", sim.governor(0));
        assertEquals(FMIN, sim.actuator().apply(p0, 10));
        assertEquals(FMAX, sim.actuator().apply(p0, 99_000_000));
        assertEquals(FMAX, sim.curKhz(1), "other policies untouched");
        sim.actuator().apply(p0, FMIN);
        sim.actuator().restore();
        sim.actuator().restore();
        assertEquals(NODE.initialKhz(), sim.curKhz(0));
        assertEquals(NODE.initialGovernor(), sim.sample().policy(0).governor());
        PolicySample missing = new PolicySample(99, new int[] {0}, "acpi-cpufreq", "userspace", List.of(),
                FMIN, FMAX, FMIN, FMAX, FMAX, new long[0], 0, 0, 0, 0);
        Exception e = assertThrows(dev.flash.actuate.ActuationException.class, () -> sim.actuator().apply(missing, FMIN));
        assertTrue(e.getMessage().contains("policy99"));
    }

    @Test
    void clockDrivenSampleCoversScaledElapsedTime() {
        AtomicLong nanos = new AtomicLong(0);
        SimulatedNode sim = new SimulatedNode(NODE, List.of(AppSpec.steady("a", 0.3, 0.5, 1)), 1, nanos::get, 10.0);
        sim.sample();
        nanos.addAndGet(500_000_000L);
        TelemetryRecord r = sim.sample();
        assertEquals(5.0, r.intervalSeconds(), 1e-9, "0.5 s of clock at 10x is 5 simulated seconds");
        assertEquals(5.0, sim.simulatedSeconds(), 1e-9);
        assertEquals(5_000_000_000L, r.monotonicNanos());
    }

    @Test
    void phasesRepeatAndApplicationsSwitch() {
        AppSpec two = new AppSpec("two", List.of(Phase.steady(0.1, 1, 1, 10), Phase.steady(0.8, 1, 1, 5)),
                HiddenParams.TYPICAL, AppSpec.TRAIN);
        SimulatedNode sim = new SimulatedNode(NODE, List.of(two), 1);
        sim.advance(12);
        assertEquals(1, sim.phaseIndex(0));
        sim.advance(4);
        assertEquals(0, sim.phaseIndex(0), "after 15 s the first phase comes back");
        AppSpec other = AppSpec.steady("other", 0.5, 0.5, 1);
        sim.setApplication(2, other);
        assertEquals("other", sim.application(2).name());
        sim.rotate(List.of(two, other), 30, true);
        assertEquals("two", sim.application(0).name());
        assertEquals("other", sim.application(1).name(), "staggered: policy 1 runs the next app");
        sim.advance(31);
        assertEquals("other", sim.application(0).name());
    }

    @Test
    void oneTickDoesNotRevealTheBestFrequencyButAFrequencyMoveDoes() {
        // Same IPC, MPKI and utilization at fmax; different memory-boundness behind them.
        AppSpec compute = new AppSpec("compute", List.of(Phase.steady(0.1, 1.0, 1, 3600)),
                new HiddenParams(7.0, 1.0, 1.0), AppSpec.TRAIN);
        AppSpec memory = new AppSpec("memory", List.of(Phase.steady(0.7, 1.0, 1, 3600)),
                new HiddenParams(1.0, 3.0, 1.0), AppSpec.TRAIN);
        PolicySample a = runAt(compute, FMAX, 5).policy(0);
        PolicySample b = runAt(memory, FMAX, 5).policy(0);
        assertEquals(a.ipc(), b.ipc(), 1e-6);
        assertEquals(a.mpki(), b.mpki(), 1e-6);
        assertEquals(a.utilization(), b.utilization(), 1e-9);
        SimulatedNode sim = new SimulatedNode(quietNode(), List.of(compute, memory, compute, memory), 1);
        assertTrue(sim.oracleKhz(1, 0.1) < sim.oracleKhz(0, 0.1) - 400_000, "yet their best frequencies differ");
        // Moving the frequency separates them: IPC barely moves for compute, rises for memory.
        double ipcRatioCompute = runAt(compute, 1_500_000, 5).policy(0).ipc() / a.ipc();
        double ipcRatioMemory = runAt(memory, 1_500_000, 5).policy(0).ipc() / b.ipc();
        assertTrue(ipcRatioMemory > ipcRatioCompute + 0.3, ipcRatioCompute + " vs " + ipcRatioMemory);
    }
}
