package dev.flash.policy;

/**
 * What a policy decided for one cpufreq policy in one tick.
 *
 * @param policyId      cpufreq policy number
 * @param actionIndex   index into the model's action set (-1 for rule controllers)
 * @param actionName    the action's name, e.g. "up1" or "hold"
 * @param targetKhz     frequency to apply
 * @param embedding     the FLASH embedding computed from this policy's context, or an empty array
 *                      when the decider has none
 * @param expectedValue the model's value estimate for this state (critic), NaN when none
 */
public record PolicyDecision(
        int policyId, int actionIndex, String actionName, long targetKhz, float[] embedding,
        double expectedValue) {
}
