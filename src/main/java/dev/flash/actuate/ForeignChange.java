package dev.flash.actuate;

import java.time.Instant;

/**
 * A cpufreq value that changed under flash without flash writing it: another tool (cpupower,
 * tuned, TLP, an administrator's echo) or the kernel itself took the policy. flash then leaves
 * the policy alone until the value comes back or the operator resumes it.
 *
 * @param policyId N of {@code cpufreq/policyN}
 * @param file     the tool-visible file, e.g. {@code scaling_max_freq}
 * @param expected what flash last wrote there, or found there when it never wrote it
 * @param found    what the file holds now
 * @param at       when flash noticed
 */
public record ForeignChange(int policyId, String file, String expected, String found, Instant at) {

    /** "policy2 scaling_max_freq 2222222 -> 3000000". */
    public String describe() {
        return "policy" + policyId + " " + file + " " + expected + " -> " + found;
    }
}
