package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * K variants of HPA run side by side on the same metrics, each keeping its own recommendation
 * history (every variant decides every step, from the allocation that acted); one of them acts for
 * a segment of {@link #segment()} steps, chosen at the segment's start by a {@link Selector} from
 * the recent trajectory. Every allocation it returns is one a standard HPA computation made, so
 * it never touches the CPU limit.
 *
 * <p>An {@link HpaReference} itself so that {@link OperatorRun} hands it the operator's CPU request
 * (passed on to every variant).
 */
final class HpaSelect extends HpaReference {

    /** Steps of trajectory a selector sees. */
    static final int HISTORY = 32;

    /** Chooses the acting variant at the start of each segment. */
    interface Selector {
        /**
         * @param segment   the segment about to start (0, 1, ...)
         * @param recent    the last {@link #HISTORY} steps' metrics, oldest first (at least one)
         * @param proposals each variant's replicas for the next step, variant 0 first
         * @param now       the allocation in force
         * @param bounds    the service's bounds
         * @return the variant that acts for the segment, in [0, K)
         */
        int choose(int segment, List<StepMetrics> recent, int[] proposals, Allocation now, Bounds bounds);
    }

    /** One variant of HPA: target, tolerance, scale-down window (seconds). */
    record Setting(double target, double tolerance, double windowSeconds) {
        HpaReference make() {
            return new HpaReference(target, tolerance, windowSeconds, SimulatedService.STEP_SECONDS);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "t%.2f w%.0f", target, windowSeconds)
                    + (tolerance == DEFAULT_TOLERANCE ? "" : String.format(Locale.ROOT, " tol%.2f", tolerance));
        }
    }

    /** The log's K = 6, from the frontier's near misses on the training services: HPA's defaults first. */
    static final List<Setting> SETTINGS = List.of(
            new Setting(DEFAULT_TARGET, DEFAULT_TOLERANCE, DEFAULT_WINDOW_SECONDS),
            new Setting(0.65, 0.1, 120),
            new Setting(0.65, 0.1, 180),
            new Setting(0.70, 0.2, 300),
            new Setting(0.75, 0.1, 600),
            new Setting(0.80, 0.1, 600));

    private final List<HpaReference> variants = new ArrayList<>();
    private final int segment;
    private final Selector selector;
    private final ArrayDeque<StepMetrics> recent = new ArrayDeque<>();
    private int step;
    private int acting;
    private final int[] proposals;
    private final int[] actingCount;

    HpaSelect(List<Setting> settings, int segment, Selector selector) {
        if (settings.isEmpty() || segment < 1) {
            throw new IllegalArgumentException("need at least one setting and a segment >= 1: " + settings.size() + ", " + segment);
        }
        for (Setting s : settings) {
            variants.add(s.make());
        }
        this.segment = segment;
        this.selector = selector;
        this.proposals = new int[settings.size()];
        this.actingCount = new int[settings.size()];
    }

    @Override
    public String name() {
        return "hpa-select";
    }

    int segment() {
        return segment;
    }

    /** Steps each variant acted since the last reset. */
    int[] actingSteps() {
        return actingCount.clone();
    }

    @Override
    public void setRequestShare(double share) {
        super.setRequestShare(share);
        for (HpaReference v : variants) {
            v.setRequestShare(share);
        }
    }

    @Override
    public void reset() {
        super.reset();
        for (HpaReference v : variants) {
            v.reset();
        }
        recent.clear();
        step = 0;
        acting = 0;
        java.util.Arrays.fill(actingCount, 0);
    }

    @Override
    public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
        recent.addLast(last);
        while (recent.size() > HISTORY) {
            recent.removeFirst();
        }
        for (int k = 0; k < variants.size(); k++) {
            proposals[k] = variants.get(k).replicas(last, now.replicas(), bounds);
        }
        if (step % segment == 0) {
            int k = selector.choose(step / segment, List.copyOf(recent), proposals.clone(), now, bounds);
            if (k < 0 || k >= variants.size()) {
                throw new IllegalStateException("selector chose variant " + k + " of " + variants.size());
            }
            acting = k;
        }
        step++;
        actingCount[acting]++;
        return new Allocation(proposals[acting], now.cpuLimit());
    }
}
