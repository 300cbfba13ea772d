package dev.flash.sim;

import static dev.flash.sim.AppPopulation.logUniform;
import static dev.flash.sim.AppPopulation.r4;
import static dev.flash.sim.AppPopulation.uniform;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Not the population anything ships with: a wider one, measured and rejected (see
 * docs/log/2026-11-dvfs-experiments-log.md, "What we tried on applications we did not design"). Same archetypes
 * and split as {@link AppPopulation}, with
 *
 * <ul>
 *   <li>phases log-uniform 5 to 900 s (was 15 to 120);</li>
 *   <li>load: 35% batch 1.0 to 2.5 (was 1.5), 10% near idle 0.02 to 0.15, else 0.15 to 0.95;</li>
 *   <li>half the phases bursty (noise 8 to 50%; was at most 8% everywhere); sines of 5 to 70%
 *       (was 30%), a third of them diurnal-like (period 600 s to a day);</li>
 *   <li>mlp log-uniform [1, 16] (was [1, 8]), base_ipc [0.5, 3.5] (was [0.6, 3.0]),
 *       power_intensity [0.6, 1.9] (was [0.7, 1.3]).</li>
 * </ul>
 *
 * {@code ReproduceExperiment population=wide} runs the case III reproduction on it.
 */
public final class WidePopulation {
    private WidePopulation() {
    }

    public static List<AppSpec> sample(int n, long seed, double testFraction) {
        return AppPopulation.sample(n, seed, testFraction, WidePopulation::sampleApp);
    }

    static AppSpec sampleApp(SplittableRandom rng, int index, String split) {
        double a = rng.nextDouble();
        String archetype = a < 0.25 ? "cpu" : a < 0.5 ? "memory" : "mixed";
        HiddenParams hidden = new HiddenParams(
                r4(logUniform(rng, 1, 16)),
                r4(uniform(rng, 0.5, 3.5)),
                r4(uniform(rng, 0.6, 1.9)));
        int phaseCount = 1 + rng.nextInt(4);
        List<Phase> phases = new ArrayList<>(phaseCount);
        for (int j = 0; j < phaseCount; j++) {
            String kind = archetype;
            if (kind.equals("mixed")) {
                kind = switch (rng.nextInt(3)) {
                    case 0 -> "cpu";
                    case 1 -> "balanced";
                    default -> "memory";
                };
            }
            double m = switch (kind) {
                case "cpu" -> uniform(rng, 0, 0.15);
                case "balanced" -> uniform(rng, 0.2, 0.45);
                default -> uniform(rng, 0.45, 0.9);
            };
            double l = rng.nextDouble();
            double load = l < 0.35 ? uniform(rng, 1.0, 2.5)
                    : l < 0.45 ? uniform(rng, 0.02, 0.15)
                    : uniform(rng, 0.15, 0.95);
            double parallelism = 0.25 * (1 + rng.nextInt(4));
            double duration = Math.rint(logUniform(rng, 5, 900));
            double noise = rng.nextBoolean() ? uniform(rng, 0, 0.08) : uniform(rng, 0.08, 0.5); // steady or bursty
            boolean sine = rng.nextBoolean();
            double amplitude = sine ? uniform(rng, 0.05, 0.7) : 0;
            double period = !sine ? 60
                    : rng.nextInt(3) < 2 ? Math.rint(uniform(rng, 20, 120))
                    : Math.rint(logUniform(rng, 600, 86_400));
            phases.add(new Phase(r4(m), r4(load), parallelism, duration, r4(noise), r4(amplitude), period));
        }
        return new AppSpec(String.format("%s-%04d", archetype, index), phases, hidden, split);
    }
}
