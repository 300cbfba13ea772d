package dev.flash.dvfs.train;

/**
 * What one DVFS episode cost and achieved against running the same load at fmax (the
 * performance governor), from the simulator's ground truth.
 *
 * @param steps               decisions taken (one per simulated second)
 * @param energyJoules        energy the policy used
 * @param energyAtFmaxJoules  energy it would have used at fmax over the same intervals and load
 * @param work                work done (CPU-seconds at fmax)
 * @param workAtFmax          work fmax would have done
 * @param reward              sum of the training reward ({@link DvfsEnvironment} javadoc)
 * @param budgetViolations    steps whose own slowdown exceeded the budget
 */
public record EpisodeStats(int steps, double energyJoules, double energyAtFmaxJoules, double work,
                           double workAtFmax, double reward, int budgetViolations) {

    /** Share of energy saved against fmax over the episode (negative: used more). */
    public double energySaving() {
        return energyAtFmaxJoules > 0 ? 1 - energyJoules / energyAtFmaxJoules : 0;
    }

    /** Share of work lost against fmax over the episode. */
    public double slowdown() {
        return workAtFmax > 0 ? Math.max(0, 1 - work / workAtFmax) : 0;
    }

    /** The episode's slowdown stayed within {@code budget} (a tiny tolerance for rounding). */
    public boolean budgetHeld(double budget) {
        return slowdown() <= budget + 1e-9;
    }

    /** Mean training reward per step. */
    public double rewardPerStep() {
        return steps == 0 ? 0 : reward / steps;
    }

    /** Accumulates steps into an episode. */
    static final class Accumulator {
        private int steps;
        private double energy;
        private double energyAtFmax;
        private double work;
        private double workAtFmax;
        private double reward;
        private int violations;

        void add(double e, double eMax, double w, double wMax, double r, boolean violated) {
            steps++;
            energy += e;
            energyAtFmax += eMax;
            work += w;
            workAtFmax += wMax;
            reward += r;
            if (violated) {
                violations++;
            }
        }

        EpisodeStats done() {
            return new EpisodeStats(steps, energy, energyAtFmax, work, workAtFmax, reward, violations);
        }
    }
}
