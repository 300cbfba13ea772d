package dev.flash.sim;

/**
 * Per-application parameters that no telemetry signal shows directly. They decouple what a
 * single tick shows (MPKI, IPC, power) from what decides the best frequency (memory-boundness),
 * so a policy has to infer the application from how it responds when the frequency moves.
 *
 * @param memoryLevelParallelism misses served in parallel (1..16). The same memory-boundness m
 *                               shows as MPKI proportional to this: a streaming kernel with high
 *                               MLP shows many misses that cost little, a pointer chaser few
 *                               misses that cost a lot
 * @param baseIpc                instructions per cycle when not stalled (0.2..4): sets the IPC
 *                               level, so a low IPC may mean "stalled" or just "slow code"
 * @param powerIntensity         scale of dynamic power per busy cycle (0.3..2): vector-heavy code
 *                               burns more, so power alone does not tell the load
 */
public record HiddenParams(double memoryLevelParallelism, double baseIpc, double powerIntensity) implements java.io.Serializable {

    public HiddenParams {
        SpecException.inRange("mlp", memoryLevelParallelism, 1, 16);
        SpecException.inRange("base_ipc", baseIpc, 0.2, 4);
        SpecException.inRange("power_intensity", powerIntensity, 0.3, 2);
    }

    /** Middle-of-the-road values, for hand-written applications that do not care. */
    public static final HiddenParams TYPICAL = new HiddenParams(2.0, 1.8, 1.0);
}
