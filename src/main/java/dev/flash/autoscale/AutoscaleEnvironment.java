package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import dev.flash.meta.Demonstrated;
import dev.flash.meta.RlEnvironment;
import java.util.Random;

/**
 * One service as an RL environment for the FLASH core: each episode is {@link #episodeSteps}
 * steps of the service's load from a random point of its trace, starting from a random
 * allocation (half to twice what its load needs at 70% utilization on one of 0.25 to 8 cores),
 * so that the agent learns to correct a badly sized workload as well as to follow its load. Every
 * move goes through the {@link MoveGuard} the model is trained and deployed behind. The
 * reward is the operator's cost ({@link AutoscaleReward}); the context reward its measurable proxy.
 * Constrained ({@link #constrainWith}), each episode also runs HPA on the same load and noise,
 * set up as an operator sets it up ({@link OperatorRun}), and allocated cores (or, with a miss
 * budget, missed requests) are priced by the {@link CoreBudget}'s multiplier. Taught
 * ({@link #teachWith}), it also says on every step which move HPA would make from where the
 * agent stands ({@link HpaTeacher}): the labels of behaviour cloning.
 */
public final class AutoscaleEnvironment implements RlEnvironment, Demonstrated {

    /** Steps of one training episode (an hour at 60 s). */
    public static final int DEFAULT_EPISODE_STEPS = 60;
    /** CPU limits per replica an episode starts from: every limit an operator sets up ({@link OperatorRun#operatorLimit}). */
    static final double[] STARTING_LIMITS = {0.25, 0.5, 1, 2, 4, 8};
    /** Cycles of synthetic load generated for a service without a trace. */
    static final int SYNTHETIC_CYCLES = 12;

    private final ServiceSpec spec;
    private final LoadTrace trace;
    private final int episodeSteps;
    private final Bounds bounds;
    private final Random random;
    private SimulatedService service;
    private int start;
    private int t;
    private double previousRate;
    private StepMetrics last;
    private double rateBeforeLast;
    private CoreBudget budget;
    private MoveGuard guard = MoveGuard.DEFAULT;
    /** Steps of the step's allocated cores a change of the CPU limit costs in training (0: free). */
    private double limitChangePrice;
    /** HPA beside the agent in a constrained episode: its own copy of the service. */
    private HpaReference hpa;
    private SimulatedService hpaService;
    private StepMetrics hpaLast;
    private double agentCoreSeconds;
    private double hpaCoreSeconds;
    private double agentMisses;
    private double hpaMisses;
    private double offered;
    /** Episodes start from the operator's set-up ({@link OperatorRun}) instead of a random allocation. */
    private boolean operatorStart;
    /** HPA as a teacher watching the agent's own trajectory (null: no labels). */
    private HpaTeacher teacher;
    private int expertAction = -1;

    public AutoscaleEnvironment(ServiceSpec spec, LoadTrace trace, int episodeSteps, long seed) {
        this.spec = spec;
        this.random = new Random(seed);
        this.trace = trace != null ? trace
                : LoadTrace.synthetic(spec.load(), spec.load().periodSteps() * SYNTHETIC_CYCLES, random.nextLong());
        this.episodeSteps = episodeSteps;
        this.bounds = Bounds.of(spec.maxReplicas());
    }

    public ServiceSpec spec() {
        return spec;
    }

    public Bounds bounds() {
        return bounds;
    }

    @Override
    public int observationSize() {
        return AutoscaleFeatures.COUNT;
    }

    @Override
    public int actionCount() {
        return ScalingAction.values().length;
    }

    @Override
    public float[] reset() {
        start = random.nextInt(trace.steps());
        t = 0;
        double limit = STARTING_LIMITS[random.nextInt(STARTING_LIMITS.length)];
        double rate = trace.rate(start - 1);
        double factor = Math.exp(Math.log(0.5) + random.nextDouble() * Math.log(4));
        if (operatorStart) {
            // as the evaluation starts (the random draws above are still made: the same noise follows)
            limit = OperatorRun.operatorLimit(spec, trace.peak());
            factor = 1;
        }
        double need = rate * spec.serviceSeconds(limit) / HpaReference.DEFAULT_TARGET;
        Allocation initial = bounds.clamp(new Allocation((int) Math.ceil(need * factor), limit));
        long noise = random.nextLong();
        service = new SimulatedService(spec, initial, noise);
        previousRate = trace.rate(start - 2);
        StepMetrics warm = service.step(rate); // the step before the episode: what the agent first sees
        agentCoreSeconds = 0;
        hpaCoreSeconds = 0;
        agentMisses = 0;
        hpaMisses = 0;
        offered = 0;
        if (budget != null) {
            // HPA as an operator sets it up (OperatorRun): the limit with which the maximum replicas
            // carry the load's peak at 70%, the replicas the load needs, the CPU request what a
            // replica can burn under the limit. Not the agent's random start: HPA never changes the
            // limit, so from a limit too small for the load it stays starved (a first constrained run
            // gave it 30-60% missed on training episodes, and a budget of starved cores)
            double hpaLimit = OperatorRun.operatorLimit(spec, trace.peak());
            hpa = new HpaReference();
            hpa.setRequestShare(OperatorRun.operatorRequest(spec, hpaLimit) / hpaLimit);
            hpa.reset();
            double hpaNeed = rate * spec.serviceSeconds(hpaLimit) / HpaReference.DEFAULT_TARGET;
            hpaService = new SimulatedService(spec, bounds.clamp(new Allocation((int) Math.ceil(hpaNeed), hpaLimit)),
                    noise);
            hpaLast = hpaService.step(rate);
        }
        float[] obs = AutoscaleFeatures.of(warm, previousRate, spec.sloSeconds(), bounds);
        last = warm;
        rateBeforeLast = previousRate;
        previousRate = rate;
        if (teacher != null) {
            teacher.reset();
            teach();
        }
        return obs;
    }

