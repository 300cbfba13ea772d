package dev.flash.sim;

/**
 * Ground truth for one cpufreq policy over the interval covered by the last
 * {@link SimulatedNode#sample()}: what only the simulator knows. Work is counted in "CPU-seconds
 * of work at fmax", so a saturated CPU at fmax does 1 unit per second.
 *
 * @param policyId      cpufreq policy number
 * @param seconds       simulated seconds covered
 * @param work          work done
 * @param workAtFmax    work that would have been done at fmax under the same load
 * @param energyJoules  true energy attributed to the policy: its share of static power, its
 *                      CPUs' dynamic power, its share of uncore and DRAM power (no noise)
 * @param app           application running at the end of the interval
 * @param phaseIndex    its phase at the end of the interval
 * @param energyAtFmaxJoules counterfactual: the energy the policy would have used over the same
 *                      interval under the same load (same noise draws) at fmax, i.e. under the
 *                      performance governor; NaN when unknown
 */
public record IntervalTruth(
        int policyId, double seconds, double work, double workAtFmax, double energyJoules,
        String app, int phaseIndex, double energyAtFmaxJoules) {

    /** Without the counterfactual energy (NaN). */
    public IntervalTruth(int policyId, double seconds, double work, double workAtFmax, double energyJoules,
            String app, int phaseIndex) {
        this(policyId, seconds, work, workAtFmax, energyJoules, app, phaseIndex, Double.NaN);
    }

    /** 1 - energy / energyAtFmax: the share of energy saved against running at fmax (NaN when unknown). */
    public double energySaving() {
        return energyAtFmaxJoules > 0 ? 1 - energyJoules / energyAtFmaxJoules : Double.NaN;
    }

    /** 1 - work / workAtFmax, 0 for an empty interval. */
    public double slowdown() {
        return workAtFmax <= 0 ? 0 : Math.max(0, 1 - work / workAtFmax);
    }

    public double averageWatts() {
        return seconds <= 0 ? Double.NaN : energyJoules / seconds;
    }
}
