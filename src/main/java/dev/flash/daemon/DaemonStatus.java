package dev.flash.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status flashd answers on its socket, as one JSON object (Gson, field names as written
 * here; see {@code docs/status.md}). Plain mutable classes so Gson reads and writes them with no
 * adapters, and {@code flash status} parses the same classes back. A value that is unknown or
 * unavailable (NaN in the loop) is {@code null} in JSON.
 */
public final class DaemonStatus {
    /** running, fallback (the rule controller decides), degraded (hands-off), starting, stopped. */
    public String state;
    /** Why the state is not "running"; null when it is. */
    public String stateReason;
    /**
     * What an operator asks first: managing (the model writes cpufreq), dry-run (decides, writes
     * nothing), fallback (the rule controller decides; why in modeReason), hands-off (flashd
     * does not act; why in modeReason), starting, stopped.
     */
    public String mode;
    public String modeReason;
    public long pid;
    public String startedAt;
    public double uptimeSeconds;
    public long ticks;
    public int periodMs;
    public Jitter jitter = new Jitter();
    public NodeInfo node = new NodeInfo();
    public ModelInfo model = new ModelInfo();
    public Power power = new Power();
    public Counts counts = new Counts();
    /** Most recent first, bounded. */
    public List<String> fallbackReasons = new ArrayList<>();
    /** Most recent first, bounded; each begins with an ISO-8601 time. */
    public List<String> lastErrors = new ArrayList<>();
    public List<PolicyStatus> policies = new ArrayList<>();
    /** Signals this node cannot provide (ipc, package_power, run_wait, ...) and why; never faked. */
    public Map<String, String> missingSignals = new TreeMap<>();
    /** Model files in the models directory that failed validation, with the reason. */
    public List<RejectedModel> rejectedModels = new ArrayList<>();
    /**
     * Policies flashd does not touch now, and why (the whole node while hands-off; other causes,
     * such as a foreign tool's change, add their own entries).
     */
    public List<HandsOff> handsOffPolicies = new ArrayList<>();

    public static final class RejectedModel {
        public String name;
        /** Of the rejected file's content; null when it could not be read. */
        public String sha256;
        public String reason;
        /** When the daemon first saw this content rejected (ISO-8601). */
        public String since;
    }

    public static final class HandsOff {
        /** "policyN", or "all" for the whole node. */
        public String policy;
        public String reason;
        public String since;
    }
    /**
     * Values another tool changed under flashd, one per changed file: flashd leaves those
     * policies alone (action "other-tool") until the values return or {@code flash resume}.
     */
    public List<ForeignChangeStatus> otherTools = new ArrayList<>();

    /** Lateness of each tick against its schedule (monotonic clock). */
    public static final class Jitter {
        public Double p50Ms;
        public Double p99Ms;
        public Double maxMs;
        /** Ticks skipped because one tick ran past the next one's start. */
        public long overruns;
        public int samples;
    }

    public static final class NodeInfo {
        /** "real" or "simulated". */
        public String kind;
        public String description;
        public String sysfsRoot;
        public boolean dryRun;
    }

    public static final class ModelInfo {
        public String name;
        public String agent;
        /** Of the model file; null for the fallback. */
        public String sha256;
        /** When this model (or the fallback) was selected (ISO-8601). */
        public String since;
        /** True when the rule controller decides instead of the model. */
        public boolean fallback;
        /** Why the fallback decides (no model, model failed, ...); null when the model decides. */
        public String reason;
        public int contextLength;
        public Double expectedReward;
        public Double expectedRewardStd;
    }

    public static final class Power {
        /** Package power over the last tick, W; null when the node has no RAPL. */
        public Double packageWatts;
        /** Package energy since the daemon started, J. */
        public Double joulesSinceStart;
    }

    public static final class Counts {
        /** Decisions applied per minute, all policies: over the last whole minute, before that the rate so far. */
        public Double decisionsPerMinute;
        public long decisions;
        public long modelDecisions;
        public long fallbackDecisions;
        /** Times the daemon switched from the model to the fallback. */
        public long fallbacks;
        /** Times the daemon handed the CPUs back and stopped acting. */
        public long handsOff;
        public long telemetryFailures;
        public long writeErrors;
        /** Times another tool's change made flashd leave a policy to it. */
        public long foreignChanges;
    }

    /** One value another tool changed (see {@link #otherTools}). */
    public static final class ForeignChangeStatus {
        public int policy;
        /** The cpufreq file, e.g. scaling_max_freq. */
        public String file;
        /** What flashd last wrote or found there. */
        public String expected;
        /** What the other tool left there. */
        public String found;
        /** When flashd noticed, ISO-8601. */
        public String at;
    }

    public static final class PolicyStatus {
        public int id;
        public String cpus;
        /** setspeed, cap or observe. */
        public String mode;
        public String driver;
        public String governor;
        public Double freqMhz;
        public Double targetMhz;
        public Double utilization;
        /** The busiest CPU's utilization history (telemetry's UtilizationHistory): average and deviation. */
        public Double utilizationAverage;
        public Double utilizationDeviation;
        /** Share of runnable time the policy's tasks waited for a CPU (/proc/schedstat); null if unavailable. */
        public Double runWaitShare;
        public Double ipc;
        public String action;
        public Double embeddingNorm;
        public List<Float> embeddingHead = new ArrayList<>();
        public Double expectedReward;
        public Double recentReward;
        public Double recentRewardStd;
        public int rewardSamples;
        /** "context matches training", "retraining advised", or why it cannot tell. */
        public String drift;
        public long decisions;
        /** This policy's decisions, and changes of its target, per minute (as counts.decisionsPerMinute). */
        public Double decisionsPerMinute;
        public Double changesPerMinute;
        public long writeErrors;
        public int consecutiveWriteErrors;
    }
}
