package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Hand-written rules through the {@link UtilizationGuard} against HPA on the TRAINING services
 * of the default population (never the held-out ones): what the guard and the vertical lever are
 * worth before any learning. Run: java -cp ... dev.flash.autoscale.GuardExperiment [steps]
 */
public final class GuardExperiment {

    /** A rule: scale in below {@code low}, raise the CPU limit toward {@code limitFloor}, guard on. */
    static Autoscaler rule(String name, double low, double limitFloor) {
        return new Autoscaler() {
            double previousRate = Double.NaN;

            @Override
            public String name() {
                return name;
            }

            @Override
            public void reset() {
                previousRate = Double.NaN;
            }

            @Override
            public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
                ScalingAction a = ScalingAction.NO_OP;
                if (now.cpuLimit() < limitFloor - 1e-9) {
                    a = ScalingAction.SCALE_UP;
                } else if (last.readyReplicas() == last.replicas() && last.cpuUtilization() < low) {
                    a = ScalingAction.SCALE_IN;
                }
                Allocation next = UtilizationGuard.apply(last, previousRate, a.apply(now, bounds), bounds);
                previousRate = last.arrivalRate();
                return next;
            }
        };
    }

    /** Proportional scale-in to {@code target} below {@code low}; limit moved toward {@code limitAim}. */
    static Autoscaler prop(String name, double low, double target, double limitAim, boolean rateAware) {
        return new Autoscaler() {
            double previousRate = Double.NaN;

            @Override
            public String name() {
                return name;
            }

            @Override
            public void reset() {
                previousRate = Double.NaN;
            }

            @Override
            public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
                Allocation p = now;
                if (limitAim > 0 && now.cpuLimit() > limitAim * 1.2 && last.cpuUtilization() < 0.6) {
                    p = ScalingAction.SCALE_DOWN.apply(now, bounds);
                } else if (limitAim > 0 && now.cpuLimit() < limitAim / 1.2) {
                    p = ScalingAction.SCALE_UP.apply(now, bounds);
                } else if (low < 0 && last.readyReplicas() == last.replicas() && last.cpuUtilization() < -low) {
                    p = ScalingAction.SCALE_IN.apply(last, now, bounds);
                } else if (last.readyReplicas() == last.replicas() && last.cpuUtilization() < low) {
                    double w = last.cpuUtilization() * last.readyReplicas();
                    if (rateAware && previousRate > 0 && last.arrivalRate() > previousRate) {
                        w *= last.arrivalRate() / previousRate;
                    }
                    int r = Math.max(1, Math.min(now.replicas() - 1, (int) Math.ceil(w / target)));
                    p = new Allocation(r, now.cpuLimit());
                }
                Allocation next = UtilizationGuard.apply(last, previousRate, p, bounds);
                previousRate = last.arrivalRate();
                return next;
            }
        };
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 480;
        List<ServiceSpec> train = ServicePopulation.split(ServicePopulation.sample(200, 7, 0.2), ServiceSpec.TRAIN);
        List<Supplier<Autoscaler>> all = List.of(HpaReference::new, () -> rule("hold+guard", 0, 0),
                () -> rule("in<0.5", 0.5, 0), () -> rule("in<0.55", 0.55, 0), () -> rule("in<0.5,L>=1", 0.5, 1),
                () -> rule("in<0.55,L>=1", 0.55, 1), () -> rule("in<0.6,L>=1", 0.6, 1),
                () -> prop("p.5->.6", 0.5, 0.6, 0, false), () -> prop("p.55->.65", 0.55, 0.65, 0, false),
                () -> prop("p.6->.7", 0.6, 0.7, 0, false), () -> prop("p.5->.6 L1", 0.5, 0.6, 1, false),
                () -> prop("p.6->.7 L1", 0.6, 0.7, 1, false), () -> prop("p.6->.7 L2", 0.6, 0.7, 2, false),
                () -> prop("p.6->.7 L1 r", 0.6, 0.7, 1, true), () -> prop("p.5->.65 L1 r", 0.5, 0.65, 1, true),
                () -> prop("A.5 L1", -0.5, 0, 1, false), () -> prop("A.45 L1", -0.45, 0, 1, false),
                () -> prop("A.5", -0.5, 0, 0, false));
        for (Supplier<Autoscaler> make : all) {
            double req = 0, miss = 0, cores = 0, reward = 0;
            String name = null;
            for (int i = 0; i < train.size(); i++) {
                ServiceSpec spec = train.get(i);
                long seed = 1000 + i;
                LoadTrace load = LoadTrace.synthetic(spec.load(), steps, seed);
                Autoscaler a = make.get();
                name = a.name();
                OperatorRun r = OperatorRun.run(a, spec, load, seed);
                req += r.requests();
                miss += r.sloMisses();
                cores += r.coreSeconds();
                reward += r.meanReward() / train.size();
            }
            System.out.printf(Locale.ROOT, "%-14s missed %6.2f%%  core-h %9.1f  reward %.4f%n", name, 100 * miss / req,
                    cores / 3600, reward);
        }
    }
}
