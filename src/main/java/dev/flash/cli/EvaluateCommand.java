package dev.flash.cli;

import com.google.gson.JsonObject;
import dev.flash.dvfs.eval.EvalApps;
import dev.flash.dvfs.eval.GuardAccuracy;
import dev.flash.dvfs.eval.Json;
import dev.flash.dvfs.eval.ModelEvaluation;
import dev.flash.dvfs.eval.OperatorEvaluation;
import dev.flash.policy.SlowdownGuard;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppSpec;
import dev.flash.sim.SimSpec;
import dev.flash.telemetry.SignalGroups;
import dev.flash.dvfs.train.DvfsEnvironment;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.SpecException;
import picocli.CommandLine.Option;

/** {@code flash evaluate}: measure a trained model against the reference points. */
@Command(name = "evaluate",
        description = {"Evaluate a trained model on held-out applications of the simulated node.", ""},
        subcommands = {EvaluateCommand.Dvfs.class, EvaluateConfigSearchCommand.class, EvaluateAutoscaleCommand.class},
        footer = {"", ExitCodes.HELP})
public final class EvaluateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    boolean help;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** {@code flash evaluate dvfs}. */
    @Command(name = "dvfs",
            sortOptions = false,
            description = {
                "Run a DVFS model as flashd would on held-out applications of the simulated node.",
                "",
                "ONNX Runtime, one batched inference per 1 s tick over the node's cpufreq policies,",
                "each policy's context ring filled from an empty start, on every held-out",
                "application, next to the reference points; reports the operator's view:",
                "",
                "  energy saving   1 - E / E(performance) over the same simulated time and load",
                "  slowdown        work lost against running at maximum frequency",
                "                  (= against the performance governor)",
                "  in budget       share of 1 s intervals whose slowdown stayed within 5%%",
                "  apps ok         held-out applications whose overall slowdown stayed within 5%%",
                "  apps ahead      the objective per application: within 5%% and saving more than",
                "                  every Linux governor that stayed within 5%% there",
                "  in-budget of    per application the agent's saving / the oracle's, capped",
                "   oracle         at 1 and 0 where the agent broke the 5%% budget; the mean over",
                "                  applications (running slower cannot raise it; --json keeps the",
                "                  plain ratio as share_of_oracle_saving)",
                "  of optimal      the same against oracle-optimal, the upper reference",
                "                  (--json: in_budget_share_of_optimal_oracle_saving; against the",
                "                  oracle used before 2026-12-07: ..._phase_oracle_saving)",
                "  changes/min     frequency changes per cpufreq policy per minute (on hardware",
                "                  each is a P-state transition; a policy that hunts between",
                "                  levels shows here)",
                "",
                "Reference points: the Linux governors as the simulated node models them",
                "(performance, powersave, ondemand, conservative, schedutil), flashd's fallback",
                "controller (schedutil's rule from user space, with hysteresis), and three",
                "clairvoyant references read from the simulator's hidden state:",
                "  oracle          each second, the lowest frequency that keeps that second",
                "                  within 5%%, seeing every phase the second holds (the reference",
                "                  of the in-budget share)",
                "  oracle-optimal  the least-energy per-second clock plan of the whole run whose",
                "                  slowdown stays within 5%% on every cpufreq policy, knowing",
                "                  the run's whole future and its load draws: the most any",
                "                  once-a-second policy could save",
                "  oracle-phase    the oracle used before 2026-12-07: sees the current phase only,",
                "                  so a burst starting inside a second can break its budget",
                "",
                "The model runs alone (flash) and behind the runtime slowdown guard flashd puts it",
                "behind (flash+guard): a target whose estimated slowdown breaks 5%% is raised to the",
                "lowest table frequency within it (docs/slowdown-guard.md); --no-guard drops that row.",
                "",
                "Every agent sees the same load (same node seed per application). Figures come",
                "from the simulated node, not from hardware.",
                ""},
            footer = {
                "",
                "Examples:",
                "  flash evaluate dvfs --model target/models/dvfs.onnx",
                "  flash evaluate dvfs --model dvfs.onnx --apps apps.json --episodes 3 --json",
                "  flash evaluate dvfs --model models/dvfs-flash.onnx --drop-signals pmu,rapl   (a typical VM)",
                "  flash evaluate dvfs --model models/dvfs-flash.onnx --trace cpu-0008 --episodes 1",
                "  flash evaluate dvfs --model models/dvfs-flash.onnx --node bench/nodes/irregular-table.toml",
                "", ExitCodes.HELP})
    public static final class Dvfs implements Callable<Integer> {

        /** Simulated seconds per evaluation episode: the training environment's episode. */
        public static final double EPISODE_SECONDS =
                DvfsEnvironment.DEFAULT_EPISODE_STEPS * DvfsEnvironment.STEP_SECONDS;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "FILE", description = "The DVFS model (.onnx)")
        Path model;

        @Option(names = "--apps", paramLabel = "FILE",
                description = "Applications file from `flash sim apps`; its \"test\" split is evaluated "
                        + "(default: the population `flash train dvfs` samples by default, " + EvalApps.DEFAULT_SIZE
                        + " apps, seed " + EvalApps.DEFAULT_SEED + ")")
        Path apps;

        @Option(names = "--episodes", paramLabel = "N", defaultValue = "10",
                description = "Episodes of " + (int) EPISODE_SECONDS + " simulated seconds per application "
                        + "(default ${DEFAULT-VALUE})")
        int episodes;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
                description = "Seed of the node's load and measurement noise (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--trace", paramLabel = "APP",
                description = "Instead of the table, follow the model second by second on one application "
                        + "(cpufreq policy 0 of the node): phase, utilization, frequency, action, the oracle's "
                        + "frequency and the interval's saving and slowdown; the same run as that application's "
                        + "row of the operator view (flash+guard; with --no-guard, flash alone)")
        String trace;

        @Option(names = "--drop-signals", paramLabel = "GROUPS",
                description = "Evaluate on a node that does not give these signal groups, as a real node "
                        + "reports them: pmu (ipc, mpki), rapl (power), schedstat (run_wait); any subset, "
                        + "comma-separated. The model reads them as flashd does (0), e.g. in a VM")
        String dropSignals;

        @Option(names = "--node", paramLabel = "FILE",
                description = "Simulated-node spec (TOML, as `flash sim spec --check` reads; e.g. "
                        + "bench/nodes/fine-steps-boost.toml): evaluate on its CPUs, policies, frequency table and "
                        + "power model instead of the embedded default node (a whole spec; its [workload] is not run: the "
                        + "applications come from --apps)")
        Path node;

        @Option(names = "--no-guard",
                description = "Evaluate the model alone, without the runtime slowdown guard the daemon puts it "
                        + "behind (default: both rows, `flash` alone and `flash+guard`; see docs/slowdown-guard.md)")
        boolean noGuard;

        @Option(names = "--json", description = "Print one JSON object instead of the table")
        boolean json;

        @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors")
        boolean verbose;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
        boolean help;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (episodes < 1 || episodes > 1000) {
                err.println("flash evaluate dvfs: --episodes must be 1 .. 1000, got " + episodes);
                return ExitCodes.USAGE;
            }
            if (!Files.isRegularFile(model)) {
                err.println("flash evaluate dvfs: --model " + model + ": no such file");
                return ExitCodes.USAGE;
            }
            java.util.Set<String> dropped;
            try {
                dropped = SignalGroups.parse(dropSignals);
            } catch (IllegalArgumentException e) {
                err.println("flash evaluate dvfs: --drop-signals: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            if (!SignalGroups.DROPPABLE.containsAll(dropped)) {
                err.println("flash evaluate dvfs: --drop-signals: only " + String.join(", ", SignalGroups.DROPPABLE)
                        + " can be dropped (without cpufreq there is nothing to manage)");
                return ExitCodes.USAGE;
            }
            List<AppSpec> test;
            try {
                test = EvalApps.heldOut(EvalApps.load(apps), apps);
            } catch (EvalApps.InvalidAppsException e) {
                err.println("flash evaluate dvfs: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            NodeSpec nodeSpec;
            try {
                nodeSpec = node == null ? SimSpec.embeddedDefault().node() : SimSpec.load(node).node();
            } catch (java.nio.file.NoSuchFileException e) {
                err.println("flash evaluate dvfs: --node " + node + ": no such file");
                return ExitCodes.USAGE;
            } catch (java.io.IOException e) {
                err.println("flash evaluate dvfs: --node " + node + ": " + e.getMessage());
                return ExitCodes.USAGE;
            } catch (SpecException e) {
                err.println("flash evaluate dvfs: --node: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(model)) {
                if (trace != null) {
                    return traceRun(policy, nodeSpec, test, trace, episodes * EPISODE_SECONDS, seed, dropped,
                            !noGuard, json, model.toString(), out, err);
                }
                int runs = test.size() * (OperatorEvaluation.referenceAgents(1).size() + (noGuard ? 1 : 2));
                ProgressBar bar = new ProgressBar(System.err, "evaluate", runs, !json || System.console() != null);
                OperatorEvaluation.Report report = ModelEvaluation.evaluate(policy, test, nodeSpec,
                        episodes * EPISODE_SECONDS, seed, dropped, !noGuard, (agent, app) -> bar.step(agent + " on " + app));
                bar.finish();
                GuardAccuracy.Result accuracy = noGuard ? null : GuardAccuracy.measure(policy, test,
                        nodeSpec, episodes * EPISODE_SECONDS, seed, dropped);
                if (json) {
                    JsonObject o = ModelEvaluation.toJson(report);
                    if (accuracy != null) {
                        o.add("guard_estimator", accuracy.toJson());
                    }
                    o.addProperty("model", model.toString());
                    o.addProperty("episodes", episodes);
                    o.addProperty("seed", seed);
                    o.addProperty("node", node == null ? "embedded default" : node.toString());
                    com.google.gson.JsonArray droppedJson = new com.google.gson.JsonArray();
                    SignalGroups.DROPPABLE.stream().filter(dropped::contains).forEach(droppedJson::add);
                    o.add("dropped_signals", droppedJson);
                    out.println(Json.PRETTY.toJson(o));
                } else {
                    out.printf(Locale.ROOT, "model %s on %d held-out applications, %d x %.0f s each (simulated node%s%s)%n%n",
                            model.getFileName(), test.size(), episodes, EPISODE_SECONDS,
                            node == null ? "" : " " + node.getFileName(),
                            dropped.isEmpty() ? "" : " without " + String.join(", ", dropped));
                    out.print(table(report));
                    if (accuracy != null) {
                        out.printf(Locale.ROOT, "%nguard estimator, %d intervals of cpufreq policy 0: mean |error| %s, "
                                + "p95 %s, underestimated %s of intervals (%s also over budget)%n",
                                accuracy.intervals(), pct(accuracy.meanAbsError()), pct(accuracy.p95AbsError()),
                                pct(accuracy.underestimated()), pct(accuracy.underestimatedOverBudget()));
                    }
                }
                out.flush();
                return ExitCodes.OK;
            } catch (ModelRejectedException e) {
                err.println("flash evaluate dvfs: model rejected: " + e.reason());
                if (verbose) {
                    e.printStackTrace(err);
                }
                return ExitCodes.INVALID_MODEL;
            } catch (RuntimeException e) {
                err.println("flash evaluate dvfs: " + e.getMessage());
                if (verbose) {
                    e.printStackTrace(err);
                }
                return ExitCodes.FAILURE;
            }
        }
    }

    /**
     * {@code --trace APP}: the model on one held-out application, tick by tick, with the node seed
     * the operator view gives that application, so the run is that row's.
     */
    static int traceRun(OnnxDvfsPolicy policy, NodeSpec nodeSpec, List<AppSpec> test, String name, double seconds,
                        long seed,
                        java.util.Set<String> dropped, boolean guard,
                        boolean json, String model, PrintWriter out, PrintWriter err) {
        int index = test.stream().map(AppSpec::name).toList().indexOf(name);
        if (index < 0) {
            err.println("flash evaluate dvfs: --trace " + name + ": no held-out application of that name (e.g. "
                    + test.get(0).name() + "; `flash sim apps` lists a population)");
            return ExitCodes.USAGE;
        }
        List<OperatorEvaluation.TraceRow> rows = new java.util.ArrayList<>();
        OperatorEvaluation.Agent agent = n -> {
            n.dropSignals(dropped, ModelEvaluation.DROPPED_REASON);
            return guard ? new SlowdownGuard(policy, OperatorEvaluation.SLOWDOWN_BUDGET) : policy;
        };
        OperatorEvaluation.RunStats stats = OperatorEvaluation.run(
                guard ? ModelEvaluation.GUARDED_AGENT : ModelEvaluation.MODEL_AGENT, agent,
                nodeSpec, test.get(index), seconds, OperatorEvaluation.appSeed(seed, index),
                policy.description().contextLayout(), policy.featureSet(), policy.description().actions().size(),
                rows::add);
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("model", model);
            o.addProperty("app", name);
            o.addProperty("seed", seed);
            Json.put(o, "slowdown_vs_fmax", stats.slowdown());
            Json.put(o, "frequency_changes_per_minute", stats.changesPerMinute());
            com.google.gson.JsonArray ticks = new com.google.gson.JsonArray();
            for (OperatorEvaluation.TraceRow r : rows) {
                JsonObject j = new JsonObject();
                j.addProperty("second", r.second());
                j.addProperty("phase", r.phase());
                Json.put(j, "utilization", r.utilization());
                Json.put(j, "run_wait", r.runWait());
                j.addProperty("cur_khz", r.curKhz());
                j.addProperty("action", r.action());
                j.addProperty("target_khz", r.targetKhz());
                j.addProperty("oracle_khz", r.oracleKhz());
                Json.put(j, "saving", r.saving());
                Json.put(j, "slowdown", r.slowdown());
                ticks.add(j);
            }
            o.add("ticks", ticks);
            out.println(Json.PRETTY.toJson(o));
        } else {
            out.printf(Locale.ROOT, "model %s on %s, cpufreq policy 0, %.0f s (simulated node); saving and slowdown "
                    + "are the ground truth of the second that just ended, against fmax%n%n", model, name, seconds);
            // wait: share of runnable time the tasks waited for a CPU, the demand a util of 1 hides
            TextTable t = new TextTable("s", "phase", "util", "wait", "MHz", "action", "-> MHz", "oracle MHz",
                    "saving", "slowdown");
            for (OperatorEvaluation.TraceRow r : rows) {
                t.row(Integer.toString(r.second()), Integer.toString(r.phase()),
                        String.format(Locale.ROOT, "%.2f", r.utilization()),
                        String.format(Locale.ROOT, "%.2f", r.runWait()), Long.toString(r.curKhz() / 1000),
                        r.action(), Long.toString(r.targetKhz() / 1000), Long.toString(r.oracleKhz() / 1000),
                        pct(r.saving()), pct(r.slowdown()));
            }
            out.print(t);
            out.printf(Locale.ROOT, "%nslowdown %s, %.1f frequency changes per minute%n", pct(stats.slowdown()),
                    stats.changesPerMinute());
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The operator table: one line per agent, overall over the held-out applications. */
    static String table(OperatorEvaluation.Report report) {
        TextTable t = new TextTable("agent", "energy saving", "slowdown", "in budget", "apps ok", "apps ahead",
                "in-budget of oracle", "of optimal", "changes/min");
        int n = report.apps().size();
        for (OperatorEvaluation.Row r : report.overall()) {
            t.row(r.agent(), pct(r.energySaving()), pct(r.slowdown()), pct(r.budgetHeldShare()),
                    report.appsWithinBudget(r.agent()) + "/" + n, report.appsAheadOfEveryGovernor(r.agent()) + "/" + n,
                    pct(report.inBudgetShareOfOracleSaving(r.agent())),
                    pct(report.inBudgetShareOf(r.agent(), OperatorEvaluation.OPTIMAL_ORACLE)),
                    String.format(Locale.ROOT, "%.1f", r.changesPerMinute()));
        }
        return t.toString();
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "n/a";
    }
}
