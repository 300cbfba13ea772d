package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 22: K HPA variants side by side ({@link HpaSelect}), one acting per segment. Modes:
 * <pre>
 *   bound NASA.bz2 N OUT.tsv      step 1: the greedy per-segment hindsight bound on the TRAINING
 *                                 services' sets A, B and NASA day 1; writes every segment's
 *                                 trajectory features and hindsight label (the selector's training set)
 *   select NASA.bz2 N EX.tsv SPECS closed loop with selectors fitted on EX.tsv (training
 *                                 services' A, B, NASA day 1), one run per selector spec
 *                                 (softmax:TAU or knn:K:MU:MARGIN, comma-separated), each service left out
 *   heldout-bound NASA.bz2        the bound on the held-out sets (hindsight on the very load: how much
 *                                 room there was, after the held-out read; nothing chosen from it)
 *   heldout NASA.bz2 EX.tsv SPEC  the held-out read: 40 HELD-OUT services, evaluate autoscale --seed 7's
 *                                 synthetic loads and NASA days 1-4; the training services on days 2-4
 * </pre>
 * Run: java -cp target/test-classes:target/classes:target/flash.jar dev.flash.autoscale.HpaSelectExperiment MODE ...
 * (the log: docs/log/2026-12-07-autoscale-hpa-select.md). Segment {@code -Dsegment} (30), lookahead {@code -Dlookahead} (10);
 * {@code -Dtimeout=H}: select leaves out the same set's segments within H of the current one, every service's.
 */
public final class HpaSelectExperiment {

    static final int SEGMENT = Integer.getInteger("segment", 30);
    static final int LOOKAHEAD = Integer.getInteger("lookahead", 10);
    /** select: also leave out the same set's segments within this many of the current one, every service's (-1: no). */
    static final int TIME_OUT = Integer.getInteger("timeout", -1);

    /** A set: a load and a seed per service. */
    interface LoadSet {
        LoadTrace load(ServiceSpec spec, int i);

        long seed(int i);
    }

    /** Totals over services, with per-service dominance against HPA. */
    static final class Tally {
        double requests, misses, cores, hpaMisses, hpaCores;
        int both, n;

        void add(OperatorRun r, OperatorRun hpa) {
            requests += r.requests();
            misses += r.sloMisses();
            cores += r.coreSeconds();
            hpaMisses += hpa.sloMisses();
            hpaCores += hpa.coreSeconds();
            both += r.sloMisses() < hpa.sloMisses() && r.coreSeconds() <= hpa.coreSeconds() ? 1 : 0;
            n++;
        }

        boolean dominates() {
            return misses < hpaMisses && cores <= hpaCores;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f%% at %.3fx (HPA %.2f%%), both %d of %d%s", 100 * misses / requests,
                    cores / hpaCores, 100 * hpaMisses / requests, both, n, dominates() ? "  DOMINATES" : "");
        }
    }

    private static final RuntimeException STOP = new RuntimeException("stop", null, false, false) {
    };

    /** Misses and core-seconds over steps [from, to) of a run, stopping the run there. */
    static double[] window(Autoscaler a, ServiceSpec spec, LoadTrace load, long seed, int from, int to) {
        double[] sum = new double[3];
        try {
            OperatorRun.run(a, spec, load, seed, (t, m) -> {
                if (t >= from) {
                    sum[0] += m.sloMisses();
                    sum[1] += m.coreSeconds();
                    sum[2] += m.requests();
                }
                if (t >= to - 1) {
                    throw STOP;
                }
            });
        } catch (RuntimeException e) {
            if (e != STOP) {
                throw e;
            }
        }
        return sum;
    }

    /** Follows a schedule (HPA's defaults past its end); records each segment's features. */
    static final class Scheduled implements HpaSelect.Selector {
        final int[] schedule;
        final List<double[]> features = new ArrayList<>();

        Scheduled(int[] schedule) {
            this.schedule = schedule;
        }

        @Override
        public int choose(int segment, List<StepMetrics> recent, int[] proposals, Allocation now, Bounds bounds) {
            features.add(TrajectoryFeatures.of(recent, proposals, now, bounds));
            return segment < schedule.length ? schedule[segment] : 0;
        }
    }

    /** One service's hindsight: the schedule and, per segment, each variant's window misses and cores. */
    record Hindsight(int[] schedule, double[][][] outcomes, List<double[]> features, OperatorRun run) {
    }

    static Hindsight hindsight(ServiceSpec spec, LoadTrace load, long seed) {
        int k = HpaSelect.SETTINGS.size();
        int segments = (load.steps() - 1 + SEGMENT - 1) / SEGMENT;
        int[] schedule = new int[segments];
        double[][][] outcomes = new double[segments][k][];
        for (int s = 0; s < segments; s++) {
            int from = s * SEGMENT + 1;
            int to = Math.min(load.steps(), (s + 1) * SEGMENT + 1 + LOOKAHEAD);
            int best = 0;
            for (int v = 0; v < k; v++) {
                schedule[s] = v;
                int[] prefix = java.util.Arrays.copyOf(schedule, s + 1);
                outcomes[s][v] = window(new HpaSelect(HpaSelect.SETTINGS, SEGMENT, new Scheduled(prefix)), spec, load, seed,
                        from, to);
            }
            double[] hpa = outcomes[s][0];
            for (int v = 1; v < k; v++) {
                double[] o = outcomes[s][v];
                double[] b = outcomes[s][best];
                if (o[0] <= hpa[0] && o[1] <= hpa[1] && (o[0] < b[0] - 1e-9 || (o[0] <= b[0] + 1e-9 && o[1] < b[1]))) {
                    best = v;
                }
            }
            schedule[s] = best;
        }
        Scheduled final_ = new Scheduled(schedule);
        OperatorRun run = OperatorRun.run(new HpaSelect(HpaSelect.SETTINGS, SEGMENT, final_), spec, load, seed);
        return new Hindsight(schedule, outcomes, final_.features, run);
    }

    static Map<String, LoadSet> trainingSets(LoadTrace nasa, boolean withB, int fromDay, int toDay) {
        Map<String, LoadSet> sets = new LinkedHashMap<>();
        sets.put("A", set((s, i) -> LoadTrace.synthetic(s.load(), 480, 1000 + i), i -> 1000 + i));
        if (withB) {
            sets.put("B", set((s, i) -> LoadTrace.synthetic(s.load(), 480, 5000 + i), i -> 5000 + i));
        }
        for (int d = fromDay; d <= toDay; d++) {
            int day = d;
            sets.put("nasa" + d, set((s, i) -> nasa.window((day - 1) * 1440, 1440).scaledToPeak(s.load().peakRate()),
                    i -> 1000 + i));
        }
        return sets;
    }

    interface LoadOf {
        LoadTrace load(ServiceSpec spec, int i);
    }

    interface SeedOf {
        long seed(int i);
    }

    static LoadSet set(LoadOf load, SeedOf seed) {
        return new LoadSet() {
            @Override
            public LoadTrace load(ServiceSpec spec, int i) {
                return load.load(spec, i);
            }

            @Override
            public long seed(int i) {
                return seed.seed(i);
            }
        };
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        LoadTrace nasa = LoadTrace.read(Path.of(args[1]), 1, 1);
        List<ServiceSpec> train = ServicePopulation.split(ServicePopulation.sample(200, 7, 0.2), ServiceSpec.TRAIN);
        System.out.printf(Locale.ROOT, "segment %d, lookahead %d, variants %s%n", SEGMENT, LOOKAHEAD, HpaSelect.SETTINGS);
        switch (mode) {
            case "bound" -> bound(nasa, train, Integer.parseInt(args[2]), Path.of(args[3]));
            case "select" -> select(nasa, train, Integer.parseInt(args[2]), Path.of(args[3]), args[4]);
            case "heldout" -> heldout(nasa, train, Path.of(args[2]), args[3]);
            case "heldout-bound" -> heldoutBound(nasa);
            default -> throw new IllegalArgumentException("mode: bound, select or heldout, not " + mode);
        }
    }

    static void bound(LoadTrace nasa, List<ServiceSpec> train, int n, Path out) throws IOException {
        StringBuilder tsv = new StringBuilder("set\tservice\tsegment\tlabel\trequests");
        for (int v = 0; v < HpaSelect.SETTINGS.size(); v++) {
            tsv.append("\tmiss").append(v).append("\tcores").append(v);
        }
        for (String f : TrajectoryFeatures.NAMES) {
            tsv.append('\t').append(f);
        }
        tsv.append('\n');
        for (Map.Entry<String, LoadSet> e : trainingSets(nasa, true, 1, 1).entrySet()) {
            Tally t = new Tally();
            int[] labels = new int[HpaSelect.SETTINGS.size()];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ServiceSpec spec = train.get(i);
                LoadTrace load = e.getValue().load(spec, i);
                long seed = e.getValue().seed(i);
                Hindsight h = hindsight(spec, load, seed);
                t.add(h.run(), OperatorRun.run(new HpaReference(), spec, load, seed));
                for (int s = 0; s < h.schedule().length; s++) {
                    labels[h.schedule()[s]]++;
                    tsv.append(e.getKey()).append('\t').append(i).append('\t').append(s).append('\t').append(h.schedule()[s])
                            .append(String.format(Locale.ROOT, "\t%.1f", h.outcomes()[s][0][2]));
                    for (double[] o : h.outcomes()[s]) {
                        tsv.append(String.format(Locale.ROOT, "\t%.3f\t%.1f", o[0], o[1]));
                    }
                    for (double f : h.features().get(s)) {
                        tsv.append(String.format(Locale.ROOT, "\t%.5g", f));
                    }
                    tsv.append('\n');
                }
            }
            System.out.printf(Locale.ROOT, "bound %-6s %s; labels %s (%.0f s)%n", e.getKey(), t,
                    java.util.Arrays.toString(labels), (System.nanoTime() - t0) / 1e9);
        }
        Files.writeString(out, tsv);
    }

    /**
     * A selector from its spec: {@code softmax:TAU} ({@link SegmentClassifier}) or
     * {@code knn:K:MU:MARGIN[:VARIANTS]} ({@link SegmentValue}, VARIANTS the digits of those allowed to act; {@code exclude} the training service to leave out, or null).
     */
    interface SelectorFactory {
        HpaSelect.Selector make(String exclude);

        /** Leaving out also {@code set}'s segments within {@code hours} of the current one (kNN only). */
        default HpaSelect.Selector make(String exclude, String set, int hours) {
            return make(exclude);
        }
    }

    static SelectorFactory selector(String spec, Path examples) throws IOException {
        String[] p = spec.split(":");
        switch (p[0]) {
            case "softmax" -> {
                SegmentClassifier c = SegmentClassifier.fit(examples);
                double tau = Double.parseDouble(p[1]);
                return exclude -> c.selector(tau);
            }
            case "knn" -> {
                SegmentValue v = SegmentValue.fit(examples, Integer.parseInt(p[1]));
                double mu = Double.parseDouble(p[2]);
                double margin = Double.parseDouble(p[3]);
                String variants = p.length > 4 ? p[4] : null;
                return new SelectorFactory() {
                    @Override
                    public HpaSelect.Selector make(String exclude) {
                        return v.selector(mu, margin, variants, exclude);
                    }

                    @Override
                    public HpaSelect.Selector make(String exclude, String set, int hours) {
                        return v.selector(mu, margin, variants, exclude, set, hours);
                    }
                };
            }
            default -> throw new IllegalArgumentException("selector spec softmax:TAU or knn:K:MU:MARGIN, not " + spec);
        }
    }

    /** Closed loop on the training services' A, B and NASA day 1, each service left out of its own kNN neighbours. */
    static void select(LoadTrace nasa, List<ServiceSpec> train, int n, Path examples, String specs) throws IOException {
        for (String spec : specs.split(",")) {
            SelectorFactory f = selector(spec, examples);
            StringBuilder line = new StringBuilder(spec);
            for (Map.Entry<String, LoadSet> e : trainingSets(nasa, true, 1, 1).entrySet()) {
                Tally t = new Tally();
                long[] acted = new long[HpaSelect.SETTINGS.size()];
                for (int i = 0; i < n; i++) {
                    ServiceSpec s = train.get(i);
                    LoadTrace load = e.getValue().load(s, i);
                    HpaSelect sel = new HpaSelect(HpaSelect.SETTINGS, SEGMENT, f.make(String.valueOf(i), e.getKey(), TIME_OUT));
                    t.add(OperatorRun.run(sel, s, load, e.getValue().seed(i)),
                            OperatorRun.run(new HpaReference(), s, load, e.getValue().seed(i)));
                    int[] a = sel.actingSteps();
                    for (int v = 0; v < a.length; v++) {
                        acted[v] += a[v];
                    }
                }
                line.append("\n   ").append(e.getKey()).append(": ").append(t).append(" acted ").append(java.util.Arrays.toString(acted));
            }
            System.out.println(line);
        }
    }

    static Map<String, LoadSet> heldoutSets(LoadTrace nasa) {
        Map<String, LoadSet> sets = new LinkedHashMap<>();
        // evaluate autoscale --seed 7's loads and seeds (AutoscaleTrainer.compare)
        sets.put("heldout synthetic", set((s, i) -> LoadTrace.synthetic(s.load(), 480, 7 * 7919 + i), i -> 7 * 7919 + i));
        for (int d = 1; d <= 4; d++) {
            int day = d;
            sets.put("heldout nasa" + d, set((s, i) -> nasa.window((day - 1) * 1440, 1440).scaledToPeak(s.load().peakRate()),
                    i -> 7 * 7919 + i));
        }
        return sets;
    }

    static void heldoutBound(LoadTrace nasa) {
        List<ServiceSpec> test = ServicePopulation.split(ServicePopulation.sample(200, 7, 0.2), ServiceSpec.TEST);
        for (Map.Entry<String, LoadSet> e : heldoutSets(nasa).entrySet()) {
            Tally t = new Tally();
            for (int i = 0; i < test.size(); i++) {
                ServiceSpec spec = test.get(i);
                LoadTrace load = e.getValue().load(spec, i);
                long seed = e.getValue().seed(i);
                t.add(hindsight(spec, load, seed).run(), OperatorRun.run(new HpaReference(), spec, load, seed));
            }
            System.out.printf(Locale.ROOT, "bound %-20s %s%n", e.getKey(), t);
        }
    }

    static void heldout(LoadTrace nasa, List<ServiceSpec> train, Path examples, String spec) throws IOException {
        SelectorFactory c = selector(spec, examples);
        System.out.println("selector " + spec);
        List<ServiceSpec> test = ServicePopulation.split(ServicePopulation.sample(200, 7, 0.2), ServiceSpec.TEST);
        for (Map.Entry<String, LoadSet> e : heldoutSets(nasa).entrySet()) {
            report(e.getKey(), e.getValue(), test, i -> c.make(null));
        }
        for (Map.Entry<String, LoadSet> e : trainingSets(nasa, false, 2, 4).entrySet()) {
            if (!e.getKey().equals("A")) {
                report("training " + e.getKey(), e.getValue(), train, i -> c.make(String.valueOf(i)));
            }
        }
    }

    static void report(String name, LoadSet set, List<ServiceSpec> services, java.util.function.IntFunction<HpaSelect.Selector> c) {
        Tally select = new Tally();
        Tally fixed = new Tally();
        Tally vpa = new Tally();
        for (int i = 0; i < services.size(); i++) {
            ServiceSpec spec = services.get(i);
            LoadTrace load = set.load(spec, i);
            long seed = set.seed(i);
            OperatorRun hpa = OperatorRun.run(new HpaReference(), spec, load, seed);
            select.add(OperatorRun.run(new HpaSelect(HpaSelect.SETTINGS, SEGMENT, c.apply(i)), spec, load, seed), hpa);
            fixed.add(OperatorRun.run(HpaSelect.SETTINGS.get(1).make(), spec, load, seed), hpa);
            vpa.add(OperatorRun.run(new HpaVpaReference(), spec, load, seed), hpa);
        }
        System.out.printf(Locale.ROOT, "%-20s hpa-select %s%n%-20s t0.65 w120 %s%n%-20s hpa+vpa    %s%n", name, select, "", fixed, "", vpa);
    }
}
