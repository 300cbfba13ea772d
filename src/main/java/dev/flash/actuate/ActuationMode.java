package dev.flash.actuate;

/** How decisions reach a cpufreq policy; shown in the status. */
public enum ActuationMode {
    /** userspace governor attached, target written to {@code scaling_setspeed}. */
    SETSPEED,
    /** no userspace governor (intel_pstate / amd-pstate active): target written as {@code scaling_max_freq}. */
    CAP,
    /** {@code --dry-run}: decide and report, write nothing. */
    OBSERVE
}
