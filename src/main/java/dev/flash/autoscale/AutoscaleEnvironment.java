package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import dev.flash.meta.RlEnvironment;
import java.util.Random;

/**
 * One service as an RL environment for the FLASH core: each episode is {@link #episodeSteps}
 * steps of the service's load from a random point of its trace, starting from a random
 * allocation (half to twice what its load needs at 70% utilization on one of 0.25 to 8 cores),
 * so that the agent learns to correct a badly sized workload as well as to follow its load. Every
 * move goes through the {@link UtilizationGuard}, as it does when the model is deployed.
 */
public final class AutoscaleEnvironment implements RlEnvironment {

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
        double need = rate * spec.serviceSeconds(limit) / HpaReference.DEFAULT_TARGET;
        double factor = Math.exp(Math.log(0.5) + random.nextDouble() * Math.log(4));
        Allocation initial = bounds.clamp(new Allocation((int) Math.ceil(need * factor), limit));
        service = new SimulatedService(spec, initial, random.nextLong());
        previousRate = trace.rate(start - 2);
        StepMetrics warm = service.step(rate); // the step before the episode: what the agent first sees
        float[] obs = AutoscaleFeatures.of(warm, previousRate, spec.sloSeconds(), bounds);
        last = warm;
        rateBeforeLast = previousRate;
        previousRate = rate;
        return obs;
    }

    @Override
    public Step step(int action) {
        Allocation next = UtilizationGuard.apply(last, rateBeforeLast,
                ScalingAction.of(action).apply(last, service.allocation(), bounds), bounds);
        service.allocate(next);
        double rate = trace.rate(start + t);
        StepMetrics m = service.step(rate);
        float[] obs = AutoscaleFeatures.of(m, previousRate, spec.sloSeconds(), bounds);
        last = m;
        rateBeforeLast = previousRate;
        previousRate = rate;
        t++;
        float reward = (float) AutoscaleReward.of(m);
        return new Step(obs, reward, reward, t >= episodeSteps);
    }
}
