package dev.flash.configsearch;

import java.util.List;

/** A non-learned predictor of a workload's log target at a configuration from its measured shots. */
public interface LogPredictor {

    /** log(prediction at {@code query}) from the shots' measured targets. */
    double predictLog(List<Measurement> shots, String query);
}
