package dev.flash.actuate;

/**
 * The values of one cpufreq policy as found before flash first wrote to it: what
 * {@link StateStore#restore} puts back.
 *
 * @param id            N of {@code cpufreq/policyN}
 * @param governor      {@code scaling_governor}
 * @param scalingMinKhz {@code scaling_min_freq}
 * @param scalingMaxKhz {@code scaling_max_freq}
 * @param setspeedKhz   {@code scaling_setspeed} when the governor was already userspace (someone
 *                      had set a speed); -1 when there is none to restore
 */
public record SavedPolicy(int id, String governor, long scalingMinKhz, long scalingMaxKhz,
        long setspeedKhz) {

    public boolean hasSetspeed() {
        return setspeedKhz >= 0;
    }
}
