package dev.flash.telemetry.rapl;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PowerZoneSample;
import java.util.List;
import java.util.Optional;

/** Chooses the node's energy meter. */
public final class EnergyMeters {
    static final String NOTHING = "no powercap RAPL zones and no /dev/cpu/*/msr: energy unavailable (virtual machine?)";

    private EnergyMeters() {
    }

    /**
     * Powercap first (the kernel's own, wrap-aware interface), then raw MSRs (old kernels, AMD
     * before 5.8), then a meter that reports nothing and says why. When powercap zones exist but
     * cannot be read (EACCES) and MSRs do not help either, the powercap reason wins: it names the
     * fix; likewise an MSR device that exists but fails names its own problem.
     */
    public static EnergyMeter detect(SysfsRoot root) {
        return detect(root, 1);
    }

    /** {@link #detect(SysfsRoot)} with the MSR test seam ({@link MsrEnergyMeter#MsrEnergyMeter(SysfsRoot, long)}). */
    static EnergyMeter detect(SysfsRoot root, long msrOffsetStride) {
        PowercapEnergyMeter powercap = new PowercapEnergyMeter(root);
        if (powercap.unavailableReason().isEmpty()) {
            return powercap;
        }
        powercap.close();
        MsrEnergyMeter msr = new MsrEnergyMeter(root, msrOffsetStride);
        if (msr.unavailableReason().isEmpty()) {
            return msr;
        }
        msr.close();
        if (powercap.zonesFound()) {
            return none(powercap.unavailableReason().get());
        }
        if (msr.devicesFound()) {
            return none(msr.unavailableReason().get());
        }
        return none(NOTHING);
    }

    /** A meter with no zones whose reason is {@code reason}. */
    public static EnergyMeter none(String reason) {
        return new EnergyMeter() {
            @Override
            public List<PowerZoneSample> read(long monotonicNanos) {
                return List.of();
            }

            @Override
            public Optional<String> unavailableReason() {
                return Optional.of(reason);
            }

            @Override
            public double referenceWatts() {
                return Double.NaN;
            }

            @Override
            public String describe() {
                return "no energy meter: " + reason;
            }
        };
    }
}