    @Override
    public Step step(int action) {
        Allocation next = guard.apply(last, rateBeforeLast,
                ScalingAction.of(action).apply(last, service.allocation(), bounds), bounds);
        boolean limitChanged = next.cpuLimit() != service.allocation().cpuLimit();
        service.allocate(next);
        double rate = trace.rate(start + t);
        StepMetrics m = service.step(rate);
        float[] obs = AutoscaleFeatures.of(m, previousRate, spec.sloSeconds(), bounds);
        last = m;
        rateBeforeLast = previousRate;
        previousRate = rate;
        t++;
        agentCoreSeconds += m.coreSeconds();
        agentMisses += m.sloMisses();
        offered += m.requests();
        boolean done = t >= episodeSteps;
        double reward;
        if (budget != null) {
            stepHpa(rate);
            reward = AutoscaleReward.of(m, spec, budget.corePrice(), budget.missPrice());
            if (done) {
                budget.record(agentCoreSeconds, hpaCoreSeconds, agentMisses, hpaMisses, offered);
            }
        } else {
            reward = AutoscaleReward.of(m, spec);
        }
        if (teacher != null && !done) {
            teach();
        }
        if (limitChanged && limitChangePrice > 0) {
            reward -= limitChangePrice * AutoscaleReward.cores(m) / (AutoscaleReward.UNIT_STEPS
                    * AutoscaleReward.referenceCores(spec));
        }
        return new Step(obs, (float) reward, (float) AutoscaleReward.context(m), done);
    }

    /** HPA's move from where the episode stands now (exactly once per step: HPA's window moves with it). */
    private void teach() {
        expertAction = teacher.action(last, rateBeforeLast, service.allocation(), bounds);
    }

    @Override
    public int expertAction() {
        return teacher == null ? -1 : expertAction;
    }

    /**
     * Labels every step with HPA's move ({@link HpaTeacher}, behind this environment's guard at
     * the time of the call: set the guard first); takes effect from the next {@link #reset()}.
     */
    public void teachWith(HpaTeacher.Mapping mapping) {
        this.teacher = new HpaTeacher(spec, guard, mapping);
    }

    private void stepHpa(double rate) {
        Allocation next = bounds.clamp(hpa.decide(hpaLast, hpaService.allocation(), bounds));
        hpaService.allocate(next);
        hpaLast = hpaService.step(rate);
        hpaCoreSeconds += hpaLast.coreSeconds();
        hpaMisses += hpaLast.sloMisses();
    }

    /**
     * A training price on changing the CPU limit: a step whose limit changed also pays {@code
     * steps} x its allocated cores (a per-step price on the vertical lever; 0, the default, is free).
     * Added after the miss-budget policy ratcheted the limit up and never down
     * (docs/log/2026-12-07-autoscale-miss-budget.md); the held-out evaluation never pays it.
     */
    public void priceLimitChanges(double steps) {
        if (!(steps >= 0 && Double.isFinite(steps))) {
            throw new IllegalArgumentException("limit change price must be >= 0, got " + steps);
        }
        this.limitChangePrice = steps;
    }

    /**
     * Episodes start where an operator sets a workload up for HPA (the limit that carries the
     * trace's peak at 70% on the maximum replicas, the replicas the first step needs: {@link
     * OperatorRun}), as the evaluation starts, instead of half to twice the need on a random limit.
     * HPA never changes the limit, so from a random one its clone is starved or wasteful where the
     * evaluation never puts it. Takes effect from the next {@link #reset()}.
     */
    public void startAsOperator() {
        this.operatorStart = true;
    }

    /** Every move passes {@code g} (default {@link MoveGuard#DEFAULT}). */
    public void guardWith(MoveGuard g) {
        this.guard = g;
    }

    /**
     * Prices cores by {@code b}'s multiplier and reports every finished episode's core-seconds
     * and HPA's on the same episode to it (PPO-Lagrangian training, {@link CoreBudget}); takes
     * effect from the next {@link #reset()}.
     */
    public void constrainWith(CoreBudget b) {
        this.budget = b;
    }
}
