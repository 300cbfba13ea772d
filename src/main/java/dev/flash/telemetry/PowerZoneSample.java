package dev.flash.telemetry;

/**
 * One RAPL energy zone (powercap {@code intel-rapl:N[:M]} or an MSR domain) in one tick.
 *
 * @param name         zone name as the kernel gives it: package-0, core, uncore, dram, psys
 * @param path         where it was read (a powercap directory or {@code msr:cpuN:0x611}); for
 *                     people reading the status
 * @param joulesTotal  energy accumulated since the source started, wraps already unfolded
 * @param watts        mean power over the last tick; NaN on the first tick or after a rejected
 *                     reading (reset, implausible jump)
 */
public record PowerZoneSample(String name, String path, double joulesTotal, double watts) {

    /** Package zones carry the node's power (core/uncore/dram are parts of or beside it). */
    public boolean isPackage() {
        return name.startsWith("package");
    }
}
