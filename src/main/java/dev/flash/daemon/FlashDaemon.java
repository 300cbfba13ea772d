package dev.flash.daemon;

import dev.flash.actuate.ActuationException;
import dev.flash.actuate.ActuationMode;
import dev.flash.actuate.ForeignChange;
import dev.flash.actuate.ForeignChangeException;
import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.DvfsFeatureSet;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.dvfs.DvfsReward;
import dev.flash.policy.DecisionException;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.SlowdownGuard;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryBuffer;
import dev.flash.policy.TrajectoryRecorder;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryException;
import dev.flash.telemetry.TelemetryRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * flashd's control loop: every period, Sense -> Decide -> Act.
 *
 * <pre>
 *   sample telemetry         (stale after N failures in a row, or a frozen / too old record)
 *   track hotplug            (policies that appeared get state, those gone are forgotten)
 *   extend each context      (features now, last tick's action, reward of the interval just ended)
 *   decide                   (one call for all policies: the model, or the fallback)
 *   act                      (one write per policy; N failed writes in a row -> hands-off)
 * </pre>
 *
 * <p>Sharing the node: when the actuator finds that another tool changed a policy it steps back
 * from that policy alone ({@link ForeignChangeException}); the loop says so once in the log and
 * in the status, keeps deciding for it (the context stays whole) but writes nothing until the
 * value returns or the operator resumes it ({@link #resume}). That is not an error and does not
 * count towards hands-off.
 *
 * <p>Safety: on stale telemetry, a failing or NaN-producing model, or repeated write errors the
 * loop first hands the CPUs back ({@code actuator.restore()}), then either lets the rule
 * controller decide (model trouble) or stops acting (telemetry or write trouble, "degraded"). It
 * says why in one log line and in the status, and resumes after {@code recover_after_ticks}
 * healthy ticks. A failing model is re-tried after a back-off that doubles each time.
 *
 * <p>Ticks are scheduled on the monotonic clock at {@code start + k * period}: a late tick does
 * not push the next one back (no drift), and a tick that overran a whole period skips the missed
 * slots instead of bursting to catch up. The steady-state tick allocates nothing of its own
 * beyond what the telemetry source and the policy return.
 */
public final class FlashDaemon {

    /** What the loop is doing, as the status reports it. */
    public enum State {
        STARTING, RUNNING, FALLBACK, DEGRADED, STOPPED;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Called after every tick (the foreground one-line-per-tick output); on the loop thread. */
    @FunctionalInterface
    public interface TickListener {
        void afterTick(FlashDaemon daemon, TelemetryRecord record);
    }

    static final int MAX_REASONS = 8;
    static final int MAX_ERRORS = 16;
    static final int EMBEDDING_HEAD = 4;
    /** Longest wait before re-trying a model that failed: 2^6 recovery windows. */
    static final int MAX_BACKOFF_SHIFT = 6;
    /** Always all three fields and milliseconds (LocalTime's own text drops zero seconds). */
    private static final java.time.format.DateTimeFormatter TICK_TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    private final DaemonConfig config;
    private final Node node;
    private final PolicyProvider policies;
    private final Function<PolicyProvider.Selection, TrajectoryRecorder> recorders;
    private final DaemonLog log;
    private final SdNotify notify;
    private final LongSupplier clock;
    private final long periodNanos;
    private final long watchdogNanos;
    private TickListener listener;
    private LoopObserver observer = LoopObserver.NONE;
    /** Whether this tick's decisions came from the model (else the fallback rule), for the observer. */
    private boolean decidedByModel;

    // ---- loop state (guarded by this) ---------------------------------------------------------
    private final Map<Integer, PolicyState> states = new TreeMap<>();
    /** {@link #states} in the order of the last record's policies (rebuilt on hotplug). */
    private PolicyState[] byIndex = new PolicyState[0];
    private final JitterStats jitter = new JitterStats();
    private final DaemonStatus.Counts counts = new DaemonStatus.Counts();
    private final Deque<String> fallbackReasons = new ArrayDeque<>();
    private final Deque<String> errors = new ArrayDeque<>();
    private PolicyProvider.Selection selection;
    private TrajectoryRecorder recorder;
    private State state = State.STARTING;
    private String stateReason = "waiting for the first tick";
    private boolean modelFailed;
    /**
     * Why the selected model waits for the fallback because the node lacks a signal it requires
     * (null: it has them all); listed with the rejected models while it lasts.
     */
    private String signalGap;
    private int modelBackoffShift;
    private int modelGoodTicks;
    private int healthyTicks;
    private boolean handsOff;
    private int sampleFailures;
    private int frozenTicks;
    private long lastRecordNanos = Long.MIN_VALUE;
    private long ticks;
    private long nextPollNanos;
    private boolean announcedReady;
    private double packageWatts = Double.NaN;
    private double firstJoules = Double.NaN;
    private double lastJoules = Double.NaN;
    /** The last record's unavailable signals and why (the record's own map, not a copy). */
    private Map<String, String> missingSignals = Map.of();
    private Instant selectedAt = Instant.now();
    private Instant handsOffSince;
    private final RejectedModels rejected;
    private long minuteStartNanos;
    private final MinuteCounter decisionsPerMinute = new MinuteCounter();
    /** Raises a model's target whose estimated slowdown breaks slowdown_budget; null when the budget is 1 (off). */
    private final SlowdownGuard guard;

    // ---- lifecycle -------------------------------------------------------------------------------
    private final long startNanos;
    private final Instant startedAt = Instant.now();
    private volatile boolean stopRequested;
    private volatile Thread loopThread;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Per cpufreq policy: what the loop remembers between ticks. Allocated on hotplug only. */
    private static final class PolicyState {
        final int id;
        /** This tick's state in the chosen model's layout ({@link PolicyProvider.Selection#features()}). */
        float[] features = new float[DvfsFeatures.COUNT];
        /** Features of the previous tick: the state in which {@link #lastActionIndex} was taken. */
        float[] previousFeatures = new float[DvfsFeatures.COUNT];
        final float[] embeddingHead = new float[EMBEDDING_HEAD];
        final DriftDetector drift = new DriftDetector();
        PolicySample sample;
        ActuationMode mode;
        boolean hasPrevious;
        int lastActionIndex = -1;
        String lastAction = "-";
        long targetKhz = -1;
        double embeddingNorm = Double.NaN;
        int embeddingLength;
        final MinuteCounter decisions = new MinuteCounter();
        /** Decisions whose target differed from the one before. */
        final MinuteCounter changes = new MinuteCounter();
        long writeErrors;
        int consecutiveWriteErrors;
        /** Another tool changed the policy; flash writes nothing to it until it is taken back. */
        boolean leftToOtherTool;

        PolicyState(int id) {
            this.id = id;
        }
    }

    public FlashDaemon(DaemonConfig config, Node node, PolicyProvider policies, DaemonLog log, SdNotify notify) {
        this(config, node, policies, FlashDaemon::defaultRecorder, log, notify, System::nanoTime);
    }

    public FlashDaemon(DaemonConfig config, Node node, PolicyProvider policies,
                       Function<PolicyProvider.Selection, TrajectoryRecorder> recorders, DaemonLog log,
                       SdNotify notify, LongSupplier clock) {
        this.config = config;
        this.guard = config.slowdownBudget() < 1 ? new SlowdownGuard(config.slowdownBudget()) : null;
        this.node = node;
        this.policies = policies;
        this.recorders = recorders;
        this.log = log;
        this.notify = notify;
        this.clock = clock;
        this.periodNanos = config.periodNanos();
        this.watchdogNanos = SdNotify.watchdogIntervalNanos();
        this.startNanos = clock.getAsLong();
        this.minuteStartNanos = startNanos;
        this.rejected = new RejectedModels(log);
        if (watchdogNanos > 0 && periodNanos * 2 > watchdogNanos) {
            log.warn("period " + config.periodMs() + " ms is more than half the systemd watchdog ("
                    + watchdogNanos / 1_000_000 + " ms): the service may be killed; lower period_ms");
        }
    }

    /** The built-in context buffer laid out as the model's metadata says. */
    public static TrajectoryRecorder defaultRecorder(PolicyProvider.Selection s) {
        int actions = s.actionCount() > 0 ? s.actionCount() : DvfsActions.DEFAULT.size();
        if (s.contextLength() > 0 && !s.contextLayout().isFlat()) {
            return new TrajectoryBuffer(s.contextLayout(), s.features().count(), actions);
        }
        return new TrajectoryBuffer(Math.max(1, s.contextLength()), s.features().count(), actions);
    }

    public void setTickListener(TickListener listener) {
        this.listener = listener;
    }

    /** Reports the loop's events as they happen (the metrics exporter); set before {@link #run}. */
    public synchronized void setObserver(LoopObserver observer) {
        this.observer = observer == null ? LoopObserver.NONE : observer;
        this.observer.stateChanged(state.key());
        if (selection != null) {
            this.observer.modelSelected(selection.policy() == null ? null : selection.modelName(), selection.agent());
        }
    }

    public DaemonConfig config() {
        return config;
    }

    // ---- the loop --------------------------------------------------------------------------------

    /**
     * Runs ticks until {@link #requestStop()} or until {@code durationNanos} have passed (0 = no
     * limit). Returns normally; the caller then calls {@link #shutdown()}.
     */
    public void run(long durationNanos) {
        loopThread = Thread.currentThread();
        long start = clock.getAsLong();
        long next = start;
        while (!stopRequested) {
            tick();
            next += periodNanos;
            long now = clock.getAsLong();
            if (durationNanos > 0 && now - start >= durationNanos) {
                break;
            }
            if (now - next > 0) {
                long missed = (now - next) / periodNanos + 1;
                jitter.overrun(missed);
                next += missed * periodNanos;
            }
            long remaining;
            while (!stopRequested && (remaining = next - clock.getAsLong()) > 0) {
                LockSupport.parkNanos(this, remaining);
            }
            if (!stopRequested) {
                jitter.record(clock.getAsLong() - next);
            }
            if (durationNanos > 0 && next - start >= durationNanos) {
                break;
            }
        }
        loopThread = null;
    }

    /** Asks the loop to stop after the current tick (signal handlers call this). */
    public void requestStop() {
        stopRequested = true;
        Thread t = loopThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Hands the CPUs back, tells systemd, closes the node and the deciders. Idempotent; counts
     * down the latch that {@link #awaitShutdown} waits on.
     */
    public void shutdown() {
        if (stopped.getCount() == 0) {
            return;
        }
        try {
            synchronized (this) {
                state = State.STOPPED;
                stateReason = "stopped";
                try {
                    node.actuator().restore();
                } catch (ActuationException | RuntimeException e) {
                    log.error("restore at stop failed: " + e.getMessage() + " (run `flash restore`)");
                }
            }
            notify.stopping();
            try {
                node.close();
            } catch (Exception e) {
                log.warn("closing the node: " + e.getMessage());
            }
            policies.close();
        } finally {
            stopped.countDown();
        }
    }

    /** Waits until {@link #shutdown()} finished; true if it did within the timeout. */
    public boolean awaitShutdown(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    /** One Sense -> Decide -> Act step. Public so tests can drive the loop tick by tick. */
    public synchronized void tick() {
        long now = clock.getAsLong();
        ticks++;
        pollModels(now);
        if (now - minuteStartNanos >= MinuteCounter.MINUTE_NANOS) {
            closeMinute(now);
        }

        TelemetryRecord record = sense(now);
        if (record != null) {
            trackHotplug(record);
            extendContexts(record);
            updatePower(record);
            if (handsOff) {
                recoverFromHandsOff();
            }
            if (!handsOff) {
                List<PolicyDecision> decisions = decide(record);
                if (decisions != null) {
                    act(record, decisions);
                }
            }
            // Ready once the node answers, even if hands-off: the status socket then says why.
            if (!announcedReady) {
                announcedReady = true;
                notify.ready();
                notify.status(statusLine());
                log.info("ready: " + node.description() + ", period " + config.periodMs() + " ms, "
                        + (selection.policy() == null ? "fallback (" + selection.reason() + ")"
                        : "model " + selection.modelName()));
            }
        }
        if (watchdogNanos > 0) {
            notify.watchdog();
        }
        if (state == State.STARTING && announcedReady) {
            state = State.RUNNING;
        }
        observer.ticked(record, Double.isNaN(firstJoules) ? Double.NaN : lastJoules - firstJoules,
                clock.getAsLong() - now);
        TickListener l = listener;
        if (l != null && record != null) {
            l.afterTick(this, record);
        }
    }

    // ---- Sense -------------------------------------------------------------------------------

    private TelemetryRecord sense(long now) {
        TelemetryRecord record;
        try {
            record = node.source().sample();
        } catch (TelemetryException | RuntimeException e) {
            counts.telemetryFailures++;
            sampleFailures++;
            error("telemetry: " + e.getMessage());
            if (sampleFailures >= config.staleAfterPeriods()) {
                enterHandsOff(LoopObserver.Reason.TELEMETRY_STALE, "telemetry stale: " + sampleFailures + " failed samples in a row (last: "
                        + e.getMessage() + ")");
            }
            return null;
        }
        sampleFailures = 0;
        if (record.unavailable() != null) {
            missingSignals = record.unavailable();
        }
        // A frozen source repeats its timestamp; a real node's record must also be fresh. (The
        // simulated node runs its own clock, so only the frozen check applies to it.)
        boolean frozen = record.monotonicNanos() == lastRecordNanos;
        frozenTicks = frozen ? frozenTicks + 1 : 0;
        lastRecordNanos = record.monotonicNanos();
        long ageNanos = now - record.monotonicNanos();
        long limit = config.staleAfterPeriods() * periodNanos;
        if (frozenTicks >= config.staleAfterPeriods() || (!node.simulated() && ageNanos > limit)) {
            String why = frozenTicks > 0 ? "telemetry stale: the record has not changed for " + frozenTicks
                    + " ticks" : String.format(Locale.ROOT, "telemetry stale: record is %.0f ms old (limit %d ms)",
                    ageNanos / 1e6, limit / 1_000_000);
            enterHandsOff(LoopObserver.Reason.TELEMETRY_STALE, why);
            healthyTicks = 0;
            return null;
        }
        return record;
    }

    private void trackHotplug(TelemetryRecord record) {
        List<PolicySample> present = record.policies();
        if (!sameIds(present)) {
            for (Iterator<PolicyState> it = states.values().iterator(); it.hasNext(); ) {
                PolicyState ps = it.next();
                if (record.policy(ps.id) == null) {
                    it.remove();
                    node.actuator().forget(ps.id);
                    if (recorder != null) {
                        recorder.reset(ps.id);
                    }
                    log.info("policy" + ps.id + " went away (CPU hotplug); forgetting its context");
                }
            }
            for (PolicySample p : present) {
                if (!states.containsKey(p.id())) {
                    states.put(p.id(), new PolicyState(p.id()));
                    if (ticks > 1) {
                        log.info("policy" + p.id() + " appeared (CPU hotplug), CPUs " + cpuList(p.cpus()));
                    }
                }
            }
            byIndex = new PolicyState[present.size()];
            for (int i = 0; i < present.size(); i++) {
                byIndex[i] = states.get(present.get(i).id());
            }
        }
        for (int i = 0; i < present.size(); i++) { // indexed: no iterator on the tick path
            PolicySample p = present.get(i);
            PolicyState ps = byIndex[i];
            ps.sample = p;
            if (ps.mode == null) {
                ps.mode = node.actuator().modeFor(p);
            }
        }
    }

    /**
     * True when this record has the same policies, in the same order, as the last one: then
     * {@link #byIndex} still lines up with it and the tick needs no map look-ups (which box
     * every id above 127).
     */
    private boolean sameIds(List<PolicySample> present) {
        if (states.size() != present.size() || byIndex.length != present.size()) {
            return false;
        }
        for (int i = 0; i < present.size(); i++) {
            if (byIndex[i].id != present.get(i).id()) {
                return false;
            }
        }
        return true;
    }

    /** The state of decision {@code i}'s policy: the i-th policy when they line up (the rule). */
    private PolicyState stateFor(int i, int policyId) {
        if (i < byIndex.length && byIndex[i].id == policyId) {
            return byIndex[i];
        }
        return states.get(policyId);
    }

    /** Appends each policy's completed transition to its FLASH context. */
    private void extendContexts(TelemetryRecord record) {
        List<PolicySample> present = record.policies();
        DvfsFeatureSet layout = selection == null ? DvfsFeatureSet.PLAIN : selection.features();
        double packageWatts = record.packageWatts(); // once per record, not per policy
        for (int i = 0; i < present.size(); i++) {
            PolicySample p = present.get(i);
            PolicyState ps = byIndex[i];
            if (ps.features.length != layout.count()) { // another model's layout: only on a model change
                ps.features = new float[layout.count()];
                ps.previousFeatures = new float[layout.count()];
                ps.hasPrevious = false;
            }
            // The row is the transition that just completed: (state in which last tick's action
            // was taken, that action, the context reward of the interval it governed), exactly
            // what the trainer's ContextBuffer.add(state, action, contextReward) records.
            System.arraycopy(ps.features, 0, ps.previousFeatures, 0, ps.features.length);
            layout.extract(p, record, packageWatts, ps.features, 0);
            float reward = DvfsReward.of(p, record, packageWatts);
            if (ps.hasPrevious && record.intervalSeconds() > 0) {
                recorder.append(p.id(), ps.previousFeatures, ps.lastActionIndex, reward);
                ps.drift.add(reward);
            }
        }
    }

    private void updatePower(TelemetryRecord record) {
        packageWatts = record.packageWatts();
        double j = record.packageJoules();
        if (!Double.isNaN(j)) {
            if (Double.isNaN(firstJoules)) {
                firstJoules = j;
            }
            lastJoules = j;
        }
    }

    // ---- Decide ------------------------------------------------------------------------------

    private void pollModels(long now) {
        if (selection != null && now - nextPollNanos < 0) {
            return;
        }
        nextPollNanos = now + config.modelPollSeconds() * 1_000_000_000L;
        PolicyProvider.Selection s;
        try {
            s = policies.poll();
        } catch (RuntimeException e) {
            error("model directory: " + e.getMessage());
            if (selection != null) {
                return;
            }
            s = PolicyProvider.Selection.none("model directory failed: " + e.getMessage());
        }
        noteRejections();
        if (s == selection) {
            return;
        }
        PolicyProvider.Selection old = selection;
        selection = s;
        if (signalGap != null) {
            signalGap = null; // the new model's needs are checked on the next record
            noteRejections();
        }
        selectedAt = Instant.now();
        observer.modelSelected(s.policy() == null ? null : s.modelName(), s.agent());
        recorder = recorders.apply(s);
        for (PolicyState ps : states.values()) {
            ps.hasPrevious = false;
            ps.drift.clear();
        }
        modelFailed = false;
        modelBackoffShift = 0;
        modelGoodTicks = 0;
        if (s.policy() == null) {
            log.info("no model: " + s.reason() + "; the fallback controller decides");
        } else if (old != null) {
            log.info("model changed: " + (old.policy() == null ? "fallback" : old.modelName()) + " -> "
                    + s.modelName());
        }
        if (!handsOff) {
            setState(s.policy() == null ? State.FALLBACK : State.RUNNING,
                    s.policy() == null ? "no model: " + s.reason() : null);
        }
    }

    /** Lists the provider's rejected files in the status, logging each content once. */
    private void noteRejections() {
        try {
            List<PolicyProvider.Rejected> list = policies.rejected();
            if (signalGap != null) {
                list = new java.util.ArrayList<>(list);
                list.add(new PolicyProvider.Rejected(selection.modelName(), selection.sha256(), signalGap));
            }
            rejected.update(list);
        } catch (RuntimeException e) {
            error("listing rejected models: " + e.getMessage());
        }
    }

    private List<PolicyDecision> decide(TelemetryRecord record) {
        FrequencyPolicy model = selection.policy();
        if (model != null) {
            checkSignals(record);
        }
        if (model != null && modelFailed) {
            healthyTicks++;
            if (healthyTicks >= config.recoverAfterTicks() << modelBackoffShift) {
                log.info("re-trying model " + selection.modelName() + " after " + healthyTicks
                        + " ticks on the fallback");
                modelFailed = false;
                healthyTicks = 0;
            }
        }
        if (model != null && !modelFailed && signalGap == null) {
            try {
                List<PolicyDecision> d = checked(model.decide(record, recorder), record);
                if (guard != null) {
                    d = guard.apply(record, d);
                    counts.guardRaised = guard.raised();
                }
                counts.modelDecisions += d.size();
                decidedByModel = true;
                if (++modelGoodTicks >= config.recoverAfterTicks()) {
                    modelBackoffShift = 0;
                }
                setState(State.RUNNING, null);
                return d;
            } catch (DecisionException | RuntimeException e) {
                modelFailed = true;
                healthyTicks = 0;
                // A model that fails again soon after a re-try waits twice as long next time.
                boolean relapse = counts.fallbacks > 0 && modelGoodTicks < config.recoverAfterTicks();
                modelBackoffShift = relapse ? Math.min(MAX_BACKOFF_SHIFT, modelBackoffShift + 1) : 0;
                modelGoodTicks = 0;
                counts.fallbacks++;
                observer.fellBack(LoopObserver.Reason.MODEL_FAILED);
                String reason = "model " + selection.modelName() + " failed: " + e.getMessage();
                remember(fallbackReasons, MAX_REASONS, reason);
                error(reason);
                restore("model failure");
                setState(State.FALLBACK, reason);
            }
        }
        FrequencyPolicy fallback = policies.fallback();
        if (fallback == null) {
            enterHandsOff(LoopObserver.Reason.NO_FALLBACK,
                    model == null ? "no model and no fallback controller" : "model failed and no fallback controller");
            return null;
        }
        try {
            List<PolicyDecision> d = checked(fallback.decide(record, recorder), record);
            counts.fallbackDecisions += d.size();
            decidedByModel = false;
            if (model == null && state != State.FALLBACK) {
                setState(State.FALLBACK, "no model: " + selection.reason());
            } else if (model != null && signalGap != null) {
                setState(State.FALLBACK, "model " + selection.modelName() + " " + signalGap);
            }
            return d;
        } catch (DecisionException | RuntimeException e) {
            enterHandsOff(LoopObserver.Reason.NO_FALLBACK, "fallback controller failed: " + e.getMessage());
            return null;
        }
    }

    /**
     * Compares the model's required signals with what this record says the node lacks: the
     * first record after a model is chosen refuses it on a node that never had them, a later one
     * notices a meter that failed, and one without the gap lets the model decide again.
     */
    private void checkSignals(TelemetryRecord record) {
        String gap = selection.signals().lackingReason(record.unavailable());
        if (java.util.Objects.equals(gap, signalGap)) {
            return;
        }
        signalGap = gap;
        if (gap != null) {
            counts.fallbacks++;
            observer.fellBack(LoopObserver.Reason.MISSING_SIGNALS);
            remember(fallbackReasons, MAX_REASONS, "model " + selection.modelName() + " " + gap);
        } else {
            log.info("the node gives the signals model " + selection.modelName() + " requires again: it decides");
        }
        noteRejections(); // lists the model as refused (logged once per reason) or takes it off
    }

    /** Rejects decisions a safe loop cannot apply: non-finite numbers, unknown policies. */
    private List<PolicyDecision> checked(List<PolicyDecision> decisions, TelemetryRecord record)
            throws DecisionException {
        if (decisions == null) {
            throw new DecisionException("returned no decisions");
        }
        for (int i = 0; i < decisions.size(); i++) {
            PolicyDecision d = decisions.get(i);
            if (d.targetKhz() <= 0) {
                throw new DecisionException("non-positive target " + d.targetKhz() + " kHz for policy" + d.policyId());
            }
            if (Double.isInfinite(d.expectedValue())) {
                throw new DecisionException("non-finite value estimate for policy" + d.policyId());
            }
            float[] e = d.embedding();
            if (e != null) {
                for (float v : e) {
                    if (!Float.isFinite(v)) {
                        throw new DecisionException("NaN/Inf in the embedding for policy" + d.policyId());
                    }
                }
            }
            if (stateFor(i, d.policyId()) == null) { // states mirror this record's policies
                throw new DecisionException("decision for unknown policy" + d.policyId());
            }
        }
        return decisions;
    }

    // ---- Act ---------------------------------------------------------------------------------

    private void act(TelemetryRecord record, List<PolicyDecision> decisions) {
        for (int i = 0; i < decisions.size(); i++) {
            PolicyDecision d = decisions.get(i);
            PolicyState ps = stateFor(i, d.policyId());
            PolicySample p = ps.sample; // this tick's sample (set by trackHotplug)
            ps.decisions.add();
            counts.decisions++;
            decisionsPerMinute.add();
            if (d.targetKhz() != ps.targetKhz) {
                ps.changes.add();
            }
            ps.lastActionIndex = d.actionIndex();
            ps.lastAction = d.actionName();
            ps.targetKhz = d.targetKhz();
            ps.hasPrevious = true;
            summarizeEmbedding(ps, d.embedding());
            observer.decided(p, d, decidedByModel);
            try {
                long applied = node.actuator().apply(p, d.targetKhz());
                ps.consecutiveWriteErrors = 0;
                if (ps.leftToOtherTool && applied >= 0) {
                    ps.leftToOtherTool = false;
                    log.info("policy" + p.id() + ": the other tool's values are gone, flash acts on it again");
                }
            } catch (ForeignChangeException e) {
                ps.leftToOtherTool = true;
                counts.foreignChanges++;
                observer.leftToOtherTool(p);
                log.warn(e.getMessage()); // once: the actuator raises it once per change
            } catch (ActuationException | RuntimeException e) {
                ps.writeErrors++;
                ps.consecutiveWriteErrors++;
                counts.writeErrors++;
                error("write policy" + p.id() + ": " + e.getMessage());
                if (ps.consecutiveWriteErrors >= config.maxWriteErrors()) {
                    enterHandsOff(LoopObserver.Reason.WRITE_ERRORS, ps.consecutiveWriteErrors + " write errors in a row on policy" + p.id()
                            + " (last: " + e.getMessage() + ")");
                    return;
                }
            }
        }
    }

    private static void summarizeEmbedding(PolicyState ps, float[] e) {
        if (e == null || e.length == 0) {
            ps.embeddingNorm = Double.NaN;
            ps.embeddingLength = 0;
            return;
        }
        double s = 0;
        for (float v : e) {
            s += (double) v * v;
        }
        ps.embeddingNorm = Math.sqrt(s);
        ps.embeddingLength = Math.min(EMBEDDING_HEAD, e.length);
        System.arraycopy(e, 0, ps.embeddingHead, 0, ps.embeddingLength);
    }

    // ---- safety ------------------------------------------------------------------------------

    private void enterHandsOff(LoopObserver.Reason why, String reason) {
        healthyTicks = 0;
        if (handsOff) {
            stateReason = reason;
            return;
        }
        handsOff = true;
        handsOffSince = Instant.now();
        counts.handsOff++;
        observer.wentHandsOff(why);
        error("hands-off: " + reason);
        restore(reason);
        setState(State.DEGRADED, reason + "; CPUs handed back, not acting");
    }

    private void recoverFromHandsOff() {
        healthyTicks++;
        if (healthyTicks < config.recoverAfterTicks()) {
            return;
        }
        handsOff = false;
        healthyTicks = 0;
        for (PolicyState ps : states.values()) {
            ps.consecutiveWriteErrors = 0;
        }
        log.info("healthy for " + config.recoverAfterTicks() + " ticks: resuming control");
        boolean model = selection.policy() != null && !modelFailed && signalGap == null;
        setState(model ? State.RUNNING : State.FALLBACK, model ? null
                : selection.policy() == null ? "no model: " + selection.reason()
                : signalGap != null ? "model " + selection.modelName() + " " + signalGap : "model failed earlier");
    }

    private void restore(String why) {
        try {
            node.actuator().restore();
        } catch (ActuationException | RuntimeException e) {
            error("restore after '" + why + "' failed: " + e.getMessage());
        }
    }

    private void setState(State s, String reason) {
        if (s == state && java.util.Objects.equals(reason, stateReason)) {
            return;
        }
        boolean announce = s != state && !(state == State.STARTING && s == State.RUNNING);
        state = s;
        stateReason = reason;
        observer.stateChanged(s.key());
        if (announce) {
            String line = "state " + s.key() + (reason == null ? "" : ": " + reason);
            if (s == State.DEGRADED || (s == State.FALLBACK && modelFailed)) {
                log.warn(line);
            } else {
                log.info(line);
            }
            notify.status(statusLine());
        }
    }

    private void error(String message) {
        remember(errors, MAX_ERRORS, Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + message);
        log.debug(message);
    }

    private static void remember(Deque<String> list, int max, String item) {
        list.addFirst(item);
        while (list.size() > max) {
            list.removeLast();
        }
    }

    /**
     * The operator takes policies back from another tool ({@code flash resume}): {@code policyId},
     * or every one when negative. Returns the ids taken back. Called on the status thread.
     */
    public synchronized List<Integer> resume(int policyId) {
        List<Integer> ids = node.actuator().resume(policyId);
        for (int id : ids) {
            PolicyState ps = states.get(id);
            if (ps != null) {
                ps.leftToOtherTool = false;
            }
            log.info("policy" + id + ": taken back from the other tool at the operator's request");
        }
        return ids;
    }

    /** The one-line summary systemd shows as STATUS=. */
    public synchronized String statusLine() {
        String decider = selection == null ? "-" : handsOff ? "hands-off"
                : selection.policy() == null || modelFailed || signalGap != null ? "fallback" : selection.modelName();
        return state.key() + ": " + states.size() + " policies, " + decider
                + (stateReason == null ? "" : " (" + stateReason + ")");
    }

    // ---- views for people and machines ----------------------------------------------------------

    public synchronized State state() {
        return state;
    }

    public synchronized String stateReason() {
        return stateReason;
    }

    public synchronized boolean handsOff() {
        return handsOff;
    }

    public synchronized long ticks() {
        return ticks;
    }

    public JitterStats jitter() {
        return jitter;
    }

    /**
     * The compact line the foreground daemon prints after each tick, in the format
     * {@code docs/status.md} documents: {@code TIME MODE | pN util U [wait W] CUR->TARGET ACTION
     * ... [| P W]}, frequencies in MHz. Research figures (the embedding) are in the status only.
     */
    public synchronized String tickLine() {
        StringBuilder b = new StringBuilder(64 + 40 * states.size());
        b.append(TICK_TIME.format(java.time.LocalTime.now())).append(' ').append(mode());
        for (PolicyState ps : states.values()) {
            PolicySample p = ps.sample;
            b.append(" | p").append(ps.id).append(' ')
                    .append(String.format(Locale.ROOT, "util %.2f", p.utilization()));
            if (p.runWaitShare() >= 0.005) {
                // a saturated util of 1.00 says nothing of how much more the tasks want; this
                // does (shown only when tasks wait, to keep the line short)
                b.append(String.format(Locale.ROOT, " wait %.2f", p.runWaitShare()));
            }
            b.append(' ').append(mhz(p.curKhz())).append("->").append(handsOff ? "-" : mhz(ps.targetKhz))
                    .append(' ').append(actionOf(ps));
        }
        if (!Double.isNaN(packageWatts)) {
            b.append(String.format(Locale.ROOT, " | %.1f W", packageWatts));
        }
        return b.toString();
    }

    /** What the policy's row says it does: hands-off and another tool's turn before the action. */
    private String actionOf(PolicyState ps) {
        return handsOff ? "hands-off" : ps.leftToOtherTool ? "other-tool" : ps.lastAction;
    }

    /** managing, dry-run, fallback, hands-off, starting or stopped (see {@link DaemonStatus#mode}). */
    private String mode() {
        return switch (state) {
            case RUNNING -> config.dryRun() ? "dry-run" : "managing";
            case FALLBACK -> "fallback";
            case DEGRADED -> "hands-off";
            default -> state.key();
        };
    }

    /** Ends the current minute: its counts become the last whole minute's. */
    private void closeMinute(long now) {
        minuteStartNanos = now;
        decisionsPerMinute.close();
        for (PolicyState ps : states.values()) {
            ps.decisions.close();
            ps.changes.close();
        }
    }

    private static String mhz(long khz) {
        return khz <= 0 ? "?" : Long.toString(Math.round(khz / 1000.0));
    }

    /** Everything the status socket answers. Allocates; called only on request. */
    public synchronized DaemonStatus status() {
        DaemonStatus s = new DaemonStatus();
        long now = clock.getAsLong();
        s.state = state.key();
        s.stateReason = stateReason;
        s.mode = mode();
        s.modeReason = state == State.RUNNING ? (config.dryRun() ? "decides, writes nothing" : null) : stateReason;
        s.pid = ProcessHandle.current().pid();
        s.startedAt = startedAt.truncatedTo(ChronoUnit.SECONDS).toString();
        s.uptimeSeconds = Math.round((clock.getAsLong() - startNanos) / 1e6) / 1e3;
        s.ticks = ticks;
        s.periodMs = config.periodMs();
        s.jitter.p50Ms = ms(jitter.percentileNanos(50));
        s.jitter.p99Ms = ms(jitter.percentileNanos(99));
        s.jitter.maxMs = jitter.count() == 0 ? null : ms(jitter.maxNanos());
        s.jitter.overruns = jitter.overruns();
        s.jitter.samples = jitter.count();
        s.node.kind = node.simulated() ? "simulated" : "real";
        s.node.description = node.description();
        s.node.sysfsRoot = config.sysfsRoot().toString();
        s.node.dryRun = config.dryRun();
        if (selection != null) {
            boolean fallback = selection.policy() == null || modelFailed || signalGap != null;
            s.model.name = fallback ? "fallback" : selection.modelName();
            s.model.agent = selection.agent();
            s.model.sha256 = selection.policy() == null || selection.sha256().isEmpty() ? null : selection.sha256();
            s.model.since = selectedAt.truncatedTo(ChronoUnit.SECONDS).toString();
            s.model.fallback = fallback;
            s.model.reason = selection.policy() == null ? "no model: " + selection.reason()
                    : modelFailed ? fallbackReasons.peekFirst()
                    : signalGap != null ? "model " + selection.modelName() + " " + signalGap : null;
            s.model.contextLength = selection.contextLength();
            s.model.expectedReward = num(selection.expectedReward());
            s.model.expectedRewardStd = num(selection.expectedRewardStd());
        }
        s.power.packageWatts = num(packageWatts);
        s.power.joulesSinceStart = Double.isNaN(firstJoules) ? null : round3(lastJoules - firstJoules);
        DaemonStatus.Counts c = s.counts;
        c.decisionsPerMinute = decisionsPerMinute.perMinute(now - startNanos);
        c.decisions = counts.decisions;
        c.modelDecisions = counts.modelDecisions;
        c.fallbackDecisions = counts.fallbackDecisions;
        c.guardRaised = counts.guardRaised;
        c.fallbacks = counts.fallbacks;
        c.handsOff = counts.handsOff;
        c.telemetryFailures = counts.telemetryFailures;
        c.writeErrors = counts.writeErrors;
        c.foreignChanges = counts.foreignChanges;
        for (ForeignChange f : node.actuator().foreignChanges()) {
            DaemonStatus.ForeignChangeStatus fs = new DaemonStatus.ForeignChangeStatus();
            fs.policy = f.policyId();
            fs.file = f.file();
            fs.expected = f.expected();
            fs.found = f.found();
            fs.at = f.at().truncatedTo(ChronoUnit.MILLIS).toString();
            s.otherTools.add(fs);
        }
        List<Integer> leftToOthers = new ArrayList<>();
        for (ForeignChange f : node.actuator().foreignChanges()) {
            if (leftToOthers.contains(f.policyId())) {
                continue; // one entry per policy, the first change names it
            }
            leftToOthers.add(f.policyId());
            DaemonStatus.HandsOff h = new DaemonStatus.HandsOff();
            h.policy = "policy" + f.policyId();
            h.reason = "another tool changed " + f.file() + " " + f.expected() + " -> " + f.found()
                    + "; `flash resume " + f.policyId() + "` takes it back";
            h.since = f.at().truncatedTo(ChronoUnit.SECONDS).toString();
            s.handsOffPolicies.add(h);
        }
        s.fallbackReasons.addAll(fallbackReasons);
        s.lastErrors.addAll(errors);
        s.missingSignals.putAll(missingSignals);
        s.rejectedModels.addAll(rejected.list());
        if (handsOff) {
            DaemonStatus.HandsOff h = new DaemonStatus.HandsOff();
            h.policy = "all";
            h.reason = stateReason;
            h.since = handsOffSince == null ? null : handsOffSince.truncatedTo(ChronoUnit.SECONDS).toString();
            s.handsOffPolicies.add(h);
        }
        double expected = selection == null ? Double.NaN : selection.expectedReward();
        double expectedStd = selection == null ? Double.NaN : selection.expectedRewardStd();
        for (PolicyState ps : states.values()) {
            DaemonStatus.PolicyStatus p = new DaemonStatus.PolicyStatus();
            PolicySample sample = ps.sample;
            p.id = ps.id;
            p.cpus = cpuList(sample.cpus());
            p.mode = ps.mode == null ? null : ps.mode.name().toLowerCase(Locale.ROOT);
            p.driver = sample.driver();
            p.governor = sample.governor();
            p.freqMhz = sample.curKhz() < 0 ? null : sample.curKhz() / 1000.0;
            p.targetMhz = ps.targetKhz < 0 || handsOff ? null : ps.targetKhz / 1000.0;
            p.utilization = num(round3(sample.utilization()));
            p.utilizationAverage = num(round3(sample.utilizationAverage()));
            p.utilizationDeviation = num(round3(sample.utilizationDeviation()));
            p.runWaitShare = num(round3(sample.runWaitShare()));
            p.ipc = num(round3(sample.ipc()));
            p.action = actionOf(ps);
            p.embeddingNorm = num(round3(ps.embeddingNorm));
            for (int i = 0; i < ps.embeddingLength; i++) {
                p.embeddingHead.add(ps.embeddingHead[i]);
            }
            p.expectedReward = num(expected);
            p.recentReward = num(round3(ps.drift.mean()));
            p.recentRewardStd = num(round3(ps.drift.std()));
            p.rewardSamples = ps.drift.count();
            p.drift = ps.drift.verdict(expected, expectedStd);
            p.decisions = ps.decisions.total();
            p.decisionsPerMinute = ps.decisions.perMinute(now - startNanos);
            p.changesPerMinute = ps.changes.perMinute(now - startNanos);
            p.writeErrors = ps.writeErrors;
            p.consecutiveWriteErrors = ps.consecutiveWriteErrors;
            s.policies.add(p);
        }
        return s;
    }

    private static Double ms(double nanos) {
        return Double.isNaN(nanos) ? null : Math.round(nanos / 1e3) / 1e3;
    }

    private static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    private static double round3(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
    }

    static String cpuList(int[] cpus) {
        if (cpus == null || cpus.length == 0) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        int[] sorted = cpus.clone();
        Arrays.sort(sorted);
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            b.append(b.length() == 0 ? "" : ",").append(sorted[i]);
            if (j > i) {
                b.append('-').append(sorted[j]);
            }
            i = j + 1;
        }
        return b.toString();
    }

    /** Policies the loop currently knows, ascending (for tests and the foreground output). */
    public synchronized List<Integer> policyIds() {
        return new ArrayList<>(states.keySet());
    }

    /** The recorder now in use (tests read contexts back through it). */
    public synchronized TrajectoryRecorder recorder() {
        return recorder;
    }

}
