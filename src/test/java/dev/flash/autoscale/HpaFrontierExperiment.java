package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Is "fewer SLO misses than HPA at no more core-seconds" reachable at all, and where? HPA's own
 * family (targets, tolerances, stabilization windows; HPA+VPA), run plainly and behind the HPA
 * floor (what a learned policy is served behind), against HPA at its defaults (target 0.7,
 * tolerance 0.1, 300 s window) on the same loads, and the per-service choice of a variant with
 * hindsight: on each service the variant that dominates HPA there with the best operator bill
 * ({@link AutoscaleReward}), HPA itself where none does.
 *
 * <p>The choice is made on one set and checked on others, so that what a context could learn (act
 * like the service's best variant) is measured apart from what hindsight on one load flatters:
 * <pre>
 *   A      TRAINING services, their synthetic load, 480 steps, seed 1000 + i (the choice is made here)
 *   B      the same services, a fresh synthetic load, seed 5000 + i (check: another load of the same service)
 *   nasa1  TRAINING services, NASA day 1 (steps [0, 1440)) scaled to each one's peak (a trace we may look at)
 *   nasaD  the same on NASA day D (D = 2..7; held out: read once, at the end, never used to choose)
 * </pre>
 * With {@code -Dheldout=true} the same variants run on the 40 HELD-OUT services instead, with the
 * loads and seeds of {@code flash evaluate autoscale --seed 7} (their synthetic load, 480 steps,
 * seed 7 x 7919 + i; NASA day D with {@code --trace NASA --from (D-1) x 1440 --steps 1440}): a
 * reference curve to draw the learned policies against, nothing chosen there (the per-service
 * rows on those sets are hindsight on the very load, a bound, not a policy). Run:
 * java -Ddays=4 [-Dheldout=true] -cp target/test-classes:target/flash.jar dev.flash.autoscale.HpaFrontierExperiment NASA.bz2 [services] [out.tsv]
 */
public final class HpaFrontierExperiment {

    /** A named autoscaler factory. */
    record Variant(String name, Supplier<Autoscaler> make) {
    }

    /** Per service: misses, requests, core-seconds, mean reward. */
    record Runs(double[] misses, double[] requests, double[] cores, double[] reward) {
        static Runs of(int n) {
            return new Runs(new double[n], new double[n], new double[n], new double[n]);
        }
    }

    /** A load per service index: the set's definition. */
    interface LoadSet {
        LoadTrace load(ServiceSpec spec, int i);
    }

    public static void main(String[] args) throws Exception {
        Path nasaFile = Path.of(args[0]);
        boolean heldout = Boolean.getBoolean("heldout");
        List<ServiceSpec> train = ServicePopulation.split(ServicePopulation.sample(200, 7, 0.2),
                heldout ? ServiceSpec.TEST : ServiceSpec.TRAIN);
        int n = args.length > 1 ? Math.min(train.size(), Integer.parseInt(args[1])) : train.size();
        Path out = args.length > 2 ? Path.of(args[2]) : null;
        LoadTrace nasa = LoadTrace.read(nasaFile, 1, 1);

        Map<String, LoadSet> sets = new LinkedHashMap<>();
        if (heldout) {
            sets.put("A", (s, i) -> LoadTrace.synthetic(s.load(), 480, 7 * 7919 + i));
        } else {
            sets.put("A", (s, i) -> LoadTrace.synthetic(s.load(), 480, 1000 + i));
            sets.put("B", (s, i) -> LoadTrace.synthetic(s.load(), 480, 5000 + i));
        }
        int days = Integer.getInteger("days", 3);
        for (int d = 1; d <= days; d++) {
            int day = d;
            sets.put("nasa" + d, (s, i) -> nasa.window((day - 1) * 1440, 1440).scaledToPeak(s.load().peakRate()));
        }

        List<Variant> variants = variants();
        // runs[set][variant]
        Map<String, List<Runs>> runs = new LinkedHashMap<>();
        for (Map.Entry<String, LoadSet> e : sets.entrySet()) {
            List<Runs> perVariant = new ArrayList<>();
            for (Variant v : variants) {
                Runs r = Runs.of(n);
                for (int i = 0; i < n; i++) {
                    ServiceSpec spec = train.get(i);
                    long seed = heldout ? 7 * 7919 + i : (e.getKey().equals("B") ? 5000 : 1000) + i;
                    OperatorRun o = OperatorRun.run(v.make().get(), spec, e.getValue().load(spec, i), seed);
                    r.misses()[i] = o.sloMisses();
                    r.requests()[i] = o.requests();
                    r.cores()[i] = o.coreSeconds();
                    r.reward()[i] = o.meanReward();
                }
                perVariant.add(r);
            }
            runs.put(e.getKey(), perVariant);
        }

        StringBuilder tsv = new StringBuilder("set\tvariant\tmissed\tcores_vs_hpa\tfewer\tcheaper\tboth\tservices\n");
        for (String set : sets.keySet()) {
            List<Runs> rs = runs.get(set);
            Runs hpa = rs.get(0);
            System.out.println("== set " + set + " (" + n + (heldout ? " HELD-OUT" : " training") + " services)");
            for (int v = 0; v < variants.size(); v++) {
                line(tsv, set, variants.get(v).name(), rs.get(v), hpa);
            }
            // the per-service hindsight choices, made on A, applied here
            for (String family : new String[] {"target", "target+window", "all", "floor:all"}) {
                int[] pick = pick(runs.get("A"), variants, family);
                Runs chosen = Runs.of(n);
                for (int i = 0; i < n; i++) {
                    Runs r = rs.get(pick[i]);
                    chosen.misses()[i] = r.misses()[i];
                    chosen.requests()[i] = r.requests()[i];
                    chosen.cores()[i] = r.cores()[i];
                    chosen.reward()[i] = r.reward()[i];
                }
                line(tsv, set, "per-service " + family + " (chosen on A)", chosen, hpa);
                if (!set.equals("A")) {
                    int[] own = pick(rs, variants, family);
                    Runs hind = Runs.of(n);
                    for (int i = 0; i < n; i++) {
                        Runs r = rs.get(own[i]);
                        hind.misses()[i] = r.misses()[i];
                        hind.requests()[i] = r.requests()[i];
                        hind.cores()[i] = r.cores()[i];
                        hind.reward()[i] = r.reward()[i];
                    }
                    line(tsv, set, "per-service " + family + " (hindsight on " + set + ")", hind, hpa);
                }
            }
            if (set.equals("A")) {
                int[] pick = pick(runs.get("A"), variants, "target");
                Map<String, Integer> hist = new LinkedHashMap<>();
                for (int p : pick) {
                    hist.merge(variants.get(p).name(), 1, Integer::sum);
                }
                System.out.println("   per-service target choices on A: " + hist);
            }
        }
        if (out != null) {
            Files.writeString(out, tsv);
        }
    }

    /** HPA at its defaults first (the reference), then its family, plain and behind the HPA floor. */
    static List<Variant> variants() {
        List<Variant> v = new ArrayList<>();
        List<Variant> floored = new ArrayList<>();
        v.add(new Variant("hpa", HpaReference::new));
        floored.add(new Variant("floor:hpa", () -> new Floored(0.7, 0.1, 300)));
        List<double[]> grid = new ArrayList<>();
        for (double target : new double[] {0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9}) {
            for (double window : new double[] {60, 120, 180, 300, 600}) {
                if (!(target == 0.7 && window == 300)) {
                    grid.add(new double[] {target, 0.1, window});
                }
            }
        }
        for (double tol : new double[] {0.0, 0.05, 0.2}) {
            grid.add(new double[] {0.7, tol, 300});
        }
        for (double[] g : grid) {
            String name = String.format(Locale.ROOT, "hpa t%.2f w%.0f", g[0], g[2])
                    + (g[1] == 0.1 ? "" : String.format(Locale.ROOT, " tol%.2f", g[1]));
            v.add(new Variant(name, () -> new HpaReference(g[0], g[1], g[2], SimulatedService.STEP_SECONDS)));
            floored.add(new Variant("floor:" + name, () -> new Floored(g[0], g[1], g[2])));
        }
        v.add(new Variant("hpa+vpa", HpaVpaReference::new));
        v.addAll(floored);
        return v;
    }

    /**
     * An HPA variant whose allocation is raised to the HPA floor, as a learned policy's move is. An
     * {@link HpaReference} itself, so that {@link OperatorRun} gives it the operator's CPU request
     * as it gives HPA (a wrapper would measure utilization against the limit).
     */
    static final class Floored extends HpaReference {
        Floored(double target, double tolerance, double windowSeconds) {
            super(target, tolerance, windowSeconds, SimulatedService.STEP_SECONDS);
        }

        @Override
        public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
            return MoveGuard.HPA_FLOOR.apply(last, Double.NaN, super.decide(last, now, bounds), bounds);
        }
    }

    /**
     * Per service, the variant of {@code family} that dominates HPA there (fewer misses, no more
     * core-seconds) with the best mean reward (the operator's bill); HPA (index 0) where none does.
     */
    static int[] pick(List<Runs> rs, List<Variant> variants, String family) {
        Runs hpa = rs.get(0);
        int n = hpa.misses().length;
        int[] pick = new int[n];
        for (int i = 0; i < n; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int v = 1; v < variants.size(); v++) {
                if (!inFamily(variants.get(v).name(), family)) {
                    continue;
                }
                Runs r = rs.get(v);
                boolean dominates = r.misses()[i] < hpa.misses()[i] && r.cores()[i] <= hpa.cores()[i];
                if (dominates && r.reward()[i] > best) {
                    best = r.reward()[i];
                    pick[i] = v;
                }
            }
        }
        return pick;
    }

    static boolean inFamily(String name, String family) {
        return switch (family) {
            case "target" -> name.startsWith("hpa t") && name.endsWith("w300");
            case "target+window" -> name.startsWith("hpa t") && !name.contains("tol");
            case "all" -> !name.startsWith("floor:");
            case "floor:all" -> name.startsWith("floor:");
            default -> throw new IllegalArgumentException(family);
        };
    }

    static void line(StringBuilder tsv, String set, String name, Runs r, Runs hpa) {
        double req = 0, miss = 0, cores = 0, hpaCores = 0;
        int fewer = 0, cheaper = 0, both = 0;
        int n = r.misses().length;
        for (int i = 0; i < n; i++) {
            req += r.requests()[i];
            miss += r.misses()[i];
            cores += r.cores()[i];
            hpaCores += hpa.cores()[i];
            boolean f = r.misses()[i] < hpa.misses()[i];
            boolean c = r.cores()[i] <= hpa.cores()[i];
            fewer += f ? 1 : 0;
            cheaper += c ? 1 : 0;
            both += f && c ? 1 : 0;
        }
        double missed = 100 * miss / req;
        System.out.printf(Locale.ROOT, "   %-44s missed %6.2f%%  cores %.3fx  fewer %3d cheaper %3d both %3d%n", name,
                missed, cores / hpaCores, fewer, cheaper, both);
        tsv.append(String.format(Locale.ROOT, "%s\t%s\t%.4f\t%.4f\t%d\t%d\t%d\t%d%n", set, name, missed, cores / hpaCores,
                fewer, cheaper, both, n));
    }
}
