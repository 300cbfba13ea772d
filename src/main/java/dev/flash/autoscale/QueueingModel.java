package dev.flash.autoscale;

/**
 * Latency of one replica from a queueing model (docs/simulated-service.md writes the equations out).
 *
 * <p>Each ready replica is an M/G/1 queue served at rate mu = 1/S, S = the mean service time on
 * its CPU limit, fed an equal share of the arrivals (a round-robin Service). The mean response
 * time is Pollaczek-Khinchine's, T = S (1 + rho (1 + cv^2) / (2 (1 - rho))), and the response
 * time is taken as exponential with that mean, so the share within the SLO is
 * 1 - exp(-SLO / T) and the p-quantile is -T ln(1 - p). Utilization above {@link #RHO_MAX} is not
 * a steady state: the excess queues up (backlog, carried to the next step) and adds its drain
 * time to every request's wait; a backlog older than {@link #MAX_QUEUE_SECONDS} is dropped.
 */
public final class QueueingModel {
    private QueueingModel() {
    }

    /** Highest utilization served in steady state. */
    public static final double RHO_MAX = 0.95;
    /** Requests that would wait longer than this are dropped (client and proxy time-outs). */
    public static final double MAX_QUEUE_SECONDS = 30;

    /** Mean response time, seconds, at utilization {@code rho < 1}. */
    public static double meanResponse(double serviceSeconds, double rho, double demandCv) {
        double r = Math.min(rho, RHO_MAX);
        return serviceSeconds * (1 + r * (1 + demandCv * demandCv) / (2 * (1 - r)));
    }

    /** Share of requests within {@code slo} when the response time is exponential with mean {@code mean}. */
    public static double withinSlo(double mean, double slo) {
        return 1 - Math.exp(-slo / mean);
    }

    /** The p-quantile of an exponential response time with mean {@code mean}. */
    public static double quantile(double mean, double p) {
        return -mean * Math.log(1 - p);
    }
}
