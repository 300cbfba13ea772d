package dev.flash.policy;

import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime safety layer between a policy's decisions and the actuator: a target whose
 * estimated slowdown ({@link SlowdownEstimator}) breaks the budget is raised to the lowest
 * frequency of the policy's own table (its exact kHz when the driver has no table) whose
 * estimate is within budget (this tick's: see {@link #WINDOW_TICKS}). It never lowers a target, so it can only cost saving, never
 * performance.
 *
 * <p>Because it snaps to the real table, the step just below the maximum is reachable (2.9 GHz
 * under a 3.0 GHz maximum, where a ten-level ladder's first step down is 2.8 GHz).
 *
 * <p>The guard sets the frequency the demand needs at once, whatever the ladder of the model's
 * actions: when a phase turns busy (the CPU saturates at a low clock), the next tick runs at the
 * step below the maximum, not one ladder step up. The demand it serves is the last tick's or the
 * mean of the last {@link #MEAN_TICKS}, whichever is higher, so one quiet second of a noisy load
 * does not buy a deep step (on a node with a boost bin, the step from the bin to base is 35%).
 *
 * <p>It learns from its own misses, per application: a tick that saturates although the guard
 * expected it not to (a jump: a burst, a spike after idle) is charged to the budget account with
 * the loss the run queue measured (the CPU-bound loss at its clock without schedstat), and the
 * rate of such jumps, weighted by how much of that loss they had, keeps the clock high enough
 * that the next jump's expected loss fits the budget ({@link #JUMP_RESERVE}). An application
 * that never jumps pays nothing for this.
 *
 * <p>Before it has seen a jump it still covers one: the clock stays high enough that a coming
 * tick which saturates unforeseen cannot take the application's last hour over budget
 * ({@link #COVER_SECONDS}, {@link #LIFE_TICKS}); the cover falls as the hour's work grows, and on
 * a host that stays quiet as the idle floor grows ({@link #IDLE_FLOOR}), so an idle host is
 * parked within about half an hour. A probe (below) is paid from what the hour left unspent.
 *
 * <p>It trusts the run queue only once it has seen it report a wait: with one thread per CPU a
 * saturated job waits for nobody however slow the clock, so until the queue has shown a wait (and
 * again once clear surprise saturations show none) every jump is charged at the most it can
 * have lost, and a tick whose utilization rose far beyond the guard's usual miss counts as one
 * that saturated part of the time ({@link #RISE}). While the account is overspent it is paid
 * back before anything else: no hysteresis hold, no probe, and no floor under the tick's budget.
 *
 * <p>With counters, the guard learns a lower bound on the phase's stalled share
 * ({@link StallShare}); to learn it when it has pinned a saturated phase near the maximum, it
 * lets one tick per phase run {@link #PROBE} lower.
 *
 * <p>It changes the clock no more often than it must: the clock it set last tick is kept while
 * it loses at most {@link #HYSTERESIS} budgets beyond this tick's budget, and after a partly
 * loaded phase it let run into saturation reads saturated, the higher clock is held
 * {@link #SAWTOOTH_DWELL_TICKS} ticks.
 */
public final class SlowdownGuard implements FrequencyPolicy {

    /**
     * The budget holds for an application's total, not for every second: the guard keeps an
     * account per policy of the work asked for and the work its estimate says was lost (what
     * the run queue measured, on a jump), over an exponential window of this many ticks (a minute at the default 1 s period, so an hour of
     * idle does not buy a long slow stretch), and lets a tick spend part of what the window left unspent.
     */
    public static final int WINDOW_TICKS = 60;
    /** Share of the window's unspent budget one tick may spend. */
    public static final double SLACK_USE = 0.5;
    /** Most a single tick may spend, in budgets (3: 15% for a 5% budget). */
    public static final double MAX_TICK_BUDGET = 3;
    /** Least a single tick may spend, in budgets, when the window overspent. */
    public static final double MIN_TICK_BUDGET = 0.5;
    /**
     * Window of the jump rate, ticks: two minutes, so that a server saturating once every
     * minute or two is still remembered as one that does.
     */
    public static final int JUMP_WINDOW_TICKS = 120;
    /**
     * How much of the budget the expected loss of jumps may take, in budgets, where the run
     * queue is trusted: the guard keeps the clock high enough that (jump rate x loss if the next
     * tick saturates) stays within this many budgets of the window's mean work per tick. Less
     * than 1 because the account may already have planned to spend the whole budget on the
     * ticks around the jumps (the tick after a request starts, the tick after a burst), and the
     * ticks between jumps cannot make up for them (a quiet tick loses nothing at any clock): with
     * 1, applications whose work is all in short requests spent the budget twice and ended 5.1-5.6%
     * slow. 2 until the morning of 2026-12-07, 1 until its afternoon; 0.5, 0.75 and 1 tried on
     * foreign-apps-4 (2, 1 and 2-3 applications over budget) and the default held-out set
     * (share of the oracle's saving 72.4%, 74.2%, 75.2%; docs/log/2026-12-07-dvfs-guard-5.md).
     */
    public static final double JUMP_RESERVE = 0.75;
    /**
     * {@link #JUMP_RESERVE} while the run queue is not trusted (one thread per CPU, no
     * schedstat, or not yet seen to report a wait): half the budget. There a jump's loss is only
     * bounded (the far-rise share of the tick at the CPU-bound loss), not measured, and the account
     * learns of it a tick late and may already have planned to spend the whole budget on the
     * ticks around it. 0.5, 0.75 and 1 tried on foreign-apps-3/-4 with one thread per CPU (1-2,
     * 3-4 and 4-5 applications over budget; docs/log/2026-12-07-dvfs-guard-5.md).
     */
    public static final double JUMP_RESERVE_BLIND_QUEUE = 0.5;
    /** Window of the demand's mean, ticks (see {@link Track#servedDemand}). */
    public static final int MEAN_TICKS = 10;

    /**
     * Depth of the probe below the CPU-bound safe frequency, as a share of fmax: one tick per
     * phase at most, when the counters can tell how much of the work ignores the clock (about
     * 15% of one second's work lost if it is all CPU-bound and saturated), and only while what
     * the whole life left unspent covers that loss (with the cover of {@link #COVER_SECONDS} a
     * fresh guard probed the tail of every 2.3 s burst of a test application and ended at 5.6%).
     */
    public static final double PROBE = 0.1;

    /**
     * How far, in budgets, the clock the guard let through last tick may lose beyond this tick's
     * budget and still be kept (never beyond {@link #MAX_TICK_BUDGET}). Spending the budget
     * exactly on a saturated phase whose loss lies between two table steps (2.8 GHz loses 6.7%,
     * 2.9 GHz 3.3% on CPU-bound work) made the account alternate them every tick; kept a little
     * longer, the lower clock runs several ticks, then the higher one as many, for the same
     * average (the account pays back what a tick overspent). Only the account's part: a demand
     * that rose, or the jump reserve, still raise the clock at once. 0.8 was chosen on the default
     * held-out set (0.2, 0.4, 0.8 and 1.2 tried: 1.2 broke the budget on 8 applications;
     * docs/log/2026-12-07-dvfs-repeatability.md).
     */
    public static final double HYSTERESIS = 0.8;

    /**
     * Ticks a clock is held after the guard went up because a partly loaded phase it had set
     * just below saturation read saturated ("demand unknown") before it may go down again.
     * Going straight back down is the sawtooth of a partly loaded phase (a change every tick);
     * 2 (one tick more at the higher clock) was chosen on the default held-out set (1, 2 and 3
     * tried with the hysteresis; a hold after every step up, 2-6 ticks, cost 2-6 points of share).
     */
    public static final int SAWTOOTH_DWELL_TICKS = 2;

    /**
     * Least rise of the busiest CPU's utilization beyond the one the guard predicted, while the
     * run queue cannot be trusted, that counts as a jump (part of the tick saturated: a phase
     * turned busy inside it); it must also exceed {@link #RISE_MISSES} of the guard's usual
     * miss, so that a noisy load's ordinary seconds do not count.
     */
    public static final double RISE = 0.15;
    /**
     * How many usual misses (mean absolute error of the predicted utilization, about 0.8
     * standard deviations for a normal load) a rise must exceed to count: 3, about 2.4
     * standard deviations (2 and 4 tried on the default held-out set with an earlier form of
     * these rules: 75.2% and 77.3% of the oracle's saving against 76.7% for 3, all 200/200;
     * docs/log/2026-12-07-dvfs-guard-4.md).
     */
    public static final double RISE_MISSES = 3;
    /**
     * Pieces of evidence the run queue's trust is averaged over: a wait above twice
     * {@link SlowdownEstimator#WAITING} shows that the queue reports waiting; a surprise
     * saturation with no wait shows that it does not (one thread per CPU). The guard trusts
     * the queue while the evidence leans its way, and starts undecided, not trusting it.
     */
    public static final int QUEUE_EVIDENCE_TICKS = 10;

    /**
     * The cover against the first unforeseen jump, in CPU-seconds at fmax: the guard keeps the
     * clock high enough that a coming tick which saturates unforeseen, asking for this much work,
     * cannot take the application's last hour ({@link #LIFE_TICKS}) over budget (its work counted):
     * {@code (1 - 1/t(r)) x COVER_SECONDS <= budget x (life's work + idle floor + COVER_SECONDS)
     * - life's loss}.
     * Before any jump the jump reserve costs nothing, so a near-idle host whose work is all in a
     * rare spike (a cron job after 59 quiet seconds) met its first spike at the floor and lost two
     * thirds of it, more than the whole run's budget; the cover is what a guard that has seen
     * nothing yet can promise. It falls as the life's work grows (two minutes at a third of a CPU
     * release it). A whole second: half a second (a spike starting mid-tick) left 3 of 40
     * applications of foreign-apps-4 over budget, a whole one none; kept while jumps are seen,
     * not only before the first (dropping it after the first left 3 of foreign-apps-4 over, with
     * a release of the life's slack to the jumps that was tried and not kept;
     * docs/log/2026-12-07-dvfs-guard-6.md).
     */
    public static final double COVER_SECONDS = 1;

    /**
     * Horizon of the life account, ticks (an hour at the default 1 s period), exponential: the
     * budget is a promise about an operator's run, not about everything since the daemon started,
     * so a month of unspent budget does not excuse a bad hour, and a busy morning does not release
     * the cover for good.
     */
    public static final int LIFE_TICKS = 3600;
    /**
     * Work the cover counts per quiet tick (a tick since the last jump, beyond the first
     * {@link #IDLE_FLOOR_AFTER_TICKS}, at most {@link #LIFE_TICKS} of them), on top of the work
     * asked for, in CPUs at fmax: the cover promises that the life loses at most the budget of
     * (its work + this much a quiet tick), i.e. 5% of the work plus 0.05% of a CPU's time while
     * the host has not jumped (at most 1.7 CPU-seconds). Without it a host that does nothing
     * accrues no work and was held near the maximum for ever (40 minutes at 0.5% of a CPU); with
     * 1% of a CPU a host at 0.1% is let down to the floor after about 25 minutes. A jump restarts
     * the count: a host whose idle seconds have been followed by a saturated one is covered
     * again (counting the life's ticks instead left 3 of 20 hosts of bench/apps/idle-hosts.json
     * over budget, with their spikes every 10-20 minutes met at the floor; this 2, main 1;
     * docs/log/2026-12-07-dvfs-idle.md).
     */
    public static final double IDLE_FLOOR = 0.01;
    /**
     * Quiet ticks before the idle floor counts: the jump window, so a spike within two minutes
     * of near idle meets the whole-run cover as before (a floor from the first tick let the first
     * spike after 52 s at 0.4% of a CPU run at 2.8 GHz, and that application end 5.2% slow).
     */
    public static final int IDLE_FLOOR_AFTER_TICKS = JUMP_WINDOW_TICKS;
    /**
     * System property that switches on the capped-share rule (experimental, off by default: it
     * did not meet its adoption rule; docs/log/2026-12-07-dvfs-queue-blind.md): {@code
     * -Dflash.guard.capped-share=true}. Where the run queue is not trusted, the guard fits how
     * the demand it measures moves with the clock ({@link #CAPPED_PAIRS}): work that arrives in
     * saturated stretches shorter than a tick is served at the clock's capacity, so a step down
     * serves less of it and the guard, reading the served work as the demand, follows it down.
     */
    public static final String CAPPED_SHARE_PROPERTY = "flash.guard.capped-share";
    /**
     * System property that makes the guard read a run-queue wait share as queueing only when the
     * tasks waited {@link SlowdownEstimator#MIN_WAIT_SECONDS} at least (experimental, off by
     * default: it did not meet its adoption rule; docs/log/2026-12-07-dvfs-queue-blind.md).
     */
    public static final String IDLE_WAIT_PROPERTY = "flash.guard.idle-wait-is-noise";
    /**
     * Pairs of consecutive unsaturated ticks whose clock changed (by {@link #CAPPED_MIN_STEP} of
     * the capacity or more) that the capped share's least squares is averaged over
     * (exponential).
     */
    public static final double CAPPED_PAIRS = 30;
    /** Least change of the capacity 1/t(r) between two ticks that counts as a pair. */
    public static final double CAPPED_MIN_STEP = 0.02;
    /**
     * A pair whose measured demand moved by more than the capacity plus this much is a phase
     * change, not capping (capped work moves at most as much as the capacity).
     */
    public static final double CAPPED_MARGIN = 0.05;
    /**
     * How many standard errors low the capped share is taken: 2.5. One standard error cost 2.6
     * points of share on the default set on the default node (a load the clock follows over
     * seconds reads as capped); 2.5 cost 0.7 (screening, docs/log/2026-12-07-dvfs-queue-blind.md).
     */
    public static final double CAPPED_STANDARD_ERRORS = 2.5;
    private final boolean cappedShare;
    private final double minWaitSeconds;
    private final FrequencyPolicy inner;
    private final double budget;
    private final double coverSeconds;
    private Track[] tracks = new Track[0];
    private long raised;

    /**
     * @param inner  the policy whose decisions are guarded; null when only {@link #apply} is used
     * @param budget allowed slowdown against the maximum frequency, 0 .. 1
     */
    public SlowdownGuard(FrequencyPolicy inner, double budget) {
        this(inner, budget, COVER_SECONDS);
    }

    /**
     * A guard whose cover against the first jump is {@code coverSeconds} CPU-seconds (0: none);
     * for tests that isolate another rule.
     */
    SlowdownGuard(FrequencyPolicy inner, double budget, double coverSeconds) {
        this(inner, budget, coverSeconds, Boolean.getBoolean(CAPPED_SHARE_PROPERTY), Boolean.getBoolean(IDLE_WAIT_PROPERTY));
    }

    /**
     * A guard with the capped-share rule ({@link #CAPPED_SHARE_PROPERTY}) and the idle-wait rule
     * ({@link #IDLE_WAIT_PROPERTY}) on or off; for tests.
     */
    SlowdownGuard(FrequencyPolicy inner, double budget, double coverSeconds, boolean cappedShare, boolean idleWaitIsNoise) {
        if (!(budget >= 0 && budget < 1)) {
            throw new IllegalArgumentException("slowdown budget must be in [0, 1), got " + budget);
        }
        this.inner = inner;
        this.budget = budget;
        this.coverSeconds = coverSeconds;
        this.cappedShare = cappedShare;
        this.minWaitSeconds = idleWaitIsNoise ? SlowdownEstimator.MIN_WAIT_SECONDS : 0;
    }

    /** A guard used through {@link #apply} (the daemon keeps its own model selection). */
    public SlowdownGuard(double budget) {
        this(null, budget);
    }

    @Override
    public String name() {
        return inner == null ? "guard" : inner.name();
    }

    @Override
    public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) throws DecisionException {
        return apply(record, inner.decide(record, contexts));
    }

    /** Decisions the guard raised since it was made. */
    public long raised() {
        return raised;
    }

    /**
     * The slowdown the guard expected, at its last decision for a policy, from running the coming
     * tick at {@code ratio} = f / fmax; NaN before a decision.
     */
    public double expectedSlowdown(int policyId, double ratio) {
        Track t = null;
        for (Track candidate : tracks) {
            t = candidate != null && candidate.policyId == policyId ? candidate : t;
        }
        return t == null || Double.isNaN(t.demand) ? Double.NaN : SlowdownEstimator.slowdown(t.demand, t.stalled, ratio);
    }

    /**
     * The decisions, each raised where its estimated slowdown breaks the budget. The same list
     * when none is (the daemon's tick allocates nothing in the steady state); decisions follow
     * the record's policy order, as {@link FrequencyPolicy#decide} promises.
     */
    public List<PolicyDecision> apply(TelemetryRecord record, List<PolicyDecision> decisions) {
        List<PolicySample> policies = record.policies();
        if (tracks.length != policies.size()) {
            tracks = java.util.Arrays.copyOf(tracks, policies.size());
        }
        List<PolicyDecision> out = decisions;
        for (int i = 0; i < decisions.size(); i++) {
            PolicyDecision d = decisions.get(i);
            PolicySample p = i < policies.size() && policies.get(i).id() == d.policyId() ? policies.get(i) : null;
            if (p == null || p.cpuinfoMaxKhz() <= 0) {
                continue;
            }
            Track track = tracks[i];
            if (track == null || track.policyId != p.id()) { // hotplug moved the policies
                track = new Track(p.id());
                tracks[i] = track;
            }
            track.update(p, record, minWaitSeconds, cappedShare);
            // The tick that ended saturated as the guard planned it (a known partial load set just
            // below saturation now reads "demand unknown"): the step up that follows is a sawtooth's.
            boolean plannedSaturation = track.demand >= 1 && track.predictedUtilization >= SlowdownEstimator.SATURATED;
            double tickBudget = track.tickBudget(budget);
            long safeForAccount = safeKhz(p, track.servedDemand(), track.stalled, tickBudget);
            boolean inDebt = track.inDebt(budget);
            // Hysteresis trades a tick over the budget for one under it; an account overspent
            // beyond what one such tick could have overspent (a jump's loss) pays back first.
            if (!inDebt && track.lastSetKhz >= policyMinKhz(p) && track.lastSetKhz < safeForAccount
                    && SlowdownEstimator.slowdown(track.servedDemand(), track.stalled,
                            (double) track.lastSetKhz / p.cpuinfoMaxKhz())
                    <= Math.min(tickBudget + HYSTERESIS * budget, MAX_TICK_BUDGET * budget)) {
                safeForAccount = track.lastSetKhz;
            }
            if (track.cappedApplies(cappedShare)) {
                safeForAccount = Math.max(safeForAccount, track.cappedSafeKhz(p, tickBudget));
            }
            long safe = Math.max(safeForAccount, safeKhz(p, 1, 0,
                    track.jumpAllowance(track.queueTrusted ? JUMP_RESERVE : JUMP_RESERVE_BLIND_QUEUE, budget)));
            // The next unforeseen jump must not take the last hour over budget (CPU-bound: m = 0).
            double cover = coverSeconds > 0 ? track.coverAllowance(budget, coverSeconds) : 1;
            if (cover < 1) { // at 1 any clock is covered
                safe = Math.max(safe, safeKhz(p, 1, 0, cover));
            }
            boolean probing = false;
            long probeKhz = 0;
            if (effectiveKhz(p.availableKhz(), d.targetKhz()) < safe && track.mayProbe() && !inDebt && !track.jumped) {
                probeKhz = safeKhz(p, 1, 0) - Math.round(PROBE * p.cpuinfoMaxKhz());
            }
            if (probeKhz > 0
                    && track.lifeSlack(budget) >= SlowdownEstimator.slowdown(1, 0, (double) probeKhz / p.cpuinfoMaxKhz())) {
                probing = true;
                // One tick a little lower, once per phase, so the counters see how the work responds;
                // paid from what the whole life left unspent (a saturated CPU-bound second's loss there).
                safe = Math.max(d.targetKhz(), probeKhz);
                track.probedAtMpki = p.mpki();
            }
            long asked = effectiveKhz(p.availableKhz(), d.targetKhz());
            long set = Math.max(safe, asked);
            if (set < track.lastSetKhz && !probing && track.sawtoothUp
                    && track.ticksSinceUp + 1 < SAWTOOTH_DWELL_TICKS) {
                set = Math.min(track.lastSetKhz, p.highestAllowedKhz()); // hold: down only after the dwell
            }
            track.set(set, plannedSaturation);
            track.expect((double) set / p.cpuinfoMaxKhz(), cappedShare);
            if (asked < set) {
                raised++;
                if (out == decisions) {
                    out = new ArrayList<>(decisions);
                }
                out.set(i, new PolicyDecision(d.policyId(), d.actionIndex(), d.actionName(), set, d.embedding(),
                        d.expectedValue()));
            }
        }
        return out;
    }

    /** What the guard keeps per cpufreq policy between ticks. */
    private static final class Track {
        final int policyId;
        final StallShare stallShare = new StallShare();
        double demand = Double.NaN;
        double stalled;
        double probedAtMpki = Double.NaN;
        /**
         * Work asked for and work lost, over a window of about {@link #WINDOW_TICKS} ticks: what
         * the guard expected of each tick at the clock it set, except for a jump, which is
         * charged with what it lost by the run queue's measure.
         */
        double work;
        double lost;
        /**
         * Rate of jumps (ticks that saturated although the guard predicted they would not), each
         * weighted by the share of the CPU-bound loss at its clock it had: noise that just
         * tips a tick over counts little, a burst at the floor counts fully.
         */
        double jumpRate;
        /** The same average of 1: divides the jump rate so that its first minutes are not read low. */
        double jumpTicks;
        /** The utilization the guard predicted, at the clock it set, for the tick now ending; NaN before one. */
        double predictedUtilization = Double.NaN;
        /** Exponential mean of the demand over about {@link #MEAN_TICKS} ticks. */
        double meanDemand;

        /**
         * The demand the coming tick's clock must serve: the last tick's, or the recent mean
         * when that is higher (a noisy load's low second says little about the next one).
         */
        double servedDemand() {
            return Math.max(demand, meanDemand);
        }

        /**
         * The capped share phi: least squares of the change of the demand measured on the change
         * of the capacity 1/t(r), over pairs of consecutive unsaturated ticks whose clock changed
         * ({@link #CAPPED_PAIRS}), {@link #CAPPED_STANDARD_ERRORS} standard errors low. A load the clock serves in full measures
         * the same demand at any clock (phi = 0); work that comes in saturated stretches shorter
         * than a tick is served at the capacity, L(r) = a + phi / t(r), phi the share of the tick
         * the stretches take.
         */
        double capSxy;
        double capSxx;
        double capSyy;
        double capN;
        double capped;
        double lastMeasured = Double.NaN;
        double lastCapacity = Double.NaN;
        double lastRatio = 1;

        /** The capped-share rule decides this tick: switched on, phi learnt, unsaturated, queue not trusted. */
        boolean cappedApplies(boolean on) {
            return on && capped > 0 && demand < 1 && !queueTrusted;
        }

        /** Work the coming tick asks for at fmax under the capped model: a + phi. */
        double cappedWork() {
            double free = Math.max(0, servedDemand() - capped / SlowdownEstimator.timePerWork(stalled, Math.min(1, lastRatio)));
            return Math.min(1, free + capped);
        }

        /** Loss at {@code r} under the capped model, a share of the work at fmax: phi (1 - 1/t(r)) / (a + phi). */
        double cappedLoss(double r) {
            double work = cappedWork();
            return work > 0 ? Math.max(0, capped * (1 - 1 / SlowdownEstimator.timePerWork(stalled, Math.min(1, r))) / work) : 0;
        }

        /** The lowest clock whose capped loss fits {@code tickBudget}. */
        long cappedSafeKhz(PolicySample p, double tickBudget) {
            double c = 1 - tickBudget * cappedWork() / capped;
            double r = c <= 0 ? 0 : Math.min(1, (1 - stalled) / (1 / c - stalled));
            long hi = p.highestAllowedKhz();
            long raw = (long) Math.ceil(r * p.cpuinfoMaxKhz());
            return FallbackController.snapUp(p.availableKhz(), Math.max(p.lowestAllowedKhz(), Math.min(hi, raw)), hi);
        }

        /** One tick's evidence for the capped share (every tick while the rule is on). */
        void learnCapped(double u, double w, double cur, double minWait) {
            boolean unsat = !Double.isNaN(u) && u < SlowdownEstimator.SATURATED && !SlowdownEstimator.queueing(u, w, minWait)
                    && !Double.isNaN(cur);
            double capacity = unsat ? 1 / SlowdownEstimator.timePerWork(stalled, Math.min(1, cur)) : Double.NaN;
            double measured = unsat ? demand : Double.NaN;
            if (unsat && !Double.isNaN(lastMeasured)) {
                double dc = capacity - lastCapacity;
                double dl = measured - lastMeasured;
                if (Math.abs(dc) >= CAPPED_MIN_STEP && Math.abs(dl) <= Math.abs(dc) + CAPPED_MARGIN) {
                    double k = 1 - 1 / CAPPED_PAIRS;
                    capSxy = k * capSxy + dl * dc;
                    capSxx = k * capSxx + dc * dc;
                    capSyy = k * capSyy + dl * dl;
                    capN = k * capN + 1;
                    double slope = capSxy / capSxx;
                    double se = Math.sqrt(Math.max(0, capSyy - slope * capSxy) / Math.max(1, capN - 1) / capSxx);
                    capped = capN >= 3 ? Math.max(0, Math.min(1, slope - CAPPED_STANDARD_ERRORS * se)) : 0;
                }
            }
            lastMeasured = measured;
            lastCapacity = capacity;
            if (!Double.isNaN(cur)) {
                lastRatio = cur;
            }
        }

        /** Demand and loss the guard expected of the tick now ending, at the clock it set. */
        double predictedDemand;
        double predictedLoss;

        /**
         * This tick's budget: the configured one plus {@link #SLACK_USE} of what the window's
         * losses left unspent (or minus what they overspent), per unit of this tick's demand;
         * between {@link #MIN_TICK_BUDGET} and {@link #MAX_TICK_BUDGET} times the budget, and down
         * to 0 while the window is overspent (the debt is paid back before the tick spends).
         */
        double tickBudget(double budget) {
            if (!(demand > 0)) {
                return budget;
            }
            double slack = budget * work - lost;
            return Math.max(slack < 0 ? 0 : MIN_TICK_BUDGET * budget,
                    Math.min(MAX_TICK_BUDGET * budget, budget + SLACK_USE * slack / demand));
        }

        /**
         * The slowdown a jump to saturation next tick may cost at most: jumps come at
         * {@link #jumpRate} per tick, and their expected loss must stay within
         * {@link #JUMP_RESERVE} of the budget of the window's mean work per tick. 1 (no limit)
         * before any jump was seen.
         */
        double jumpAllowance(double reserve, double budget) {
            if (!(jumpRate > 1e-6)) {
                return 1;
            }
            double meanWork = work / WINDOW_TICKS;
            return Math.min(1, reserve * budget * meanWork / (jumpRate / jumpTicks));
        }

        /**
         * Work asked for and lost over the application's last hour on this policy
         * ({@link #LIFE_TICKS}, exponential), charged as the window's account is (what the guard
         * expected of each tick; a jump by what it lost): the "life" the cover and the probe
         * answer to. The window only plans the next minute.
         */
        double lifeWork;
        double lifeLost;
        /**
         * Ticks since the last jump (or since the start), at most {@link #LIFE_TICKS}: the span
         * the idle floor counts ({@link #IDLE_FLOOR}).
         */
        int quietTicks;

        /** What the last hour left unspent of its budget, CPU-seconds at fmax (negative: overspent). */
        double lifeSlack(double budget) {
            return budget * lifeWork - lifeLost;
        }

        /**
         * The most the coming tick may lose, as a share of its work, if it saturates unforeseen
         * ({@link #COVER_SECONDS} of work asked for): what keeps the last hour within budget with
         * that work counted; 0 while the life is overspent by more than that work's budget.
         */
        double coverAllowance(double budget, double coverSeconds) {
            double floor = IDLE_FLOOR * Math.max(0, quietTicks - IDLE_FLOOR_AFTER_TICKS);
            return Math.max(0, Math.min(1, (lifeSlack(budget) + budget * (floor + coverSeconds)) / coverSeconds));
        }

        /**
         * The window's losses exceed its budget by more than one tick held by the hysteresis
         * could overspend ({@link #HYSTERESIS} budgets of a CPU's work): more than the
         * account's own alternation between two steps, e.g. a jump's loss.
         */
        boolean inDebt(double budget) {
            return lost - budget * work > HYSTERESIS * budget;
        }

        /**
         * Evidence about the run queue, 0 (it reports waiting) .. 1 (it hides lost work), over
         * about {@link #QUEUE_EVIDENCE_TICKS} pieces of evidence; 0.5 and above: not trusted.
         */
        double queueBlind = 0.5;
        /** Whether the run queue was trusted at the last tick ({@link #trustQueue}). */
        boolean queueTrusted;
        /**
         * The tick that just ended was a jump. A phase that has just begun is not probed: a
         * burst of a second or two (a request after think time) would spend the probe's loss
         * on its only other tick and end before the learnt share is used; a phase that lasts
         * is probed on its next tick.
         */
        boolean jumped;
        /**
         * Mean absolute miss of the utilization the guard predicted, on ticks neither predicted
         * nor found saturated, over about {@link #MEAN_TICKS} ticks; divided by
         * {@link #missWeight} (the same average of 1) so that its first ticks are not read low.
         */
        double miss;
        double missWeight;

        /** The guard's usual miss of the utilization; 1 before any. */
        double usualMiss() {
            return missWeight > 0 ? miss / missWeight : 1;
        }

        Track(int policyId) {
            this.policyId = policyId;
        }

        /** The clock the guard let through last tick (0 before one) and the ticks since it last went up. */
        long lastSetKhz;
        int ticksSinceUp;
        boolean sawtoothUp;

        void set(long khz, boolean afterPlannedSaturation) {
            if (khz > lastSetKhz) {
                ticksSinceUp = 0;
                sawtoothUp = afterPlannedSaturation;
            } else {
                ticksSinceUp++;
            }
            lastSetKhz = khz;
        }

        /** Counters are there, the phase's stalled share is not learnt and not yet probed for. */
        boolean mayProbe() {
            double mpki = stallShare.lastMpki();
            return PROBE > 0 && !Double.isNaN(mpki) && !stallShare.learnt()
                    && (Double.isNaN(probedAtMpki) || !StallShare.samePhase(probedAtMpki, mpki));
        }

        /**
         * Demand at fmax for the coming tick, from the tick that just ended; and that tick's
         * own account: the work it asked for and the work it lost at the clock it ran at.
         */
        void update(PolicySample p, TelemetryRecord record, double minWait, boolean cappedShare) {
            double u = p.busiestUtilization(record.cpuUtilization());
            double cur = p.curKhz() > 0 ? (double) p.curKhz() / p.cpuinfoMaxKhz() : Double.NaN;
            stalled = stallShare.update(cur, p.ipc(), p.mpki());
            double w = p.runWaitShare();
            demand = SlowdownEstimator.demandAtFmax(u, w, cur, stalled, minWait);
            meanDemand += (demand - meanDemand) / MEAN_TICKS;
            queueTrusted = trustQueue(u, w, cur, minWait);
            if (cappedShare) { // its evidence is read only by the rule: no work on the tick while it is off
                learnCapped(u, w, cur, minWait);
            }
            if (Double.isNaN(predictedUtilization)) {
                return;
            }
            // Part of the tick saturated, by the one measure left when the queue cannot tell: the
            // utilization rose far beyond what the guard usually misses by. The share of the tick
            // a saturated stretch explains (the rest ran as predicted) is charged as a jump, and
            // the next tick is decided as for a saturated one (demand unknown).
            double jumpShare = 1;
            if (!queueTrusted && demand < 1 && !Double.isNaN(u)
                    && u > predictedUtilization + Math.max(RISE, RISE_MISSES * usualMiss())) {
                jumpShare = Math.min(1, (u - predictedUtilization) / Math.max(1e-9, 1 - predictedUtilization));
                demand = 1;
            } else if (!Double.isNaN(u) && u < SlowdownEstimator.SATURATED
                    && predictedUtilization < SlowdownEstimator.SATURATED) {
                miss += (Math.abs(u - predictedUtilization) - miss) / MEAN_TICKS;
                missWeight += (1 - missWeight) / MEAN_TICKS;
            }
            jumped = demand >= 1 && predictedUtilization < SlowdownEstimator.SATURATED;
            double keep = 1 - 1.0 / WINDOW_TICKS;
            // A jump lost at most the CPU-bound loss at its clock (the whole CPU asked for); a
            // trusted run queue says how much work waited, which is the work lost when the demand
            // exceeds the clock. Without schedstat, or with a queue that hides waiting, the most.
            double worst = Double.isNaN(cur) ? 0 : SlowdownEstimator.slowdown(1, stalled, cur);
            double jumpLoss = queueTrusted ? Math.min(worst, Math.max(0, w)) : worst;
            // Work asked for in the jump: what the clock did, plus what waited (never more than a CPU).
            double jumpWork = Math.min(1, (1 - worst) / (1 - jumpLoss));
            double tickWork = jumped ? jumpShare * jumpWork + (1 - jumpShare) * predictedDemand : predictedDemand;
            double tickLost = jumped ? jumpShare * jumpWork * jumpLoss : predictedDemand * predictedLoss;
            work = keep * work + tickWork;
            lost = keep * lost + tickLost;
            double keepLife = 1 - 1.0 / LIFE_TICKS;
            lifeWork = keepLife * lifeWork + tickWork;
            lifeLost = keepLife * lifeLost + tickLost;
            quietTicks = jumped ? 0 : Math.min(LIFE_TICKS, quietTicks + 1);
            double keepJumps = 1 - 1.0 / JUMP_WINDOW_TICKS;
            double severity = jumped && worst > 0 ? jumpShare * jumpLoss / worst : 0;
            jumpRate = keepJumps * jumpRate + (1 - keepJumps) * severity;
            jumpTicks = keepJumps * jumpTicks + (1 - keepJumps);
        }

        /**
         * Weighs this tick's evidence about the run queue and says whether to trust it: a wait
         * above twice {@link SlowdownEstimator#WAITING} shows that it reports waiting; a tick
         * that saturated below the maximum clock although the guard predicted it clearly below
         * saturation (beyond twice its usual miss), with no wait, shows that it hides it.
         * Without schedstat there is nothing to trust.
         */
        private boolean trustQueue(double u, double w, double cur, double minWait) {
            if (Double.isNaN(w)) {
                return false;
            }
            boolean surprise = !Double.isNaN(u) && u >= SlowdownEstimator.SATURATED && cur < 0.99
                    && predictedUtilization < SlowdownEstimator.SATURATED - 2 * usualMiss();
            if (w > 2 * SlowdownEstimator.WAITING && SlowdownEstimator.queueing(u, w, minWait)) {
                queueBlind -= queueBlind / QUEUE_EVIDENCE_TICKS;
            } else if (surprise && w <= SlowdownEstimator.WAITING) {
                queueBlind += (1 - queueBlind) / QUEUE_EVIDENCE_TICKS;
            }
            return queueBlind < 0.5;
        }

        /** Remembers what the guard expects of the coming tick at {@code ratio} = f / fmax. */
        void expect(double ratio, boolean cappedShare) {
            predictedDemand = demand;
            predictedLoss = SlowdownEstimator.slowdown(demand, stalled, ratio);
            predictedUtilization = demand >= 1 ? 1 : demand * SlowdownEstimator.timePerWork(stalled, Math.min(1, ratio));
            if (cappedApplies(cappedShare)) {
                double work = cappedWork();
                double loss = cappedLoss(ratio);
                if (loss * work > predictedLoss * predictedDemand) {
                    predictedDemand = work;
                    predictedLoss = loss;
                }
                predictedUtilization = Math.min(1,
                        Math.max(0, work - capped) * SlowdownEstimator.timePerWork(stalled, Math.min(1, ratio)) + capped);
            }
        }
    }

    /**
     * The lowest frequency within the policy's limits whose estimated slowdown is within budget:
     * the next table entry up (never slower than asked), or the exact kHz without a table.
     */
    long safeKhz(PolicySample p, double demand, double stalled) {
        return safeKhz(p, demand, stalled, budget);
    }

    long safeKhz(PolicySample p, double demand, double stalled, double budget) {
        long lo = p.lowestAllowedKhz();
        long hi = p.highestAllowedKhz();
        long raw = (long) Math.ceil(SlowdownEstimator.lowestSafeRatio(demand, stalled, budget) * p.cpuinfoMaxKhz());
        return FallbackController.snapUp(p.availableKhz(), Math.max(lo, Math.min(hi, raw)), hi);
    }

    private static long policyMinKhz(PolicySample p) {
        return Math.max(1, p.lowestAllowedKhz());
    }

    /** What the actuator will set for a target: the nearest table entry (the target without a table). */
    public static long effectiveKhz(long[] table, long target) {
        if (table == null || table.length == 0) {
            return target;
        }
        long best = target;
        long bestDistance = Long.MAX_VALUE;
        for (long f : table) {
            long distance = Math.abs(f - target);
            if (distance < bestDistance || (distance == bestDistance && f < best)) {
                best = f;
                bestDistance = distance;
            }
        }
        return best;
    }

    @Override
    public void close() {
        if (inner != null) {
            inner.close();
        }
    }
}
