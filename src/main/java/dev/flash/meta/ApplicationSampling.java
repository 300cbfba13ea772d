package dev.flash.meta;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which training applications each PPO rollout steps.
 *
 * <p>{@code UNIFORM}: every iteration a fresh shuffle of all applications, the first
 * {@code numEnvs} of it (CleanRL's and AWARE's uniform task sampling).
 *
 * <p>{@code prioritized(temperature, staleness)}: Prioritized Level Replay (Jiang, Grefenstette,
 * Rocktäschel, ICML 2021). A uniform draw spends most rollouts on applications the agent already
 * handles, so a kind of application few of the population have (a saturated, half-parallel one)
 * is seen a handful of times per run and can be left unlearnt. PLR scores each application by
 * what the agent can still learn there, the mean positive advantage (GAE) of its last rollout,
 * and draws by score rank, {@code P_S(i) ~ (1 / rank_i)^(1 / temperature)}, mixed with a
 * staleness term {@code P_C(i) ~ iterations since i was last drawn} so a score does not go stale:
 * {@code P = (1 - staleness) P_S + staleness P_C}. Applications never drawn are drawn first, in
 * shuffled order, so every one has a score before any is replayed. Scores need no knowledge of
 * the environment (the oracle is not used), so any agent of the core can use it.
 *
 * @param temperature 0 for uniform sampling, else PLR's beta (&gt; 0)
 * @param staleness   PLR's rho in [0, 1]
 */
public record ApplicationSampling(double temperature, double staleness) implements java.io.Serializable {

    public static final ApplicationSampling UNIFORM = new ApplicationSampling(0, 0);

    public ApplicationSampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("invalid application-sampling temperature " + temperature);
        }
        if (!(staleness >= 0 && staleness <= 1)) {
            throw new IllegalArgumentException("invalid application-sampling staleness " + staleness);
        }
    }

    public static ApplicationSampling prioritized(double temperature, double staleness) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("a prioritized sampling needs a temperature > 0, got " + temperature);
        }
        return new ApplicationSampling(temperature, staleness);
    }

    public boolean isUniform() {
        return temperature == 0;
    }

    /** "uniform" or "prioritized (beta 1.0, rho 0.3)". */
    public String label() {
        return isUniform() ? "uniform" : "prioritized (beta " + temperature + ", rho " + staleness + ")";
    }

    /** The per-run state of a sampling: scores and when each application was last drawn. */
    Sampler sampler(int applications) {
        return new Sampler(this, applications);
    }

    static final class Sampler {
        private final ApplicationSampling sampling;
        private final int count;
        private final double[] score;
        private final long[] lastDrawn;
        private final List<Integer> neverDrawn = new ArrayList<>();
        private long draws;

        Sampler(ApplicationSampling sampling, int count) {
            this.sampling = sampling;
            this.count = count;
            this.score = new double[count];
            this.lastDrawn = new long[count];
        }

        /**
         * The applications of one rollout, one per slot. Uniform, or too few applications to
         * choose from (each is in every rollout anyway): the shuffle, cycled over the slots.
         */
        List<Integer> draw(int slots, Random rng) {
            draws++;
            if (sampling.isUniform() || count <= slots) {
                List<Integer> order = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    order.add(i);
                }
                Collections.shuffle(order, rng);
                List<Integer> out = new ArrayList<>(slots);
                for (int e = 0; e < slots; e++) {
                    out.add(order.get(e % count));
                }
                return out;
            }
            if (draws == 1) {
                for (int i = 0; i < count; i++) {
                    neverDrawn.add(i);
                }
                Collections.shuffle(neverDrawn, rng);
            }
            List<Integer> out = new ArrayList<>(slots);
            boolean[] taken = new boolean[count];
            while (out.size() < slots && !neverDrawn.isEmpty()) {
                int app = neverDrawn.remove(neverDrawn.size() - 1);
                taken[app] = true;
                out.add(app);
            }
            double[] p = replayWeights();
            while (out.size() < slots) {
                int app = pick(p, taken, rng);
                taken[app] = true;
                out.add(app);
            }
            for (int app : out) {
                lastDrawn[app] = draws;
            }
            return out;
        }

        /** The learning potential measured on {@code app}'s last rollout. */
        void score(int app, double value) {
            score[app] = value;
        }

        /** P = (1 - rho) P_S + rho P_C over the applications drawn before. */
        private double[] replayWeights() {
            Integer[] byScore = new Integer[count];
            for (int i = 0; i < count; i++) {
                byScore[i] = i;
            }
            // Ties (unscored applications, equal scores) keep index order: deterministic.
            java.util.Arrays.sort(byScore, (a, b) -> Double.compare(score[b], score[a]));
            double[] ps = new double[count];
            double psSum = 0;
            for (int r = 0; r < count; r++) {
                double w = Math.pow(1.0 / (r + 1), 1.0 / sampling.temperature());
                ps[byScore[r]] = w;
                psSum += w;
            }
            double[] pc = new double[count];
            double pcSum = 0;
            for (int i = 0; i < count; i++) {
                pc[i] = draws - lastDrawn[i];
                pcSum += pc[i];
            }
            double[] p = new double[count];
            for (int i = 0; i < count; i++) {
                double stale = pcSum > 0 ? pc[i] / pcSum : 1.0 / count;
                p[i] = (1 - sampling.staleness()) * ps[i] / psSum + sampling.staleness() * stale;
            }
            return p;
        }

        /** One draw from {@code p} restricted to applications not yet taken. */
        private static int pick(double[] p, boolean[] taken, Random rng) {
            double total = 0;
            int last = -1;
            for (int i = 0; i < p.length; i++) {
                if (!taken[i]) {
                    total += p[i];
                    last = i;
                }
            }
            double u = rng.nextDouble() * total;
            double acc = 0;
            for (int i = 0; i < p.length; i++) {
                if (!taken[i]) {
                    acc += p[i];
                    if (u < acc) {
                        return i;
                    }
                }
            }
            return last;
        }
    }
}
