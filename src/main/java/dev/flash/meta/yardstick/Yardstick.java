package dev.flash.meta.yardstick;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.meta.ApplicationSet;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.RlEnvironment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Measures contestants on the held-out applications of an {@link ApplicationSet} against
 * converged experts: per application, the expert ({@link ConvergedExpert}, usually from an
 * {@link ExpertCache}), every contestant's evaluated curve ({@link Contestant#run}) on the same
 * evaluation episodes, its reward gap at start ({@link RewardGap}) and its adaptation cost
 * ({@link AdaptationCost}); over applications, mean and spread of the gaps, cost summaries with
 * censoring counts, and the noise of one evaluated point.
 */
public final class Yardstick {
    private Yardstick() {
    }

    /** The expert of held-out application {@code index}. */
    @FunctionalInterface
    public interface Experts {
        ConvergedExpert.Expert of(int index) throws IOException;
    }

    /** Progress lines ("app-3: expert 0.152, flash gap 4.1%"). */
    @FunctionalInterface
    public interface Progress {
        void step(String detail);
    }

    /**
     * One held-out application: its expert, and per contestant its curve, its reward at start
     * ({@link Contestant.Run#startReward}), gap at start and cost. When the expert failed
     * ({@link ConvergedExpert.Expert#failed}) the gaps are NaN and {@code costs} is empty.
     */
    public record AppResult(String app, ConvergedExpert.Expert expert, Map<String, EvaluatedCurve> curves,
                            Map<String, Double> starts, Map<String, Double> gaps, Map<String, AdaptationCost> costs)
            implements java.io.Serializable {
    }

    /** Seed of the online experience on application {@code index} of {@code split}. */
    public static long experienceSeed(long seed, Split split, int index) {
        return seed * 1_000_003L + (split == Split.TEST ? 500_000_000L : 0) + index * 7_919L;
    }

    /** Evaluation episode {@code j} of application {@code index}: a fresh environment, the same for everyone. */
    public static IntFunction<RlEnvironment> evaluationEpisodes(ApplicationSet apps, Split split, int index,
                                                                long seed) {
        long base = experienceSeed(seed, split, index);
        return j -> apps.environment(split, index, base + 7_777_777L * (j + 1));
    }

    /**
     * Experts of the held-out applications from a cache, trained on a miss with the same
     * evaluation episodes as the contestants.
     *
     * @param keyOf     the cache key of application {@code index} ({@link ExpertCache#key} over the
     *                  simulator version, the application's content hash and the training config);
     *                  {@link ConvergedExpert#RULE_VERSION} is added to it here
     * @param network   the base agent's network (no context)
     * @param ppo       the expert's PPO settings (constant learning rate)
     * @param doNothing the case's do-nothing policy, which an expert has to beat clearly
     */
    public static Experts cachedExperts(ApplicationSet apps, ExpertCache cache, IntFunction<String> keyOf,
                                        NetworkConfig network, PpoConfig ppo, PlateauRule rule, DoNothing doNothing,
                                        Budget budget, long seed, NDManager manager, Progress progress) {
        return index -> {
            String app = apps.name(Split.TEST, index);
            String key = ExpertCache.key(ConvergedExpert.RULE_VERSION, doNothing.toString(), keyOf.apply(index));
            return cache.get(key, app, () -> {
                ConvergedExpert.Expert e = ConvergedExpert.train(
                        s -> apps.environment(Split.TEST, index, s),
                        evaluationEpisodes(apps, Split.TEST, index, seed), budget.evalEpisodes(),
                        budget.episodeSteps(), network, ppo.withSeed(experienceSeed(seed, Split.TEST, index)), rule,
                        doNothing, manager, new ConvergedExpert.Progress() {
                            @Override
                            public void evaluated(long steps, double rewardPerStep) {
                            }

                            @Override
                            public void retrying(int attempt, ConvergedExpert.Remedy remedy, String why) {
                                if (progress != null) {
                                    progress.step(app + ": expert " + why + "; attempt " + attempt + ": "
                                            + remedy.name());
                                }
                            }
                        });
                if (progress != null) {
                    progress.step(String.format(java.util.Locale.ROOT,
                            "%s: expert %.4f/step (do-nothing %.4f) after %d steps, %d attempt(s)%s", app,
                            e.rewardPerStep(), e.doNothingReward(), e.steps(), e.attempts(),
                            e.failed() ? " FAILED: never beat doing nothing, counted apart"
                                    : e.converged() ? "" : " (not converged)"));
                }
                return e;
            });
        };
    }

