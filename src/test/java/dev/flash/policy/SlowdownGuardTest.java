package dev.flash.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sim.Physics;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SlowdownGuardTest {

    static final long MIN = 1_000_000;
    static final long MAX = 3_000_000;
    /** A real driver's table: 1.0 .. 3.0 GHz in 100 MHz steps (2.9 GHz is the step below the maximum). */
    static final long[] TABLE = LongStream.rangeClosed(10, 30).map(k -> k * 100_000).toArray();
    static final double BUDGET = 0.05;

    // ---- the estimator on hand-computed cases -------------------------------------------------

    @Test
    void demandFollowsUtilizationScaledByTheClockAndSaturationMeansTheWholeCpu() {
        assertEquals(0.25, SlowdownEstimator.demandAtFmax(0.5, 0, 0.5, 0), 1e-12);
        // m = 0.5 at half clock: t = 0.5/0.5 + 0.5 = 1.5 busy seconds per unit, 0.5 / 1.5 = 1/3.
        assertEquals(1.0 / 3, SlowdownEstimator.demandAtFmax(0.5, 0, 0.5, 0.5), 1e-12);
        assertEquals(1, SlowdownEstimator.demandAtFmax(0.97, 0, 0.5, 0), "saturated: demand unknown");
        assertEquals(1, SlowdownEstimator.demandAtFmax(0.6, 0.2, 0.5, 0), "tasks waiting: demand unknown");
        assertEquals(1, SlowdownEstimator.demandAtFmax(Double.NaN, 0, 0.5, 0), "no reading: the safe side");
    }

    @Test
    void slowdownAndTheLowestSafeClockMatchHandComputedValues() {
        assertEquals(0.2, SlowdownEstimator.slowdown(0.25, 0, 0.2), 1e-12);       // 1 - 0.2 / 0.25
        assertEquals(0.0, SlowdownEstimator.slowdown(0.25, 0, 0.3), 1e-12);       // capacity 0.3 > 0.25
        assertEquals(0.1, SlowdownEstimator.slowdown(1, 0, 0.9), 1e-12);          // CPU-bound, saturated
        assertEquals(1 - 1 / 1.125, SlowdownEstimator.slowdown(1, 0.5, 0.8), 1e-12); // t(0.8) = 0.625 + 0.5
        assertEquals(0.95, SlowdownEstimator.lowestSafeRatio(1, 0, BUDGET), 1e-12);
        assertEquals(0.5 / (1 / 0.95 - 0.5), SlowdownEstimator.lowestSafeRatio(1, 0.5, BUDGET), 1e-12);
        double r = SlowdownEstimator.lowestSafeRatio(0.6, 0.3, BUDGET);
        assertEquals(BUDGET, SlowdownEstimator.slowdown(0.6, 0.3, r), 1e-12, "the lowest safe clock sits on the budget");
    }

    @Test
    void withTheTrueStalledShareTheEstimateIsTheSimulatorsSlowdownAndWithoutItNeverBelow() {
        for (double load = 0.05; load <= 1.0; load += 0.05) {
            for (double m = 0; m <= 0.8; m += 0.1) {
                for (double rc = 0.4; rc <= 1.0; rc += 0.1) {
                    double u = Physics.utilization(load, m, rc);
                    if (u >= SlowdownEstimator.SATURATED) {
                        continue;
                    }
                    for (double r = 0.34; r <= rc; r += 0.03) {
                        double truth = Physics.slowdown(load, m, r);
                        assertEquals(truth, SlowdownEstimator.slowdown(u, 0, rc, m, r), 1e-9,
                                "load " + load + " m " + m + " rc " + rc + " r " + r);
                        assertTrue(SlowdownEstimator.slowdown(u, 0, rc, 0, r) >= truth - 1e-9,
                                "CPU-bound assumption underestimates at load " + load + " m " + m + " r " + r);
                    }
                }
            }
        }
    }

    // ---- the guard ----------------------------------------------------------------------------

    @Test
    void refusesAStepThatBreaksTheBudgetAndSnapsToTheTableStepBelowTheMaximum() {
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        // Saturated at 3.0 GHz; the ladder's first step down is 2.78 GHz (7% slower on CPU-bound work).
        PolicyDecision d = guard.apply(record(sample(MAX, 1.0, Double.NaN, Double.NaN, TABLE)),
                List.of(decision(2_777_778))).get(0);
        assertEquals(2_900_000, d.targetKhz(), "the table's 2.9 GHz is within 5% (3.3%), 2.8 GHz is not (6.7%)");
        assertEquals("down1", d.actionName(), "the model's action, at the guard's frequency");
        assertEquals(1, guard.raised());
    }

    @Test
    void letsThroughAStepWithinTheBudget() {
        SlowdownGuard guard = uncovered();
        PolicyDecision asked = decision(1_500_000);
        // 30% busy at 3.0 GHz: 0.9 GHz of CPU-bound work, 1.5 GHz loses nothing.
        PolicyDecision d = guard.apply(record(sample(MAX, 0.3, Double.NaN, Double.NaN, TABLE)), List.of(asked)).get(0);
        assertSame(asked, d);
        assertEquals(0, guard.raised());
        // 30% busy at 3.0 GHz asks 0.9 GHz: 1.0 GHz (the floor) is fine, and so is what the model asked.
        assertEquals(MIN, guard.safeKhz(sample(MAX, 0.3, Double.NaN, Double.NaN, TABLE), 0.3, 0));
    }

    @Test
    void budgetLeftUnspentInTheWindowLetsATickLoseMoreButAtMostThreeBudgets() {
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        for (int t = 0; t < 30; t++) { // 30% busy at fmax, kept at fmax: nothing lost, budget unspent
            guard.apply(record(sample(MAX, 0.3, Double.NaN, Double.NaN, TABLE)), List.of(decision(MAX)));
        }
        PolicyDecision d = guard.apply(record(sample(MAX, 1.0, Double.NaN, Double.NaN, TABLE)),
                List.of(decision(MIN))).get(0);
        // Saturated, CPU-bound: a fresh guard sets 2.9 GHz; the unspent budget allows up to 15% this tick.
        long atMostThreeBudgets = (long) Math.ceil((1 - SlowdownGuard.MAX_TICK_BUDGET * BUDGET) * MAX);
        assertTrue(d.targetKhz() < 2_900_000, "the window's slack is used: " + d.targetKhz());
        assertTrue(d.targetKhz() >= atMostThreeBudgets, d.targetKhz() + " loses more than 3 budgets");
        // Spent: after a run of saturated ticks at the guard's frequency the slack is gone and 2.9 GHz
        // is back (between spells of 2.8 GHz, which the account pays for: see the hysteresis).
        long last = 0;
        long highest = 0;
        for (int t = 0; t < 60; t++) {
            last = guard.apply(record(sample(last == 0 ? d.targetKhz() : last, 1.0, Double.NaN, Double.NaN, TABLE)),
                    List.of(decision(MIN))).get(0).targetKhz();
            highest = t >= 40 ? Math.max(highest, last) : highest;
        }
        assertTrue(highest >= 2_900_000, "slack spent: " + highest);
    }

    @Test
    void withoutATableTheGuardSetsTheExactLowestSafeFrequency() {
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        PolicyDecision d = guard.apply(record(sample(MAX, 1.0, Double.NaN, Double.NaN, new long[0])),
                List.of(decision(2_000_000))).get(0);
        assertEquals(2_850_000, d.targetKhz(), 1);
    }

    @Test
    void aPhaseTurningBusyGoesStraightUpNotOneLadderStep() {
        SlowdownGuard guard = uncovered();
        PolicyDecision idle = guard.apply(record(sample(MIN, 0.1, Double.NaN, Double.NaN, TABLE)),
                List.of(decision(MIN))).get(0);
        assertEquals(MIN, idle.targetKhz(), "the floor is fine while the load idles");
        // Saturated at the floor; the model moves one ladder step up (1.22 GHz). The guard goes
        // to the step below the maximum, or to the maximum itself where, as here, the run queue
        // has never shown a wait and the second is charged at the CPU-bound loss at the floor.
        PolicyDecision busy = guard.apply(record(sample(MIN, 1.0, Double.NaN, Double.NaN, TABLE)),
                List.of(decision(1_222_222))).get(0);
        assertTrue(busy.targetKhz() >= 2_900_000, "straight up, got " + busy.targetKhz());
    }

    @Test
    void withoutCountersSaturatedMemoryBoundWorkIsTreatedAsCpuBoundAndWithThemItMayGoLower() {
        double m = 0.6;
        double mpki = 12;
        double baseIpc = 1.5;
        SlowdownGuard blind = new SlowdownGuard(BUDGET);
        SlowdownGuard counting = new SlowdownGuard(BUDGET);
        long lastBlind = 0;
        long lastCounting = 0;
        // The same saturated memory-bound phase seen at 3.0, 2.0, 3.0 and 2.0 GHz.
        for (long khz : new long[] {MAX, 2_000_000, MAX, 2_000_000}) {
            double ipc = Physics.ipc(baseIpc, m, (double) khz / MAX);
            lastBlind = blind.apply(record(sample(khz, 1.0, Double.NaN, Double.NaN, TABLE)),
                    List.of(decision(MIN))).get(0).targetKhz();
            lastCounting = counting.apply(record(sample(khz, 1.0, ipc, mpki, TABLE)),
                    List.of(decision(MIN))).get(0).targetKhz();
        }
        assertEquals(0.2, blind.expectedSlowdown(0, 0.8), 1e-12, "no PMU: fully CPU-bound, 1 - r");
        double withCounters = counting.expectedSlowdown(0, 0.8);
        assertTrue(withCounters < 0.2 && withCounters >= Physics.slowdown(1.0, m, 0.8) - 1e-12,
                "the clock-insensitive share shows in the counters, never more than it is: " + withCounters);
        assertTrue(lastCounting <= lastBlind, lastCounting + " > " + lastBlind);
        // Never lower than the true stalled share allows, with all the slack a tick may spend.
        long trueSafe = (long) Math.ceil(
                SlowdownEstimator.lowestSafeRatio(1, m, SlowdownGuard.MAX_TICK_BUDGET * BUDGET) * MAX);
        assertTrue(lastCounting >= trueSafe, lastCounting + " below the true lowest safe " + trueSafe);
    }

    @Test
    void stallShareIsALowerBoundAndForgetsOnAPhaseChange() {
        StallShare s = new StallShare();
        double m = 0.5;
        s.update(1.0, Physics.ipc(1.2, m, 1.0), 8);
        double learnt = s.update(0.6, Physics.ipc(1.2, m, 0.6), 8);
        assertTrue(learnt > 0 && learnt <= m, "lower bound of 0.5: " + learnt);
        assertEquals(0, s.update(0.6, 1.0, 20), "MPKI jumped: another phase");
        assertEquals(0, s.update(1.0, Double.NaN, Double.NaN), "no counters: CPU-bound");
    }

    // ---- learning from its own misses, noise, the boost bin ------------------------

    /** An intel_pstate-like part: 800-2400 MHz in 25 MHz steps, then the boost bin at 3700. */
    static final long BOOST_MAX = 3_700_000;
    static final long[] BOOST_TABLE = LongStream.concat(
            LongStream.rangeClosed(32, 96).map(k -> k * 25_000), LongStream.of(BOOST_MAX)).toArray();

    @Test
    void aStepFromTheBoostBinToBaseIsRefusedWhenItBreaksTheBudget() {
        SlowdownGuard guard = uncovered();
        // Saturated in the boost bin: base (2.4 GHz) is 35% slower on CPU-bound work; nothing between.
        PolicyDecision d = guard.apply(record(boostSample(BOOST_MAX, 1.0, 0.0)), List.of(decision(2_400_000))).get(0);
        assertEquals(BOOST_MAX, d.targetKhz());
        // Half busy in the boost bin asks 1.85 GHz: base serves it without loss and is let through.
        SlowdownGuard quiet = uncovered();
        PolicyDecision asked = decision(2_400_000);
        assertSame(asked, quiet.apply(record(boostSample(BOOST_MAX, 0.5, 0.0)), List.of(asked)).get(0));
    }

    @Test
    void oneQuietSecondOfANoisyLoadDoesNotBuyADeepStep() {
        SlowdownGuard steady = uncovered();
        SlowdownGuard noisy = uncovered();
        for (int t = 0; t < 20; t++) {
            steady.apply(record(boostSample(BOOST_MAX, 0.5, 0.0)), List.of(decision(BOOST_MAX)));
            noisy.apply(record(boostSample(BOOST_MAX, t % 2 == 0 ? 1.0 : 0.5, 0.0)), List.of(decision(BOOST_MAX)));
        }
        // The same reading (half busy in the boost bin) and the same request (1.6 GHz).
        long afterSteady = steady.apply(record(boostSample(BOOST_MAX, 0.5, 0.0)), List.of(decision(1_600_000)))
                .get(0).targetKhz();
        long afterNoisy = noisy.apply(record(boostSample(BOOST_MAX, 0.5, 0.0)), List.of(decision(1_600_000)))
                .get(0).targetKhz();
        assertEquals(1_600_000, afterSteady, "a steady half load (1.85 GHz of work) may lose a little at 1.6 GHz");
        assertTrue(afterNoisy >= 2_000_000, "a load that saturates every other second is served at its mean: "
                + afterNoisy);
    }

    @Test
    void spikesAfterIdleAreLearntAndKeepTheIdleClockHigherOnlyWhereTheyHappen() {
        SlowdownGuard calm = uncovered();
        SlowdownGuard spiky = uncovered();
        long calmIdle = 0;
        long spikyIdle = 0;
        // Cycles of 15 idle seconds and a 5 s CPU-bound saturation; the model always asks for the floor.
        long cur = MIN;
        for (int cycle = 0; cycle < 4; cycle++) {
            for (int t = 0; t < 20; t++) {
                boolean busy = t >= 15;
                calmIdle = calm.apply(record(sampleWithWait(MIN, 0.05, 0.0)), List.of(decision(MIN))).get(0).targetKhz();
                double waiting = busy ? 1 - (double) cur / MAX : 0; // the work the clock could not serve waits
                long set = spiky.apply(record(sampleWithWait(cur, busy ? 1.0 : 0.05, waiting)),
                        List.of(decision(MIN))).get(0).targetKhz();
                if (!busy) {
                    spikyIdle = set;
                }
                cur = set;
            }
        }
        assertEquals(MIN, calmIdle, "an application that never jumps keeps the floor while idle");
        assertTrue(spikyIdle > MIN, "after jumps at the floor the idle clock is kept higher: " + spikyIdle);
    }

    @Test
    void withoutSchedstatAJumpIsChargedAtTheMostItCanHaveLost() {
        SlowdownGuard withWait = new SlowdownGuard(BUDGET);
        SlowdownGuard blind = new SlowdownGuard(BUDGET);
        long measured = 0;
        long conservative = 0;
        for (int t = 0; t < 12; t++) {
            boolean jump = t == 6; // one second saturated at the floor, with 5% of runnable time waiting
            long cur = jump ? MIN : MAX;
            double u = jump ? 1.0 : 0.3;
            withWait.apply(record(sampleWithWait(cur, u, jump ? 0.05 : 0.0)), List.of(decision(MIN)));
            blind.apply(record(sampleWithWait(cur, u, Double.NaN)), List.of(decision(MIN)));
        }
        // Then a saturated second at fmax; the model asks for the floor.
        measured = withWait.apply(record(sampleWithWait(MAX, 1.0, 0.0)), List.of(decision(MIN))).get(0).targetKhz();
        conservative = blind.apply(record(sampleWithWait(MAX, 1.0, Double.NaN)), List.of(decision(MIN))).get(0)
                .targetKhz();
        assertTrue(conservative >= measured, conservative + " < " + measured);
        assertTrue(conservative > measured || conservative == MAX,
                "the jump's full loss at the floor leaves less budget: " + conservative + " vs " + measured);
    }

    @Test
    void spendingTheBudgetBetweenTwoTableStepsAlternatesEveryFewTicksNotEveryTick() {
        // Saturated CPU-bound work, no counters: 2.9 GHz loses 3.3%, 2.8 GHz 6.7%; the account
        // spends the 5% budget by alternating them. The model always asks for the floor.
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        long cur = MAX;
        int changes = 0;
        double lost = 0;
        int ticks = 240;
        for (int t = 0; t < ticks; t++) {
            long next = guard.apply(record(sample(cur, 1.0, Double.NaN, Double.NaN, TABLE)), List.of(decision(MIN)))
                    .get(0).targetKhz();
            if (t >= 60) {
                changes += next != cur ? 1 : 0;
                lost += 1 - (double) next / MAX;
            }
            cur = next;
        }
        int counted = ticks - 60;
        assertTrue(changes <= counted / 3, changes + " changes in " + counted + " ticks");
        assertEquals(BUDGET, lost / counted, 0.01, "the budget is still what is spent on average");
    }

    @Test
    void aKnownPartLoadThatTheGuardLetSaturateIsNotRevisitedAtOnce() {
        // 87% of a CPU at fmax, CPU-bound: the guard lets it run just below saturation (its loss
        // within budget); the next tick reads saturated ("demand unknown") and goes up. It then
        // holds the higher clock one tick more before going down again.
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        long cur = MAX;
        java.util.List<Long> set = new java.util.ArrayList<>();
        for (int t = 0; t < 40; t++) {
            double demand = 0.87;
            double util = Math.min(1, demand * MAX / cur);
            cur = guard.apply(record(sample(cur, util, Double.NaN, Double.NaN, TABLE)), List.of(decision(MIN)))
                    .get(0).targetKhz();
            set.add(cur);
        }
        for (int t = 2; t < set.size(); t++) {
            boolean wentDown = set.get(t) < set.get(t - 1);
            boolean wentUpJustBefore = set.get(t - 1) > set.get(t - 2);
            assertTrue(!(wentDown && wentUpJustBefore), "down right after an up at tick " + t + ": " + set);
        }
    }

    // ---- a run queue that cannot tell (one thread per CPU) --------------------------------------

    @Test
    void aSaturatedSecondWithNoWaitIsChargedInFullUnlessTheQueueHasShownItReportsWaiting() {
        // A load just over the floor's capacity: the run queue of an open-demand node shows a
        // small wait (5%). One that has shown a wait before is believed: the account charges 5%
        // and the next tick may stay below the maximum. One that never showed any (one thread
        // per CPU) is not: the second is charged at the CPU-bound loss at the floor (67%).
        SlowdownGuard trusting = new SlowdownGuard(BUDGET);
        SlowdownGuard doubting = new SlowdownGuard(BUDGET);
        trusting.apply(record(sampleWithWait(MAX, 1.0, 0.2)), List.of(decision(MAX))); // a wait was seen
        for (int t = 0; t < 30; t++) {
            trusting.apply(record(sampleWithWait(MIN, 0.1, 0.0)), List.of(decision(MIN)));
            doubting.apply(record(sampleWithWait(MIN, 0.1, 0.0)), List.of(decision(MIN)));
        }
        long believed = trusting.apply(record(sampleWithWait(MIN, 1.0, 0.05)), List.of(decision(MIN))).get(0).targetKhz();
        long doubted = doubting.apply(record(sampleWithWait(MIN, 1.0, 0.0)), List.of(decision(MIN))).get(0).targetKhz();
        assertEquals(MAX, doubted, "the full loss puts the account in debt: paid back at the maximum");
        assertTrue(believed < MAX, "a believed 5% loss leaves slack: " + believed);
    }

    @Test
    void withAQueueThatCannotTellAFarRiseOfUtilizationCountsAsAPartlySaturatedTick() {
        // 10% of a CPU at the floor for 30 s, then a tick reading 45%: a phase that turned busy
        // within the second. With a queue that reports waiting, no wait means the CPU kept up
        // (a partial load: a low clock is right); with one that cannot tell, the next tick is
        // decided as for a saturated one.
        for (boolean queueShowedWait : new boolean[] {true, false}) {
            SlowdownGuard guard = uncovered();
            if (queueShowedWait) {
                guard.apply(record(sampleWithWait(MAX, 1.0, 0.2)), List.of(decision(MAX)));
            }
            long cur = MIN;
            for (int t = 0; t < 30; t++) {
                cur = guard.apply(record(sampleWithWait(cur, Math.min(1, 0.1 / 3 * MAX / cur), 0.0)),
                        List.of(decision(MIN))).get(0).targetKhz();
            }
            long next = guard.apply(record(sampleWithWait(cur, 0.45, 0.0)), List.of(decision(MIN))).get(0).targetKhz();
            if (queueShowedWait) {
                assertTrue(next < 2_000_000, "a partial load, believed: " + next);
            } else {
                assertTrue(next >= 2_900_000, "possibly saturated: at or near the maximum, got " + next);
            }
        }
    }

    @Test
    void aNoisyLoadsOrdinarySwingsAreNotTakenForRises() {
        // A load whose busiest CPU swings between 12% and 28% of fmax every second, with a queue
        // that cannot tell: the swings are the guard's usual miss, not a phase turning busy, so
        // after its first seconds it never treats one as saturation (the maximum, or the step
        // below it).
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        long cur = MAX;
        java.util.List<Long> set = new java.util.ArrayList<>();
        for (int t = 0; t < 120; t++) {
            double demand = t % 2 == 0 ? 0.12 : 0.28;
            cur = guard.apply(record(sampleWithWait(cur, Math.min(1, demand * MAX / cur), 0.0)),
                    List.of(decision(MIN))).get(0).targetKhz();
            set.add(cur);
        }
        assertTrue(set.subList(30, set.size()).stream().allMatch(k -> k < 2_900_000), set.toString());
    }

    @Test
    void whereTheQueueCannotTellJumpsMayTakeHalfTheBudgetNotThreeQuarters() {
        // The same history for two guards: 15 quiet seconds, then 5 saturated ones at the clock
        // the guard set, the model asking for the floor. One node's queue reports the work the
        // clock could not serve as waiting (w = the CPU-bound loss, so both accounts charge the
        // same loss); the other's shows no wait (one thread per CPU). Only the reserve differs:
        // the blind guard keeps the quiet clock higher (jumps may take half the budget, not 3/4).
        SlowdownGuard trusting = new SlowdownGuard(BUDGET);
        SlowdownGuard doubting = new SlowdownGuard(BUDGET);
        long curT = MIN;
        long curD = MIN;
        long quietT = 0;
        long quietD = 0;
        for (int cycle = 0; cycle < 4; cycle++) {
            for (int t = 0; t < 20; t++) {
                boolean busy = t >= 15;
                double u = busy ? 1.0 : 0.05;
                curT = trusting.apply(record(sampleWithWait(curT, u, busy ? 1 - (double) curT / MAX : 0)),
                        List.of(decision(MIN))).get(0).targetKhz();
                curD = doubting.apply(record(sampleWithWait(curD, u, 0.0)), List.of(decision(MIN))).get(0).targetKhz();
                if (t == 14) {
                    quietT = curT;
                    quietD = curD;
                }
            }
        }
        assertTrue(quietD > quietT, "blind queue " + quietD + " <= trusted queue " + quietT);
        assertEquals(0.5, SlowdownGuard.JUMP_RESERVE_BLIND_QUEUE / 1.0, 1e-12);
        assertTrue(SlowdownGuard.JUMP_RESERVE < 1, "jumps share the budget with the account's plan");
    }

    @Test
    void aPhaseThatJustBeganIsNotProbedOnTheTickAfterItsJump() {
        // Counters present, a quiet phase (5% of a CPU, MPKI 2; little slack in the account) for 30 s at the clocks the guard sets, then a
        // saturated CPU-bound phase (MPKI 8) begins: its first tick is a jump. The tick after it
        // is not spent on the probe (10% of fmax below the CPU-bound safe 2.9 GHz: 2.6 GHz, what
        // the guard set there before this rule).
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        guard.apply(record(sampleWithCounters(MAX, 1.0, 0.3)), List.of(decision(MAX))); // the queue reports waits
        long cur = MAX;
        for (int t = 0; t < 30; t++) {
            cur = guard.apply(record(sampleWithCounters(cur, Math.min(1, 0.05 * MAX / cur), 0.0, 1.5, 2)),
                    List.of(decision(MIN))).get(0).targetKhz();
        }
        // The queue measured a small loss (3%), so the account is not in debt (no probe in debt).
        long afterJump = guard.apply(record(sampleWithCounters(cur, 1.0, 0.03, 1.5, 8)),
                List.of(decision(MIN))).get(0).targetKhz();
        long probeClock = 2_900_000 - MAX / 10;
        assertTrue(afterJump > probeClock, "no probe on the tick after the jump: " + afterJump);
    }

    @Test
    void aSecondSaturatedUnforeseenAfterANearIdleStartCannotBreakTheWholeRunsBudget() {
        // 59 s at 0.5% of a CPU, the model asking for the floor. The whole life so far asked for
        // 0.3 CPU-seconds at fmax; a next second that saturates unforeseen (a cron job) asks for a
        // whole one. What it may lose is what keeps the life within 5%: 5% of 1.3 CPU-seconds,
        // so at most 6.5% of CPU-bound work: 2.9 GHz (3.3%), not the floor (67%) or 2.8 GHz (6.7%).
        // (The idle floor counts only after two minutes: next test.)
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        long cur = MAX;
        for (int t = 0; t < 59; t++) {
            cur = guard.apply(record(sampleWithWait(cur, 0.005 * MAX / cur, 0.0)), List.of(decision(MIN))).get(0)
                    .targetKhz();
        }
        assertEquals(2_900_000, cur, "the idle clock covers one unforeseen saturated second");
        // A load that has done work meanwhile has budget to cover that second at any clock: two
        // minutes at 30% of a CPU leave 1.8 CPU-seconds unspent, and the guard follows the load down.
        for (int t = 0; t < 120; t++) {
            cur = guard.apply(record(sampleWithWait(cur, Math.min(1, 0.3 * MAX / cur), 0.0)), List.of(decision(MIN)))
                    .get(0).targetKhz();
        }
        assertTrue(cur < 1_500_000, "the cover is released as the life's work grows: " + cur);
    }

    @Test
    void anIdleHostIsLetDownToTheFloorWithinHalfAnHour() {
        // 0.1% of a CPU, the model asking for the floor. The life accrues almost no work, so
        // without the idle floor the cover held the clock near the maximum for ever. With it the
        // cover counts 1% of a CPU a tick after the first two minutes: after ten minutes the clock
        // is on its way down, and within half an hour the host is parked where the model asked.
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        long cur = MAX;
        long atTenMinutes = 0;
        for (int t = 1; t <= 1800; t++) {
            cur = guard.apply(record(sampleWithWait(cur, 0.001 * MAX / cur, 0.0)), List.of(decision(MIN))).get(0)
                    .targetKhz();
            if (t == 60) {
                assertTrue(cur >= 2_800_000, "a minute in, still covered: " + cur);
            }
            if (t == 600) {
                atTenMinutes = cur;
            }
        }
        assertTrue(atTenMinutes < 2_500_000, "ten minutes in, the cover has come down: " + atTenMinutes);
        assertEquals(MIN, cur, "parked at the floor the model asked for after half an hour");
    }

    @Test
    void anIdleHostWhoseWaitShareIsNoiseIsParkedAsAQuietOne() {
        // One thread per CPU: on a CPU 0.1% busy the run-queue wait share is kernel noise of
        // 0-3% (every 7th tick 3%, above WAITING). Read as queueing, each such tick was a jump
        // charged a whole CPU-second and the host was held near the maximum for ever; the wait
        // of an idle CPU is microseconds, so it is not evidence: parked within half an hour with
        // the idle-wait rule (off by default).
        SlowdownGuard guard = new SlowdownGuard(null, BUDGET, SlowdownGuard.COVER_SECONDS, false, true);
        long cur = MAX;
        for (int t = 1; t <= 1800; t++) {
            double wait = t % 7 == 0 ? 0.03 : (t % 3) * 0.005;
            cur = guard.apply(record(sampleWithWait(cur, 0.001 * MAX / cur, wait)), List.of(decision(MIN))).get(0)
                    .targetKhz();
        }
        assertEquals(MIN, cur, "parked at the floor the model asked for after half an hour");
    }

    @Test
    void aWaitShareIsQueueingOnlyWhenTheTasksWaitedRealTime() {
        // 3% of the runnable time waiting: noise on a CPU 0.1% busy, queueing on one 60% busy.
        double least = SlowdownEstimator.MIN_WAIT_SECONDS;
        assertFalse(SlowdownEstimator.queueing(0.001, 0.03, least));
        assertTrue(SlowdownEstimator.queueing(0.6, 0.03, least));
        assertEquals(1, SlowdownEstimator.demandAtFmax(0.6, 0.03, 1, 0, least), 1e-12);
        assertEquals(0.001, SlowdownEstimator.demandAtFmax(0.001, 0.03, 1, 0, least), 1e-12);
        // A 25 ms burst at twice the capacity on an otherwise idle CPU waited 25 ms: queueing.
        assertTrue(SlowdownEstimator.queueing(0.03, 0.45, least));
        assertFalse(SlowdownEstimator.queueing(0.6, 0.01, least));
        assertFalse(SlowdownEstimator.queueing(0.6, Double.NaN, least));
        // The default (0): any share above WAITING, as before the rule.
        assertTrue(SlowdownEstimator.queueing(0.001, 0.03, 0));
        assertEquals(1, SlowdownEstimator.demandAtFmax(0.001, 0.03, 1, 0), 1e-12);
    }

    @Test
    void theCappedShareRuleLearnsWorkThatIsServedAtTheClocksCapacity() {
        // Half a CPU of smooth work plus a saturated stretch of 0.2 s a tick, one thread per CPU
        // (no wait): the work measured is 0.5 + 0.2 r. Without the rule the guard follows it
        // down; with it the clock stays where the stretch loses at most the budget.
        long[] ends = new long[2];
        double[] losses = new double[2];
        for (int k = 0; k < 2; k++) {
            SlowdownGuard guard = new SlowdownGuard(null, BUDGET, SlowdownGuard.COVER_SECONDS, k == 1, false);
            long cur = MAX;
            double lost = 0;
            double work = 0;
            for (int t = 1; t <= 600; t++) {
                double r = (double) cur / MAX;
                double served = 0.5 + 0.2 * r;
                cur = guard.apply(record(sampleWithWait(cur, Math.min(0.94, 0.5 / r + 0.2), 0.0)), List.of(decision(MIN)))
                        .get(0).targetKhz();
                lost += 0.7 - served;
                work += 0.7;
            }
            ends[k] = cur;
            losses[k] = lost / work;
        }
        assertTrue(losses[0] > BUDGET, "without the rule the stretch's work is lost: " + losses[0]);
        assertTrue(losses[1] <= BUDGET, "with it within budget: " + losses[1]);
        assertTrue(ends[1] > ends[0], "held higher: " + ends[1] + " vs " + ends[0]);
    }

    @Test
    void aSpikeAfterHoursParkedCoversTheIdleHostAgain() {
        // Three hours at 0.1% of a CPU (parked at the floor), then one saturated second met at
        // the floor. The idle floor counts quiet ticks only, so the cover is back at once: a
        // quarter of an hour later (the jump reserve has forgotten the spike) the idle clock is
        // still held above the floor; once the host has been quiet for half an hour again it
        // is parked. Counting every tick of the life, the spike's loss (0.67 CPU-seconds) fit
        // the hour's floor and the host went straight back to the floor.
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        long cur = idle(guard, MAX, 3 * 3600, 0.001);
        assertEquals(MIN, cur, "parked after three idle hours");
        cur = guard.apply(record(sampleWithWait(cur, 1.0, 0.0)), List.of(decision(MIN))).get(0).targetKhz();
        cur = idle(guard, cur, 880, 0.001);
        assertTrue(cur > MIN, "covered again a quarter of an hour after the spike: " + cur);
        cur = idle(guard, cur, 1800 - 880, 0.001);
        assertEquals(MIN, cur, "parked again after half an hour of quiet");
    }

    @Test
    void theLifeIsTheLastHourSoABusyPastDoesNotReleaseTheCoverForGood() {
        // Two hours at 30% of a CPU (2,160 CPU-seconds), six hours at 0.1%, then a spike met at
        // the floor. The life counts the last hour (LIFE_TICKS): the busy hours are forgotten, and
        // a quarter of an hour after the spike the cover holds the idle clock above the floor.
        // A life since boot would still count the busy hours' 108 CPU-seconds of unspent budget
        // and leave the host at the floor.
        SlowdownGuard guard = new SlowdownGuard(BUDGET);
        long cur = idle(guard, MAX, 2 * 3600, 0.3);
        cur = idle(guard, cur, 6 * 3600, 0.001);
        assertEquals(MIN, cur, "parked after six idle hours");
        cur = guard.apply(record(sampleWithWait(cur, 1.0, 0.0)), List.of(decision(MIN))).get(0).targetKhz();
        cur = idle(guard, cur, 880, 0.001);
        assertTrue(cur > MIN, "covered again after the spike: " + cur);
    }

    /** {@code ticks} ticks at {@code load} CPUs at fmax, the model asking for the floor; the last clock set. */
    private static long idle(SlowdownGuard guard, long cur, int ticks, double load) {
        for (int t = 0; t < ticks; t++) {
            cur = guard.apply(record(sampleWithWait(cur, Math.min(1, load * MAX / cur), 0.0)), List.of(decision(MIN)))
                    .get(0).targetKhz();
        }
        return cur;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * A guard without the cover against the first jump (which keeps a fresh guard near the
     * maximum until its life has done some work): for tests of the estimator and the other rules
     * on a fresh guard. The cover has its own test.
     */
    static SlowdownGuard uncovered() {
        return new SlowdownGuard(null, BUDGET, 0);
    }

    static PolicySample boostSample(long curKhz, double util, double runWait) {
        return new PolicySample(0, new int[] {0}, "intel_pstate", "userspace", List.of("userspace"), 800_000, BOOST_MAX,
                800_000, BOOST_MAX, curKhz, BOOST_TABLE, util, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, runWait);
    }

    static PolicySample sampleWithWait(long curKhz, double util, double runWait) {
        return new PolicySample(0, new int[] {0}, "acpi-cpufreq", "userspace", List.of("userspace"), MIN, MAX, MIN,
                MAX, curKhz, TABLE, util, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, runWait);
    }

    static PolicySample sampleWithCounters(long curKhz, double util, double runWait) {
        return sampleWithCounters(curKhz, util, runWait, 1.5, 2);
    }

    static PolicySample sampleWithCounters(long curKhz, double util, double runWait, double ipc, double mpki) {
        return new PolicySample(0, new int[] {0}, "acpi-cpufreq", "userspace", List.of("userspace"), MIN, MAX, MIN,
                MAX, curKhz, TABLE, util, ipc, mpki, Double.NaN, Double.NaN, Double.NaN, runWait);
    }

    static PolicyDecision decision(long khz) {
        return new PolicyDecision(0, 2, "down1", khz, new float[0], Double.NaN);
    }

    static PolicySample sample(long curKhz, double util, double ipc, double mpki, long[] table) {
        return new PolicySample(0, new int[] {0}, "acpi-cpufreq", "userspace", List.of("userspace"), MIN, MAX, MIN,
                MAX, curKhz, table, util, ipc, mpki, Double.NaN, Double.NaN, Double.NaN, 0.0);
    }

    static TelemetryRecord record(PolicySample p) {
        return new TelemetryRecord(1, 1, 1.0, List.of(p), new double[] {p.utilization()}, List.of(), Double.NaN,
                Map.of());
    }
}
