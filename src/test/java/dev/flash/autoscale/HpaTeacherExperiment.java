package dev.flash.autoscale;

import java.util.List;

/**
 * HPA's decisions mapped onto AWARE's moves ({@link HpaTeacher}) behind each guard, against HPA
 * itself on the TRAINING services of the default population: how close a perfect clone of the
 * teacher can come to HPA's misses and cores, before any learning. Run:
 * java -cp ... dev.flash.autoscale.HpaTeacherExperiment [steps] [services]
 */
public final class HpaTeacherExperiment {
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 480;
        List<ServiceSpec> train = ServicePopulation.split(ServicePopulation.sample(200, 7, 0.2), ServiceSpec.TRAIN);
        int n = args.length > 1 ? Math.min(train.size(), Integer.parseInt(args[1])) : train.size();
        double[] hpa = GuardFloorExperiment.run(train, n, steps, s -> new HpaReference());
        GuardFloorExperiment.print("hpa", hpa, hpa);
        for (MoveGuard g : MoveGuard.values()) {
            for (HpaTeacher.Mapping m : HpaTeacher.Mapping.values()) {
                HpaTeacher probe = new HpaTeacher(train.get(0), g, m);
                GuardFloorExperiment.print(probe.name(),
                        GuardFloorExperiment.run(train, n, steps, s -> new HpaTeacher(s, g, m)), hpa);
            }
        }
    }
}