    /** Runs {@code contestant} on application {@code index} of {@code split}. */
    public static Contestant.Run run(Contestant contestant, ApplicationSet apps, Split split, int index,
                                       Budget budget, long seed, NDManager manager) {
        long s = experienceSeed(seed, split, index);
        return contestant.run(apps.environment(split, index, s), evaluationEpisodes(apps, split, index, seed), budget,
                s, manager);
    }

    /** Measures every contestant on the first {@code count} held-out applications. */
    public static Report measure(ApplicationSet apps, int count, List<Contestant> contestants, Experts experts,
                                 Budget budget, long seed, NDManager manager, Progress progress) throws IOException {
        int n = Math.min(count, apps.size(Split.TEST));
        if (n == 0) {
            throw new IllegalArgumentException("no held-out applications to measure on");
        }
        return report(contestants, budget, measureApps(apps, java.util.stream.IntStream.range(0, n).toArray(),
                contestants, experts, budget, seed, manager, progress));
    }

    /**
     * Measures every contestant on the held-out applications {@code indices}, in that order: a
     * share of a measurement, so that several processes can each take some applications (every
     * application's runs seed themselves, so a share computes what the whole would); join the
     * shares, in held-out order, with {@link #report}.
     */
    public static List<AppResult> measureApps(ApplicationSet apps, int[] indices, List<Contestant> contestants,
                                              Experts experts, Budget budget, long seed, NDManager manager,
                                              Progress progress) throws IOException {
        List<AppResult> results = new ArrayList<>();
        for (int i : indices) {
            ConvergedExpert.Expert expert = experts.of(i);
            Map<String, EvaluatedCurve> curves = new LinkedHashMap<>();
            Map<String, Double> starts = new LinkedHashMap<>();
            Map<String, Double> gaps = new LinkedHashMap<>();
            Map<String, AdaptationCost> costs = new LinkedHashMap<>();
            StringBuilder line = new StringBuilder(apps.name(Split.TEST, i));
            if (expert.failed()) {
                line.append(" (expert failed: no gap or cost)");
            }
            for (Contestant c : contestants) {
                Contestant.Run run = run(c, apps, Split.TEST, i, budget, seed, manager);
                EvaluatedCurve curve = run.curve();
                curves.put(c.name(), curve);
                starts.put(c.name(), run.startReward());
                if (expert.failed()) {
                    // no reference: the curve and the start stay (for references that exist), nothing is measured against it
                    gaps.put(c.name(), Double.NaN);
                    continue;
                }
                double gap = RewardGap.of(expert.rewardPerStep(), run.startReward());
                gaps.put(c.name(), gap);
                AdaptationCost cost = AdaptationCost.of(curve, expert.rewardPerStep(), c.fillSteps());
                costs.put(c.name(), cost);
                line.append(String.format(java.util.Locale.ROOT, " %s gap %.1f%% cost %s", c.name(), 100 * gap,
                        cost.label()));
            }
            results.add(new AppResult(apps.name(Split.TEST, i), expert, curves, starts, gaps, costs));
            if (progress != null) {
                progress.step(line.toString());
            }
        }
        return results;
    }

    /** The report of {@code contestants} over per-application results (from one or several shares). */
    public static Report report(List<Contestant> contestants, Budget budget, List<AppResult> results) {
        Map<String, Long> starts = new LinkedHashMap<>();
        contestants.forEach(c -> starts.put(c.name(), c.startSteps()));
        return new Report(budget, contestants.stream().map(Contestant::name).toList(), starts, List.copyOf(results));
    }

