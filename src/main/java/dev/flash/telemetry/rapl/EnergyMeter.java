package dev.flash.telemetry.rapl;

import dev.flash.telemetry.PowerZoneSample;
import java.util.List;
import java.util.Optional;

/**
 * Reads the node's RAPL energy counters once per tick and turns them into joules since start and
 * mean watts over the tick. Implementations: powercap sysfs ({@link PowercapEnergyMeter}), raw
 * MSRs ({@link MsrEnergyMeter}), and "none" with a reason ({@link EnergyMeters#none(String)}).
 * Pick one with {@link EnergyMeters#detect(dev.flash.sysfs.SysfsRoot)}.
 *
 * <p>Not thread-safe: the control loop calls {@link #read(long)} from one thread.
 */
public interface EnergyMeter extends AutoCloseable {

    /**
     * One sample per zone. The first call only primes the counters (watts NaN, joules 0); a
     * reading the meter rejects (counter reset, implausible jump) gives NaN watts for that tick
     * and leaves the zone's joules where they were. Empty when energy is unavailable.
     *
     * @param monotonicNanos the tick's {@link System#nanoTime()}; watts are energy over the
     *                       difference to the previous call's value
     */
    List<PowerZoneSample> read(long monotonicNanos);

    /** Why there is no energy reading on this node (EACCES, no RAPL, virtual machine); empty when there is. */
    Optional<String> unavailableReason();

    /** Package PL1 ({@code constraint_0_power_limit_uw}) summed over packages, in watts; NaN if unknown. */
    double referenceWatts();

    /** For the status: which interface, which zones. */
    String describe();

    @Override
    default void close() {
    }
}
