package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Hand-written rules behind each {@link MoveGuard} against HPA on the TRAINING services of the
 * default population (never the held-out ones): whether a guard leaves room for a policy that
 * misses less than HPA at no more core-seconds, before any learning. Run:
 * java -cp ... dev.flash.autoscale.GuardFloorExperiment [steps] [services]
 */
public final class GuardFloorExperiment {

    /** A rule choosing a move from the last step; the guard then applies. */
    interface Rule {
        Allocation move(StepMetrics last, Allocation now, Bounds bounds);
    }

    static Autoscaler guarded(String name, MoveGuard guard, Rule rule) {
        return new Autoscaler() {
            double previousRate = Double.NaN;

            @Override
            public String name() {
                return name + "/" + guard.id();
            }

            @Override
            public void reset() {
                previousRate = Double.NaN;
            }

            @Override
            public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
                Allocation next = guard.apply(last, previousRate, rule.move(last, now, bounds), bounds);
                previousRate = last.arrivalRate();
                return next;
            }
        };
    }

    /** Proportional scale-in (the SCALE_IN move) whenever the busy share is below {@code low}. */
    static Rule scaleInBelow(double low, double limitCap) {
        return (last, now, bounds) -> {
            if (limitCap > 0 && now.cpuLimit() > limitCap + 1e-9 && last.readyReplicas() == last.replicas()) {
                return ScalingAction.SCALE_DOWN.apply(now, bounds);
            }
            if (last.readyReplicas() == last.replicas() && UtilizationGuard.busyShare(last) < low) {
                return ScalingAction.SCALE_IN.apply(last, now, bounds);
            }
            return now;
        };
    }

    /** Keep the busy share near {@code aim}: scale out a quarter above {@code high}, proportional in below {@code low}. */
    static Rule band(double low, double high, double limitCap) {
        return (last, now, bounds) -> {
            if (limitCap > 0 && now.cpuLimit() > limitCap + 1e-9 && last.readyReplicas() == last.replicas()) {
                return ScalingAction.SCALE_DOWN.apply(now, bounds);
            }
            double u = UtilizationGuard.busyShare(last);
            if (u > high) {
                return ScalingAction.SCALE_OUT.apply(now, bounds);
            }
            if (last.readyReplicas() == last.replicas() && u < low) {
                return ScalingAction.SCALE_IN.apply(last, now, bounds);
            }
            return now;
        };
    }

    /** Follow the SLO: scale out a quarter when the step kept less than {@code out}, in when it kept more than {@code in}. */
    static Rule slo(double out, double in, double inBelowBusy) {
        return (last, now, bounds) -> {
            if (last.sloPreservation() < out) {
                return ScalingAction.SCALE_OUT.apply(now, bounds);
            }
            if (last.readyReplicas() == last.replicas() && last.sloPreservation() >= in
                    && UtilizationGuard.busyShare(last) < inBelowBusy) {
                return ScalingAction.SCALE_IN.apply(last, now, bounds);
            }
            return now;
        };
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 480;
        List<ServiceSpec> train = ServicePopulation.split(ServicePopulation.sample(200, 7, 0.2), ServiceSpec.TRAIN);
        int n = args.length > 1 ? Math.min(train.size(), Integer.parseInt(args[1])) : train.size();
        double[] hpa = run(train, n, steps, s -> new HpaReference());
        print("hpa", hpa, hpa);
        for (double[] v : new double[][] {{0.7, 60}, {0.7, 600}, {0.6, 300}, {0.6, 60}, {0.5, 300}, {0.5, 60}, {0.6, 120}}) {
            print("hpa target " + v[0] + " window " + v[1], run(train, n, steps, s -> new HpaReference(v[0], 0.1, v[1], 60)), hpa);
        }
        if (args.length > 2) {
            return;
        }
        for (MoveGuard g : MoveGuard.values()) {
            System.out.println("guard " + g.id());
            print("always-in", run(train, n, steps, s -> guarded("always-in", g, (l, now, b) -> ScalingAction.SCALE_IN.apply(l, now, b))), hpa);
            print("hold", run(train, n, steps, s -> guarded("hold", g, (l, now, b) -> now)), hpa);
            print("in<0.5", run(train, n, steps, s -> guarded("in<0.5", g, scaleInBelow(0.5, 0))), hpa);
            print("band.4-.6", run(train, n, steps, s -> guarded("band.4-.6", g, band(0.4, 0.6, 0))), hpa);
            for (double[] q : new double[][] {{0.99, 0.995, 1}, {0.99, 0.999, 1}, {0.98, 0.995, 1}, {0.995, 0.999, 1},
                    {0.99, 0.995, 0.6}, {0.95, 0.99, 1}, {0.99, 0.998, 0.5}}) {
                String name = "slo out<" + q[0] + " in>=" + q[1] + " busy<" + q[2];
                print(name, run(train, n, steps, s -> guarded(name, g, slo(q[0], q[1], q[2]))), hpa);
            }
        }
    }

    /** requests, misses, core-seconds, services with fewer misses, no more cores, both (against HPA's own run). */
    static double[] run(List<ServiceSpec> train, int n, int steps, Function<ServiceSpec, Autoscaler> make) {
        double[] t = new double[3 + 3 * n];
        for (int i = 0; i < n; i++) {
            ServiceSpec spec = train.get(i);
            long seed = 1000 + i;
            LoadTrace load = LoadTrace.synthetic(spec.load(), steps, seed);
            OperatorRun r = OperatorRun.run(make.apply(spec), spec, load, seed);
            t[0] += r.requests();
            t[1] += r.sloMisses();
            t[2] += r.coreSeconds();
            t[3 + 3 * i] = r.requests();
            t[4 + 3 * i] = r.sloMisses();
            t[5 + 3 * i] = r.coreSeconds();
        }
        return t;
    }

    static void print(String name, double[] t, double[] hpa) {
        int fewer = 0, cheaper = 0, both = 0;
        for (int i = 3; i < t.length; i += 3) {
            boolean f = t[i + 1] < hpa[i + 1] || (t[i + 1] == 0 && hpa[i + 1] == 0);
            boolean c = t[i + 2] <= hpa[i + 2] + 1e-9;
            fewer += f ? 1 : 0;
            cheaper += c ? 1 : 0;
            both += f && c ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "%-28s missed %6.2f%%  cores %.3fx HPA  fewer %d cheaper %d both %d of %d%n", name,
                100 * t[1] / t[0], t[2] / hpa[2], fewer, cheaper, both, (t.length - 3) / 3);
    }
}
