package dev.flash.configsearch;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One test workload's cost under a runtime deadline from chosen shots, in detail (what {@code
 * flash evaluate config-search --cost-trace FILE} writes, one row per fold, workload, cost searcher
 * and k): the cost figures are means over these rows. Runtimes are over the deadline (the
 * workload's median runtime; above 1 is late), costs over the cheapest configuration truly on time
 * (the target; 1 is no regret).
 *
 * @param target                  the cheapest configuration truly on time
 * @param shots                   the measurements in order
 * @param basis                   why the run configuration was chosen: {@code measured_on_time} (the
 *                                cheapest measured that met the deadline), {@code predicted_on_time}
 *                                (nothing measured met it; the cheapest predicted on time, not
 *                                measured) or {@code fastest_measured} (nothing is predicted on time)
 * @param runPredictedRuntime     the run configuration's predicted runtime when it was not measured, else NaN
 * @param targetMeasured          whether the target was among the measurements
 * @param targetPredictedRuntime  the searcher's predicted runtime of the target after the last
 *                                measurement (NaN when measured or the searcher predicts nothing)
 * @param targetPredictedCost     its predicted cost over its true cost
 * @param cheaperPredictedOnTime  unmeasured configurations predicted on time and predicted cheaper than the target
 * @param logRmse                 the fold's FLASH validation log RMSE (the saving searchers' sigma)
 * @param oneShotLogRmse          the fold's ratio-reference error from one measurement on the training workloads
 */
public record CostTrace(int fold, String workload, String searcher, int k, double deadline, String target,
                        List<Shot> shots, String basis, String run, double runRuntime, double runCost,
                        double runPredictedRuntime, boolean targetMeasured, double targetPredictedRuntime,
                        double targetPredictedCost, int cheaperPredictedOnTime, double logRmse,
                        double oneShotLogRmse) {

    /**
     * One measurement: runtime over the deadline, cost over the target's, and the runtime over the
     * deadline it was predicted at when chosen (NaN for the cost prior's first and the portfolio's).
     */
    public record Shot(String config, double runtime, double cost, double predictedRuntime) {
    }

    public CostTrace {
        shots = List.copyOf(shots);
    }

    /** The figure's regret: the run configuration's cost over the target's minus 1, floored at 0. */
    public double regret() {
        return Math.max(0, runCost - 1);
    }

    /** 1 when the run configuration misses the deadline. */
    public double missed() {
        return runRuntime > 1 ? 1 : 0;
    }

    public static final String HEADER = String.join("\t", "fold", "workload", "searcher", "k", "deadline_s",
            "regret", "missed", "basis", "run", "run_runtime", "run_cost", "run_predicted_runtime", "target",
            "target_measured", "target_predicted_runtime", "target_predicted_cost", "cheaper_predicted_on_time",
            "log_rmse", "one_shot_log_rmse", "shots");

    /** One tab-separated row under {@link #HEADER}; shots as {@code config:runtime/cost/predicted} joined by {@code ;}. */
    public String tsv() {
        String s = shots.stream().map(x -> x.config() + ":" + num(x.runtime()) + "/" + num(x.cost()) + "/"
                + num(x.predictedRuntime())).collect(Collectors.joining(";"));
        return String.join("\t", Integer.toString(fold), workload, searcher, Integer.toString(k), num(deadline),
                num(regret()), num(missed()), basis, run, num(runRuntime), num(runCost), num(runPredictedRuntime),
                target, Boolean.toString(targetMeasured), num(targetPredictedRuntime), num(targetPredictedCost),
                Integer.toString(cheaperPredictedOnTime), num(logRmse), num(oneShotLogRmse), s);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.4f", v);
    }
}
