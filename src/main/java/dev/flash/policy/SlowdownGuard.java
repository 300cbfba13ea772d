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
 * <p>The guard sets the frequency the last tick's demand needs at once, whatever the ladder of
 * the model's actions: when a phase turns busy (the CPU saturates at a low clock), the next tick
 * runs at the step below the maximum, not one ladder step up. A low target is let through only
 * while the measured load is low, so a floor is safe exactly while the application idles; the
 * first second of a spike after idle is lost at the floor, as for any policy deciding once a
 * second.
 *
 * <p>With counters, the guard learns a lower bound on the phase's stalled share
 * ({@link StallShare}); to learn it when it has pinned a saturated phase near the maximum, it
 * lets one tick per phase run {@link #PROBE} lower.
 */
public final class SlowdownGuard implements FrequencyPolicy {

    /**
     * The budget holds for an application's total, not for every second: the guard keeps an
     * account per policy of the work asked for and the work its estimate says was lost, over an
     * exponential window of this many ticks (a minute at the default 1 s period, so an hour of
     * idle does not buy a long slow stretch), and lets a tick spend part of what the window left unspent.
     */
    public static final int WINDOW_TICKS = 60;
    /** Share of the window's unspent budget one tick may spend. */
    public static final double SLACK_USE = 0.5;
    /** Most a single tick may spend, in budgets (3: 15% for a 5% budget). */
    public static final double MAX_TICK_BUDGET = 3;

    /**
     * Depth of the probe below the CPU-bound safe frequency, as a share of fmax: one tick per
     * phase at most, when the counters can tell how much of the work ignores the clock (about
     * 15% of one second's work lost if it is all CPU-bound and saturated).
     */
    public static final double PROBE = 0.1;

    private final FrequencyPolicy inner;
    private final double budget;
    private Track[] tracks = new Track[0];
    private long raised;

    /**
     * @param inner  the policy whose decisions are guarded; null when only {@link #apply} is used
     * @param budget allowed slowdown against the maximum frequency, 0 .. 1
     */
    public SlowdownGuard(FrequencyPolicy inner, double budget) {
        if (!(budget >= 0 && budget < 1)) {
            throw new IllegalArgumentException("slowdown budget must be in [0, 1), got " + budget);
        }
        this.inner = inner;
        this.budget = budget;
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
            track.update(p, record);
            long safe = safeKhz(p, track.demand, track.stalled, track.tickBudget(budget));
            if (effectiveKhz(p.availableKhz(), d.targetKhz()) < safe && track.mayProbe()) {
                // One tick a little lower, once per phase, so the counters see how the work responds.
                safe = Math.max(d.targetKhz(), safeKhz(p, 1, 0) - Math.round(PROBE * p.cpuinfoMaxKhz()));
                track.probedAtMpki = p.mpki();
            }
            long set = Math.max(safe, effectiveKhz(p.availableKhz(), d.targetKhz()));
            track.account(SlowdownEstimator.slowdown(track.demand, track.stalled, (double) set / p.cpuinfoMaxKhz()));
            if (effectiveKhz(p.availableKhz(), d.targetKhz()) < safe) {
                raised++;
                if (out == decisions) {
                    out = new ArrayList<>(decisions);
                }
                out.set(i, new PolicyDecision(d.policyId(), d.actionIndex(), d.actionName(), safe, d.embedding(),
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
        /** Work asked for and work estimated lost, over a window of about {@link #WINDOW_TICKS} ticks. */
        double work;
        double lost;

        /**
         * This tick's budget: the configured one plus {@link #SLACK_USE} of what the window's
         * estimated losses left unspent, per unit of this tick's demand; between half and
         * {@link #MAX_TICK_BUDGET} times the budget.
         */
        double tickBudget(double budget) {
            if (!(demand > 0)) {
                return budget;
            }
            double slack = budget * work - lost;
            return Math.max(0.5 * budget, Math.min(MAX_TICK_BUDGET * budget, budget + SLACK_USE * slack / demand));
        }

        void account(double slowdown) {
            double keep = 1 - 1.0 / WINDOW_TICKS;
            work = keep * work + demand;
            lost = keep * lost + demand * slowdown;
        }

        Track(int policyId) {
            this.policyId = policyId;
        }

        /** Counters are there, the phase's stalled share is not learnt and not yet probed for. */
        boolean mayProbe() {
            double mpki = stallShare.lastMpki();
            return PROBE > 0 && !Double.isNaN(mpki) && !stallShare.learnt()
                    && (Double.isNaN(probedAtMpki) || !StallShare.samePhase(probedAtMpki, mpki));
        }

        /** Demand at fmax for the coming tick, from the tick that just ended. */
        void update(PolicySample p, TelemetryRecord record) {
            double u = p.busiestUtilization(record.cpuUtilization());
            double cur = p.curKhz() > 0 ? (double) p.curKhz() / p.cpuinfoMaxKhz() : Double.NaN;
            stalled = stallShare.update(cur, p.ipc(), p.mpki());
            demand = SlowdownEstimator.demandAtFmax(u, p.runWaitShare(), cur, stalled);
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
        long lo = p.scalingMinKhz() > 0 ? p.scalingMinKhz() : p.cpuinfoMinKhz();
        long hi = p.scalingMaxKhz() > 0 ? p.scalingMaxKhz() : p.cpuinfoMaxKhz();
        long raw = (long) Math.ceil(SlowdownEstimator.lowestSafeRatio(demand, stalled, budget) * p.cpuinfoMaxKhz());
        return FallbackController.snapUp(p.availableKhz(), Math.max(lo, Math.min(hi, raw)), hi);
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
