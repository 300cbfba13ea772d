package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import java.util.ArrayDeque;
import java.util.Random;

/**
 * A service as an autoscaler sees it: replicas with a CPU limit each, a load offered step by step,
 * and the metrics of each step ({@link QueueingModel} gives the latency). New replicas start
 * after {@link ServiceSpec#startupSteps()} steps but cost cores from the step they are created;
 * removed replicas go at once. A request's mean demand moves from step to step by a log-normal
 * factor of sigma {@link #DEMAND_DRIFT} (the request mix changes).
 *
 * <p>CPU usage is reported as metrics-server would: the cores a replica burns, {@code rho x
 * c(limit)} ({@code rho} its busy share, {@code c} the cores its parallel efficiency turns the
 * limit into), so a limit the service cannot use shows as idle; utilization is that over the
 * limit. The queue itself runs on {@code rho}.
 *
 * <p>The pod spec also carries a CPU request per replica, reported in every step: what HPA's
 * utilization is measured against. An operator sets it to what a replica can burn under its limit
 * ({@link OperatorRun#operatorRequest}); a new limit below it lowers it to the limit, as the
 * controller does when it sets a limit (a request may not exceed its limit), and never raises it.
 */
public final class SimulatedService {

    /** Seconds of one step: the decision period of every autoscaler here (HPA syncs every 15 s and acts on 60 s windows). */
    public static final double STEP_SECONDS = 60;
    /** Sigma of the per-step log-normal drift of the mean demand of a request. */
    public static final double DEMAND_DRIFT = 0.05;

    private final ServiceSpec spec;
    private final Random random;
    private int replicas;
    private double cpuLimit;
    private double cpuRequest;
    /** Steps until each starting replica serves, oldest first. */
    private final ArrayDeque<Integer> starting = new ArrayDeque<>();
    private double backlog;

    /** Starts at {@code initial} with the operator's CPU request for its limit ({@link OperatorRun#operatorRequest}). */
    public SimulatedService(ServiceSpec spec, Allocation initial, long seed) {
        this(spec, initial, OperatorRun.operatorRequest(spec, initial.cpuLimit()), seed);
    }

    /** Starts at {@code initial} with CPU request {@code cpuRequest} per replica (cores, capped at the limit). */
    public SimulatedService(ServiceSpec spec, Allocation initial, double cpuRequest, long seed) {
        if (!(cpuRequest > 0)) {
            throw new IllegalArgumentException("CPU request must be positive: " + cpuRequest);
        }
        this.spec = spec;
        this.random = new Random(seed);
        this.replicas = initial.replicas();
        this.cpuLimit = initial.cpuLimit();
        this.cpuRequest = Math.min(cpuRequest, cpuLimit);
    }

    public ServiceSpec spec() {
        return spec;
    }

    public Allocation allocation() {
        return new Allocation(replicas, cpuLimit);
    }

    /**
     * Sets the allocation the autoscaler decided. Added replicas start; removed ones are taken
     * from the starting ones first. A new CPU limit applies to every replica at once (an
     * in-place resize).
     */
    public void allocate(Allocation next) {
        int delta = next.replicas() - replicas;
        for (int i = 0; i < delta && spec.startupSteps() > 0; i++) {
            starting.addLast(spec.startupSteps());
        }
        for (int i = 0; i < -delta && !starting.isEmpty(); i++) {
            starting.removeLast();
        }
        replicas = next.replicas();
        cpuLimit = next.cpuLimit();
        cpuRequest = Math.min(cpuRequest, cpuLimit);
    }

    /** The pods' CPU request per replica, cores. */
    public double cpuRequest() {
        return cpuRequest;
    }

    /** Serves {@code arrivalRate} requests per second for one step. */
    public StepMetrics step(double arrivalRate) {
        int ready = replicas - starting.size();
        double demand = spec.cpuPerRequest() * Math.exp(DEMAND_DRIFT * random.nextGaussian()
                - DEMAND_DRIFT * DEMAND_DRIFT / 2);
        double service = demand / spec.effectiveCores(cpuLimit);
        double offered = arrivalRate * STEP_SECONDS;
        double requests = offered + backlog;
        StepMetrics m;
        if (ready <= 0) {
            backlog = 0; // nothing serves: every request times out
            m = new StepMetrics(arrivalRate, 0, 0, 0, 0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                    Double.POSITIVE_INFINITY, replicas, 0, cpuLimit, cpuRequest, offered, offered, replicas * cpuLimit * STEP_SECONDS);
        } else {
            double capacity = ready * QueueingModel.RHO_MAX / service * STEP_SECONDS; // requests this step
            double served = Math.min(requests, capacity);
            double waiting = requests - served;
            double maxBacklog = ready * QueueingModel.RHO_MAX / service * QueueingModel.MAX_QUEUE_SECONDS;
            double dropped = Math.max(0, waiting - maxBacklog);
            backlog = waiting - dropped;
            double rho = served / STEP_SECONDS / ready * service;
            double drain = backlog / (capacity / STEP_SECONDS); // seconds to clear what is left
            double mean = QueueingModel.meanResponse(service, rho, spec.demandCv()) + drain;
            double within = QueueingModel.withinSlo(mean, spec.sloSeconds());
            double total = Math.max(requests, 1e-9);
            double preservation = requests <= 0 ? 1.0 : within * served / total;
            double inFlight = served / STEP_SECONDS / ready * mean;
            double memory = spec.memoryBaseMib() + spec.memoryPerRequestMib() * inFlight;
            double misses = Math.max(0, offered - preservation * offered);
            // what metrics-server reports: the cores a replica burns, its busy share times the cores
            // its parallelism turns the limit into (never the idle rest of the limit)
            double usage = rho * spec.effectiveCores(cpuLimit);
            m = new StepMetrics(arrivalRate, usage / cpuLimit, usage, Math.min(memory / spec.memoryLimitMib(), 2.0),
                    preservation, QueueingModel.quantile(mean, 0.5), QueueingModel.quantile(mean, 0.95),
                    QueueingModel.quantile(mean, 0.99), replicas, ready, cpuLimit, cpuRequest, offered, misses,
                    replicas * cpuLimit * STEP_SECONDS);
        }
        advanceStartup();
        return m;
    }

    private void advanceStartup() {
        int n = starting.size();
        for (int i = 0; i < n; i++) {
            int left = starting.removeFirst() - 1;
            if (left > 0) {
                starting.addLast(left);
            }
        }
    }
}
