package dev.flash.sysfs;

/**
 * The governor and both scaling limits of cpufreq policies as another part of flash last read
 * them, and when. The telemetry's cpufreq reader reads {@code scaling_governor},
 * {@code scaling_min_freq} and {@code scaling_max_freq} of one policy in eight every tick; the
 * actuator compares the same three files with what it wrote, to notice another tool. Sharing
 * the reading saves the actuator those three reads (at 256 policies, about 77 of the tick's 450
 * system calls, each 1.5-3 us in a VM); the actuator uses a reading only when it was taken after
 * its own last write to the policy.
 *
 * <p>Read on the loop thread that owns both (no synchronization).
 */
public interface LimitReadings {

    /** No reading of the policy's governor and limits. */
    long NEVER = Long.MIN_VALUE;

    /**
     * {@link System#nanoTime()} just after the last reading in which all three files of
     * {@code policyId} were read without an error; {@link #NEVER} when there was none (or the
     * policy is unknown). The other methods give that reading's values.
     */
    long readNanos(int policyId);

    /** {@code scaling_governor} as read (trimmed; empty when the file was empty). */
    String governor(int policyId);

    /** {@code scaling_min_freq} as read; -1 when it held no number. */
    long minKhz(int policyId);

    /** {@code scaling_max_freq} as read; -1 when it held no number. */
    long maxKhz(int policyId);
}
