package dev.flash.bench;

import dev.flash.dvfs.eval.EvalApps;
import dev.flash.dvfs.eval.ModelEvaluation;
import dev.flash.dvfs.eval.OperatorEvaluation;
import dev.flash.policy.SlowdownGuard;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppSpec;
import dev.flash.sim.IntervalTruth;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.sim.governors.OraclePolicy;
import dev.flash.telemetry.SignalGroups;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Why the slowdown guard loses the budget on an application: the model runs behind the guard
 * exactly as {@code flash evaluate dvfs} runs it (same node seed per application), and for every
 * 1 s interval of cpufreq policy 0 the slowdown the guard expected at the clock it let through is
 * set beside the simulator's truth. The work lost is split three ways: intervals in which a
 * phase boundary fell (transition), other intervals the estimate underestimated by more than
 * half a point (under), and the rest (planned: the guard spent the budget on purpose). Beside it
 * the current-phase oracle used before 2026-12-07 (blind to a phase that starts within the coming
 * second; column "oracle") and the project's oracle, which sees every phase of the coming second
 * (column "lookahd"; {@link OraclePolicy}).
 *
 * <pre>
 *   java -cp target/test-classes:target/flash.jar dev.flash.bench.GuardDiagnosis \
 *       apps=bench/apps/foreign-apps-3.json [node=bench/nodes/N.toml] [drop=pmu,rapl] [prefix=f3-io] [rows=APP] [summary=1]
 * </pre>
 * Column "share": the guard's energy saving over the oracle's (both against the performance
 * governor on the same load), capped at 1, 0 where the guard broke the budget
 * ({@link dev.flash.meta.yardstick.OracleShare}); the last line has its mean, the set's in-budget
 * share of the oracle's saving as {@code flash evaluate dvfs} reports it. {@code summary=1} prints
 * the last line only (for a held-out set whose rows are not to be read).
 * Diagnosis only (reads the simulator's ground truth); not part of the product.
 */
public final class GuardDiagnosis {
    private GuardDiagnosis() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int k = s.indexOf('=');
            a.put(s.substring(0, k), s.substring(k + 1));
        }
        Path model = Path.of(a.getOrDefault("model", "models/dvfs-flash.onnx"));
        Path appsFile = a.containsKey("apps") ? Path.of(a.get("apps")) : null;
        List<AppSpec> apps = EvalApps.heldOut(EvalApps.load(appsFile), appsFile);
        NodeSpec node = a.containsKey("node") ? SimSpec.load(Path.of(a.get("node"))).node()
                : SimSpec.embeddedDefault().node();
        Set<String> dropped = SignalGroups.parse(a.getOrDefault("drop", ""));
        double seconds = Double.parseDouble(a.getOrDefault("seconds", "320"));
        long seed = Long.parseLong(a.getOrDefault("seed", "7"));
        String prefix = a.getOrDefault("prefix", "");
        String rowsFor = a.get("rows");
        boolean summaryOnly = "1".equals(a.get("summary"));
        double budget = OperatorEvaluation.SLOWDOWN_BUDGET;
        try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(model)) {
            if (!summaryOnly) {
                System.out.printf(Locale.ROOT, "%-22s %7s %5s %7s %7s | %6s %6s %6s | %6s %6s %5s | %6s %6s%n", "app", "guard",
                        "held", "oracle", "lookahd", "trans", "under", "plan", "mErr", "p95", "jumps", "saving", "share");
            }
            List<Double> shares = new ArrayList<>();
            int held = 0;
            int oracleHeld = 0;
            int lookHeld = 0;
            int n = 0;
            List<Double> allErr = new ArrayList<>();
            for (int i = 0; i < apps.size(); i++) {
                AppSpec app = apps.get(i);
                if (!app.name().startsWith(prefix)) {
                    continue;
                }
                long appSeed = OperatorEvaluation.appSeed(seed, i);
                SimulatedNode[] nodeRef = new SimulatedNode[1];
                SlowdownGuard[] guardRef = new SlowdownGuard[1];
                List<double[]> ticks = new ArrayList<>(); // phase, u, w, cur, set, expected, work, workAtFmax
                long[] table = node.frequencyTable();
                OperatorEvaluation.RunStats g = OperatorEvaluation.run(ModelEvaluation.GUARDED_AGENT, nd -> {
                    nodeRef[0] = nd;
                    nd.dropSignals(dropped, ModelEvaluation.DROPPED_REASON);
                    guardRef[0] = new SlowdownGuard(policy, budget);
                    return guardRef[0];
                }, node, app, seconds, appSeed, policy.description().contextLayout(), policy.featureSet(),
                        policy.description().actions().size(), row -> {
                            IntervalTruth truth = nodeRef[0].lastInterval(0);
                            long set = SlowdownGuard.effectiveKhz(table, row.targetKhz());
                            ticks.add(new double[] {row.phase(), row.utilization(), row.runWait(), row.curKhz(), set,
                                guardRef[0].expectedSlowdown(0, (double) set / node.maxKhz()), truth.work(),
                                truth.workAtFmax()});
                        });
                OperatorEvaluation.RunStats o = OperatorEvaluation.run("oracle-phase",
                        nd -> OraclePolicy.currentPhase(nd, budget), node, app, seconds, appSeed, 0, 0);
                OperatorEvaluation.RunStats l = OperatorEvaluation.run("oracle",
                        nd -> new OraclePolicy(nd, budget), node, app, seconds, appSeed, 0, 0);
                OperatorEvaluation.RunStats perf = OperatorEvaluation.run("performance",
                        nd -> dev.flash.sim.governors.Governor.byName("performance"), node, app, seconds, appSeed, 0, 0);
                double saving = 1 - g.energyJoules() / perf.energyJoules();
                double share = dev.flash.meta.yardstick.OracleShare.perApp(saving,
                        1 - l.energyJoules() / perf.energyJoules(), g.slowdown() <= budget + 1e-9);
                shares.add(share);
                double total = 0;
                double trans = 0;
                double under = 0;
                double plan = 0;
                int jumps = 0;
                List<Double> err = new ArrayList<>();
                for (int t = 0; t + 1 < ticks.size(); t++) {
                    double[] now = ticks.get(t);
                    double[] next = ticks.get(t + 1);
                    double lost = next[7] - next[6];
                    total += next[7];
                    double trueS = next[7] > 0 ? Math.max(0, 1 - next[6] / next[7]) : 0;
                    double e = now[5];
                    if (!Double.isNaN(e)) {
                        err.add(Math.abs(e - trueS));
                    }
                    if (next[0] != now[0]) {
                        trans += lost;
                    } else if (!Double.isNaN(e) && trueS > e + 0.005) {
                        under += lost;
                        jumps++;
                    } else {
                        plan += lost;
                    }
                    if (app.name().equals(rowsFor) && !summaryOnly) {
                        System.out.printf(Locale.ROOT, "  t=%3d ph=%d u=%.2f w=%.3f cur=%4d set=%4d exp=%5.1f%% true=%5.1f%%%n",
                                t, (int) next[0], next[1], next[2], (long) now[3] / 1000, (long) now[4] / 1000,
                                100 * e, 100 * trueS);
                    }
                }
                allErr.addAll(err);
                double[] sorted = err.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double mean = err.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                double p95 = sorted.length == 0 ? Double.NaN : sorted[(int) Math.ceil(0.95 * sorted.length) - 1];
                boolean h = g.slowdown() <= budget + 1e-9;
                held += h ? 1 : 0;
                oracleHeld += o.slowdown() <= budget + 1e-9 ? 1 : 0;
                lookHeld += l.slowdown() <= budget + 1e-9 ? 1 : 0;
                n++;
                if (!summaryOnly) {
                    System.out.printf(Locale.ROOT, "%-22s %6.2f%% %5s %6.2f%% %6.2f%% | %5.2f %5.2f %5.2f | %5.2f%% %5.2f%% %5d | %5.1f%% %5.1f%%%n",
                            app.name(), 100 * g.slowdown(), h ? "yes" : "NO", 100 * o.slowdown(), 100 * l.slowdown(),
                            100 * trans / total, 100 * under / total, 100 * plan / total, 100 * mean, 100 * p95, jumps,
                            100 * saving, 100 * share);
                }
            }
            double[] s = allErr.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "held %d/%d, oracle-phase %d/%d, oracle %d/%d; in-budget share of the oracle's saving %.1f%%; policy-0 estimator mean %.2f%% p95 %.2f%% over %d intervals%n",
                    held, n, oracleHeld, n, lookHeld, n, 100 * shares.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    100 * allErr.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    s.length == 0 ? Double.NaN : 100 * s[(int) Math.ceil(0.95 * s.length) - 1], s.length);
        }
    }
}
