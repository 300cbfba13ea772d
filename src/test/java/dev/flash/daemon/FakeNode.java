package dev.flash.daemon;

import dev.flash.actuate.ActuationException;
import dev.flash.actuate.ActuationMode;
import dev.flash.actuate.FrequencyActuator;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.PowerZoneSample;
import dev.flash.telemetry.TelemetryException;
import dev.flash.telemetry.TelemetryRecord;
import dev.flash.telemetry.TelemetrySource;
import dev.flash.telemetry.UtilizationHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A deterministic stand-in for the real node (Linux sysfs source + cpufreq actuator) and for
 * {@code dev.flash.sim.SimulatedNode}, which other branches build: the daemon's tests need a node
 * whose failures they can switch on and off tick by tick. Frequencies follow the writes;
 * utilization is a fixed ramp; power follows frequency.
 */
final class FakeNode implements TelemetrySource, FrequencyActuator {
    private static final double[] PER_CPU_UTILIZATION = {0.5, 0.5};
    private final UtilizationHistory history = new UtilizationHistory();
    static final long MIN_KHZ = 800_000;
    static final long MAX_KHZ = 3_000_000;

    private final List<Integer> policyIds = new ArrayList<>(List.of(0, 1));
    private final Map<Integer, Long> curKhz = new java.util.HashMap<>();
    private long sampleCount;
    private long frozenNanos = -1;
    private double joules;
    /** Failures to inject: the next N samples / writes throw. */
    int failSamples;
    int failWrites;
    /** The next N writes find another tool's value in place (ForeignChangeException). */
    int foreignChanges;
    boolean freeze;
    int restores;
    int applies;
    /** When set, every restore appends a line here (the SIGTERM test reads it from another JVM). */
    Path restoreMarker;

    FakeNode() {
        policyIds.forEach(id -> curKhz.put(id, MAX_KHZ));
    }

    synchronized void setPolicies(Integer... ids) {
        policyIds.clear();
        policyIds.addAll(List.of(ids));
        for (int id : ids) {
            curKhz.putIfAbsent(id, MAX_KHZ);
        }
    }

    Node node() {
        return new Node(this, this, true, "fake test node");
    }

    @Override
    public String describe() {
        return "fake test node";
    }

    @Override
    public synchronized TelemetryRecord sample() throws TelemetryException {
        if (failSamples > 0) {
            failSamples--;
            throw new TelemetryException("fake: /sys/devices/system/cpu/cpufreq unreadable");
        }
        sampleCount++;
        long now = System.nanoTime();
        if (freeze) {
            if (frozenNanos < 0) {
                frozenNanos = now;
            }
            now = frozenNanos;
        } else {
            frozenNanos = -1;
        }
        List<PolicySample> ps = new ArrayList<>();
        double watts = 0;
        for (int id : policyIds) {
            double util = 0.2 + 0.1 * ((sampleCount + id) % 7);
            long f = curKhz.get(id);
            PolicySample raw = new PolicySample(id, new int[] {id}, "fake-cpufreq", "userspace",
                    List.of("userspace", "performance"), MIN_KHZ, MAX_KHZ, MIN_KHZ, MAX_KHZ, f, new long[0],
                    util, 1.5, 2.0, util * f * 1000 * 1.5).withRunWaitShare(util > 0.7 ? util - 0.7 : 0);
            // as every real source does
            ps.add(history.update(raw, PER_CPU_UTILIZATION, sampleCount == 1 ? 0 : 0.05));
            watts += 5 + 10.0 * f / MAX_KHZ * util;
        }
        joules += watts * 0.05;
        return new TelemetryRecord(now, System.currentTimeMillis(), sampleCount == 1 ? 0 : 0.05, ps,
                PER_CPU_UTILIZATION.clone(), List.of(new PowerZoneSample("package-0", "fake", joules, watts)),
                40.0, Map.of());
    }

    @Override
    public ActuationMode modeFor(PolicySample policy) {
        return ActuationMode.SETSPEED;
    }

    @Override
    public synchronized long apply(PolicySample policy, long targetKhz) throws ActuationException {
        applies++;
        if (failWrites > 0) {
            failWrites--;
            throw new ActuationException("fake: scaling_setspeed: EBUSY");
        }
        if (foreignChanges > 0) {
            foreignChanges--;
            throw new dev.flash.actuate.ForeignChangeException("fake: another tool set policy" + policy.id()
                    + "'s scaling_governor to performance", java.util.List.of());
        }
        long f = Math.max(MIN_KHZ, Math.min(MAX_KHZ, targetKhz));
        curKhz.put(policy.id(), f);
        return f;
    }

    @Override
    public synchronized void restore() {
        restores++;
        curKhz.replaceAll((id, f) -> MAX_KHZ);
        if (restoreMarker != null) {
            try {
                Files.writeString(restoreMarker, "restored\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        restore();
    }

    synchronized int restores() {
        return restores;
    }
}
