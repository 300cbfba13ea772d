package dev.flash.testing;

import dev.flash.actuate.StateStore;
import dev.flash.actuate.linux.CpufreqActuator;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.linux.CpufreqReader;
import java.nio.file.Path;

/**
 * Child process of the crash test: applies targets to every policy of a fake tree through the
 * real actuator and state store, prints "applied", then sleeps until it is killed.
 *
 * <p>Arguments: sysfs root, state dir, target kHz.
 */
public final class CrashingActuatorMain {
    private CrashingActuatorMain() {
    }

    public static void main(String[] args) throws Exception {
        SysfsRoot root = new SysfsRoot(Path.of(args[0])).withWriter(new FakeKernel());
        CpufreqActuator actuator = new CpufreqActuator(root, new StateStore(Path.of(args[1])), false);
        long target = Long.parseLong(args[2]);
        try (CpufreqReader reader = new CpufreqReader(root)) {
            for (PolicySample p : reader.read()) {
                actuator.apply(p, target);
            }
        }
        System.out.println("applied");
        System.out.flush();
        Thread.sleep(120_000); // the parent kills us long before this
    }
}
