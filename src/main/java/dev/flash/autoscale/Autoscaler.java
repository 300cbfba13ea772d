package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;

/** Decides a workload's next allocation from its last step's metrics, once per step. */
public interface Autoscaler {

    String name();

    /** Forgets everything learned about the workload (a new workload or episode). */
    void reset();

    /** The allocation for the next step, within {@code bounds}. */
    Allocation decide(StepMetrics last, Allocation now, Bounds bounds);
}