    /**
     * Every figure of a measurement.
     *
     * @param startSteps where each contestant's reward gap at start is read ({@link Contestant#startSteps})
     */
    public record Report(Budget budget, List<String> contestants, Map<String, Long> startSteps,
                         List<AppResult> apps) {

        /** Each application's evaluated reward per step of {@code contestant} at its start point, in order. */
        public double[] starts(String contestant) {
            return apps.stream().mapToDouble(a -> a.starts().get(contestant)).toArray();
        }

        /** The applications whose expert beat doing nothing: the ones gaps and costs are measured on. */
        public List<AppResult> measured() {
            return apps.stream().filter(a -> !a.expert().failed()).toList();
        }

        /** Applications whose expert never beat doing nothing, counted apart. */
        public List<String> expertsFailed() {
            return apps.stream().filter(a -> a.expert().failed()).map(AppResult::app).toList();
        }

        /** Reward gaps at start of one contestant over the applications with an expert. */
        public Spread gap(String contestant) {
            return Spread.of(measured().stream().mapToDouble(a -> a.gaps().get(contestant)).toArray());
        }

        /** Costs of one contestant over the applications with an expert. */
        public AdaptationCost.Summary cost(String contestant) {
            return AdaptationCost.Summary.of(measured().stream().map(a -> a.costs().get(contestant)).toList());
        }

        /** {@code slower}'s mean cost over {@code faster}'s (censored at the budget, counts beside). */
        public double costRatio(String slower, String faster) {
            return AdaptationCost.ratio(cost(slower), cost(faster));
        }

        /** Mean standard error of one evaluated point, reward per step, over every curve. */
        public double pointNoise() {
            return apps.stream().flatMap(a -> a.curves().values().stream())
                    .mapToDouble(EvaluatedCurve::meanStandardError).average().orElse(Double.NaN);
        }

        public long expertsConverged() {
            return apps.stream().filter(a -> a.expert().converged()).count();
        }

        /** Applications with an expert where the do-nothing level is within the cost's 5% band of it. */
        public long doNothingWithinBand() {
            return measured().stream().filter(a -> AdaptationCost.withinBand(a.expert().doNothingReward(),
                    a.expert().rewardPerStep())).count();
        }

        /**
         * Applications where {@code contestant} starts above the expert (a negative gap): there the
         * expert is no ceiling for it, its gap is flattered and its cost is 0 by construction. Many
         * of these mean the experts trained too little against the contestants' pre-training.
         */
        public long aboveExpertAtStart(String contestant) {
            return measured().stream().filter(a -> {
                Double g = a.gaps().get(contestant);
                return g != null && g < 0;
            }).count();
        }

        /** Experts that needed a retry (a remedy) to beat doing nothing, or failed after every remedy. */
        public long expertsRetried() {
            return apps.stream().filter(a -> a.expert().attempts() > 1).count();
        }

        /**
         * The figures as JSON: {@code reward_gap_<name>} (mean), {@code reward_gap_<name>_std},
         * {@code adaptation_cost_<name>_steps} (mean, censored at the budget),
         * {@code censored_<name>}, and {@code per_app} rows with every curve.
         */
        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            for (String c : contestants) {
                Spread g = gap(c);
                AdaptationCost.Summary s = cost(c);
                put(o, "reward_gap_" + c, g.mean());
                put(o, "reward_gap_" + c + "_std", g.std());
                // apps whose expert scores 0 have no relative gap: left out of the mean, counted here
                o.addProperty("reward_gap_" + c + "_apps_undefined", g.leftOut());
                put(o, "adaptation_cost_" + c + "_steps", s.meanSteps());
                put(o, "adaptation_cost_" + c + "_steps_uncensored", s.meanUncensored());
                o.addProperty("censored_" + c, s.censored());
                o.addProperty("above_expert_at_start_" + c, aboveExpertAtStart(c));
            }
            o.addProperty("apps", apps.size());
            // gaps and costs are over the apps whose expert beat doing nothing; the others apart
            o.addProperty("apps_measured_against_expert", measured().size());
            o.addProperty("experts_converged", expertsConverged());
            o.addProperty("experts_failed", expertsFailed().size());
            JsonArray failed = new JsonArray();
            expertsFailed().forEach(failed::add);
            o.add("experts_failed_apps", failed);
            o.addProperty("experts_retried", expertsRetried());
            // where the do-nothing policy itself sits within 5% of the expert, a cost of 0 is
            // within reach of doing nothing: the cost there does not show adaptation
            o.addProperty("apps_where_do_nothing_is_within_cost_band", doNothingWithinBand());
            put(o, "point_noise_reward_per_step", pointNoise());
            JsonObject def = new JsonObject();
            def.addProperty("online_budget_steps", budget.onlineSteps());
            def.addProperty("rollout_steps", budget.rolloutSteps());
            def.addProperty("episode_steps", budget.episodeSteps());
            def.addProperty("eval_episodes_per_point", budget.evalEpisodes());
            def.addProperty("cost_tolerance", AdaptationCost.TOLERANCE);
            def.addProperty("cost", "environment steps until the evaluated reward first reaches and stays at or "
                    + "above R_expert - 5% |R_expert|; censored at the budget when it never does (mean counts "
                    + "censored apps at the budget, a lower bound); at least the context-filling steps");
            def.addProperty("reward_gap", "(R_expert - R_start) / |R_expert|, mean over apps; R_start with the "
                    + "weights as deployed: FLASH's after one episode of context (before any online update), the "
                    + "others' at 0 steps");
            def.addProperty("expert", "base agent trained from scratch on the app alone until the last quarter of "
                    + "its evaluated curve gains < 1% on the quarter before and beats the do-nothing policy by "
                    + "more than max(margin, " + DoNothing.NOISE_MULTIPLE + " x the standard error of its points), "
                    + "after at least " + PlateauRule.BUDGET_MULTIPLE + "x the online budget; its reward is the "
                    + "last quarter's mean. Stuck at doing nothing, it is retrained with remedies ("
                    + ConvergedExpert.REMEDIES.stream().skip(1).map(ConvergedExpert.Remedy::name)
                            .collect(java.util.stream.Collectors.joining("; then "))
                    + "); if none beats doing nothing the expert failed and its app is counted apart "
                    + "(experts_failed), with no gap or cost");
            o.add("definitions", def);
            JsonArray rows = new JsonArray();
            for (AppResult a : apps) {
                JsonObject r = new JsonObject();
                r.addProperty("app", a.app());
                put(r, "expert_reward_per_step", a.expert().rewardPerStep());
                r.addProperty("expert_converged", a.expert().converged());
                r.addProperty("expert_steps", a.expert().steps());
                r.addProperty("expert_failed", a.expert().failed());
                r.addProperty("expert_attempts", a.expert().attempts());
                put(r, "do_nothing_reward_per_step", a.expert().doNothingReward());
                r.addProperty("do_nothing_within_cost_band", AdaptationCost.withinBand(a.expert().doNothingReward(),
                        a.expert().rewardPerStep()));
                for (String c : contestants) {
                    put(r, "start_reward_per_step_" + c, a.starts().get(c));
                    put(r, "reward_gap_" + c, a.gaps().get(c));
                    AdaptationCost cost = a.costs().get(c);
                    if (cost == null) { // failed expert: no reference to measure against
                        r.add("adaptation_cost_" + c + "_steps", com.google.gson.JsonNull.INSTANCE);
                        r.add("censored_" + c, com.google.gson.JsonNull.INSTANCE);
                    } else {
                        r.addProperty("adaptation_cost_" + c + "_steps", cost.steps());
                        r.addProperty("censored_" + c, cost.censored());
                    }
                    EvaluatedCurve curve = a.curves().get(c);
                    JsonArray pts = new JsonArray();
                    for (int k = 0; k < curve.steps().length; k++) {
                        JsonArray p = new JsonArray();
                        p.add(curve.steps()[k]);
                        p.add(round(curve.reward()[k]));
                        p.add(round(curve.standardError()[k]));
                        pts.add(p);
                    }
                    r.add("curve_" + c + "_steps_reward_se", pts);
                }
                rows.add(r);
            }
            o.add("per_app", rows);
            return o;
        }
    }

    static void put(JsonObject o, String key, double v) {
        if (Double.isFinite(v)) {
            o.addProperty(key, round(v));
        } else {
            o.add(key, com.google.gson.JsonNull.INSTANCE);
        }
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : v;
    }
}
