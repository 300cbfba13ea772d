package dev.flash.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.dvfs.eval.EvalApps;
import dev.flash.dvfs.eval.ExpertPool;
import dev.flash.dvfs.eval.HiddenStateReferences;
import dev.flash.dvfs.eval.Json;
import dev.flash.sim.AppSpec;
import dev.flash.sim.Phase;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntPredicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flash reproduce rescore}: a finished run's reward gaps against an expert pooled over runs. */
@Command(name = "rescore",
        header = "Re-score runs of the OLD reproduction method (history log only).",
        sortOptions = false,
        description = {
            "Re-scores runs made with the reproduction method before the shared yardsticks",
            "(the runs quoted in docs/log/2026-11-dvfs-experiments-log.md), from their",
            "reproduce.json, without running anything. Today's `flash reproduce dvfs`",
            "measures against converged experts (dev.flash.meta.yardstick) and its",
            "reproduce.json is refused here, naming the file: read its figures directly.",
            "",
            "In those old runs the \"expert\" was not a converged one: it was the best",
            "evaluated point of the contestants' own curves (FLASH's contexts, transfer",
            "learning's fine-tuning over N episodes). This command gives that run's",
            "reward gaps against it and, given more old runs with the same --seed (same",
            "evaluation episodes and held-out applications), against the best of all of",
            "them, each two ways: best evaluated (picked and scored on the same episodes,",
            "errs high) and cross-validated (picked on half the episodes, scored on the",
            "other half, errs low).",
            "",
            "--references adds what any policy could score on the same episodes, read from",
            "the simulator's hidden state: the clairvoyant bound (no policy on the ladder",
            "passes it), phase experts that know the phase but not the next load draw, and",
            "the budget oracle.",
            "",
            "The start points scored are the FIRST run's; the other runs only supply",
            "experts. They must share its seed, evaluation episodes, episode length, reward",
            "and held-out applications in the same order, or the command names the field",
            "that differs.",
            ""},
        footer = {
            "",
            "Examples:",
            "  flash reproduce rescore /tmp/a/reproduce.json",
            "  flash reproduce rescore /tmp/a/reproduce.json /tmp/b/reproduce.json --json",
            "  flash reproduce rescore /tmp/f/reproduce.json /tmp/g/reproduce.json \\",
            "      --apps bench/apps/foreign-apps.json      (also split by load noise)",
            "  flash reproduce rescore /tmp/a/reproduce.json --references",
            "      (and against what a policy could score at best on the same episodes)",
            "", ExitCodes.HELP})
public final class RescoreCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "REPRODUCE_JSON",
            description = "reproduce.json of the run to score, then of runs that only supply experts")
    List<Path> runs;

    @Option(names = "--apps", paramLabel = "FILE",
            description = "The held-out applications' file (flash-apps/1): also split the gaps by each "
                    + "application's load noise (weighted by phase time); with --references, where the "
                    + "applications are read from")
    Path apps;

    @Option(names = "--noise-split", paramLabel = "X", defaultValue = "0.15",
            description = "Load noise separating calm from bursty applications with --apps (default ${DEFAULT-VALUE})")
    double noiseSplit;

    @Option(names = "--references",
            description = "Also score the first run's start points against references read from the "
                    + "simulator's hidden state on the same evaluation episodes: an upper bound no expert can "
                    + "pass (clairvoyant), a phase expert that knows the phase but not the next load draw, and the "
                    + "budget oracle. Rebuilds the held-out applications from --apps FILE, or without it from the "
                    + "default population of the run's seed (a few seconds)")
    boolean references;

    @Option(names = "--json", description = "Print one JSON object instead of the table")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    boolean help;

    /** One row: a group of applications scored against one expert. */
    record Row(String expert, String group, ExpertPool.Gaps gaps, boolean reference) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(noiseSplit >= 0 && noiseSplit <= 1)) {
            err.println("flash reproduce rescore: --noise-split " + noiseSplit + " must be in [0, 1]");
            return ExitCodes.USAGE;
        }
        List<Row> rows = new ArrayList<>();
        List<ExpertPool.Run> loaded = new ArrayList<>();
        JsonArray refsPerApp = null;
        try {
            for (Path p : runs) {
                loaded.add(ExpertPool.load(p));
            }
            ExpertPool.Run first = loaded.get(0);
            List<AppSpec> appsFile = apps == null ? null : EvalApps.load(apps);
            Map<String, IntPredicate> groups = groups(first, appsFile);
            ExpertPool.PerApp own = ExpertPool.perApp(List.of(first));
            addRows(rows, "own", own, groups, false);
            if (loaded.size() > 1) {
                addRows(rows, "pooled over " + loaded.size() + " runs", ExpertPool.perApp(loaded), groups, false);
            }
            if (references) {
                // Without --apps, the run's held-out applications come from its seed's default population.
                List<AppSpec> specs = appsFile != null ? appsFile : EvalApps.load(null, first.seed());
                String source = apps != null ? "--apps " + apps : "the default population of seed " + first.seed();
                List<HiddenStateReferences.App> refs = HiddenStateReferences.forRun(first, byName(specs), source);
                for (String key : refs.get(0).perStep().keySet()) {
                    double[] ref = HiddenStateReferences.perStep(refs, key);
                    addRows(rows, key.replace('_', ' '),
                            new ExpertPool.PerApp(ref, ref, own.flashStart(), own.transferStart()), groups, true);
                }
                refsPerApp = perAppJson(own, refs);
            }
        } catch (ExpertPool.InvalidRunException | EvalApps.InvalidAppsException e) {
            err.println("flash reproduce rescore: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (json) {
            JsonObject o = toJson(loaded, rows);
            if (refsPerApp != null) {
                o.add("references_per_app", refsPerApp);
            }
            out.println(Json.PRETTY.toJson(o));
        } else {
            out.print(table(loaded, rows));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** One row per group of applications scored against one expert ({@code perApp}). */
    private static void addRows(List<Row> rows, String expert, ExpertPool.PerApp perApp,
                                Map<String, IntPredicate> groups, boolean reference) {
        for (Map.Entry<String, IntPredicate> g : groups.entrySet()) {
            rows.add(new Row(expert, g.getKey(), perApp.gaps(g.getValue()), reference));
        }
    }

    /**
     * All applications, and with --apps ({@code appsFile}, else null) calm and bursty ones
     * (indexes into the first run).
     */
    private Map<String, IntPredicate> groups(ExpertPool.Run first, List<AppSpec> appsFile)
            throws EvalApps.InvalidAppsException {
        Map<String, IntPredicate> groups = new java.util.LinkedHashMap<>();
        groups.put("all", i -> true);
        if (appsFile == null) {
            return groups;
        }
        Map<String, Double> noise = new HashMap<>();
        for (AppSpec spec : appsFile) {
            noise.put(spec.name(), meanLoadNoise(spec));
        }
        double[] byIndex = new double[first.apps().size()];
        for (int i = 0; i < byIndex.length; i++) {
            Double n = noise.get(first.apps().get(i).app());
            if (n == null) {
                throw new EvalApps.InvalidAppsException("--apps " + apps + " has no application "
                        + first.apps().get(i).app() + " (per_app[" + i + "] of " + first.file() + ")", null);
            }
            byIndex[i] = n;
        }
        groups.put(String.format(Locale.ROOT, "load noise <= %.2f", noiseSplit), i -> byIndex[i] <= noiseSplit);
        groups.put(String.format(Locale.ROOT, "load noise > %.2f", noiseSplit), i -> byIndex[i] > noiseSplit);
        return groups;
    }

    private static Map<String, AppSpec> byName(List<AppSpec> specs) {
        Map<String, AppSpec> out = new HashMap<>();
        specs.forEach(a -> out.put(a.name(), a));
        return out;
    }

    /** Per application: the first run's start points, its own expert and every reference, per step. */
    private static JsonArray perAppJson(ExpertPool.PerApp own, List<HiddenStateReferences.App> refs) {
        JsonArray out = new JsonArray();
        for (int i = 0; i < refs.size(); i++) {
            JsonObject j = new JsonObject();
            j.addProperty("app", refs.get(i).app());
            Json.put(j, "flash_start", own.flashStart()[i]);
            Json.put(j, "transfer_start", own.transferStart()[i]);
            Json.put(j, "own_expert", own.expert()[i]);
            refs.get(i).perStep().forEach((k, v) -> Json.put(j, k, v));
            out.add(j);
        }
        return out;
    }

    /** Relative load noise weighted by each phase's duration. */
    static double meanLoadNoise(AppSpec spec) {
        double time = 0;
        double weighted = 0;
        for (Phase p : spec.phases()) {
            time += p.durationSeconds();
            weighted += p.loadNoise() * p.durationSeconds();
        }
        return time == 0 ? 0 : weighted / time;
    }

    private static String table(List<ExpertPool.Run> runs, List<Row> rows) {
        ExpertPool.Run first = runs.get(0);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %d held-out apps, seed %d, %d evaluation episodes per point%n",
                first.file(), first.apps().size(), first.seed(), first.evalEpisodes()));
        for (int i = 1; i < runs.size(); i++) {
            sb.append("  expert also from ").append(runs.get(i).file()).append('\n');
        }
        sb.append('\n');
        TextTable t = new TextTable("expert", "apps", "FLASH gap", "(cross-val.)", "transfer gap", "(cross-val.)",
                "expert/step", "FLASH start/step");
        for (Row r : rows) {
            ExpertPool.Gaps g = r.gaps();
            if (g.apps() == 0) {
                continue;
            }
            t.row(r.expert() + (r.group().equals("all") ? "" : ", " + r.group()), Integer.toString(g.apps()),
                    pct(g.gapFlash()), r.reference() ? "-" : pct(g.gapFlashCrossValidated()), pct(g.gapTransfer()),
                    r.reference() ? "-" : pct(g.gapTransferCrossValidated()),
                    String.format(Locale.ROOT, "%.4f", g.meanExpert()),
                    String.format(Locale.ROOT, "%.4f", g.meanFlashStart()));
        }
        sb.append(t);
        sb.append(String.format(Locale.ROOT, "%npaper: FLASH 7.1%%, transfer learning 39%% (against an expert trained "
                + "to convergence; each expert here is a lower bound of one)%n"));
        if (rows.stream().anyMatch(Row::reference)) {
            sb.append(String.format(Locale.ROOT, "hidden-state references (same evaluation episodes): the clairvoyant "
                    + "bound is an upper bound of any expert on the ladder; the phase experts know the phase, not the "
                    + "next load draw; the budget oracle uses the full frequency table "
                    + "(docs/log/2026-11-dvfs-experiments-log.md)%n"));
        }
        return sb.toString();
    }

    private static JsonObject toJson(List<ExpertPool.Run> runs, List<Row> rows) {
        JsonObject o = new JsonObject();
        o.addProperty("run", runs.get(0).file().toString());
        JsonArray files = new JsonArray();
        runs.forEach(r -> files.add(r.file().toString()));
        o.add("expert_runs", files);
        JsonArray out = new JsonArray();
        for (Row r : rows) {
            ExpertPool.Gaps g = r.gaps();
            JsonObject j = new JsonObject();
            j.addProperty("expert", r.reference() ? r.expert().replace(' ', '_') : r.expert());
            j.addProperty("hidden_state_reference", r.reference());
            j.addProperty("group", r.group());
            j.addProperty("apps", g.apps());
            Json.put(j, "reward_gap_flash", g.gapFlash());
            Json.put(j, "reward_gap_transfer", g.gapTransfer());
            if (!r.reference()) {
                Json.put(j, "reward_gap_flash_cross_validated_expert", g.gapFlashCrossValidated());
                Json.put(j, "reward_gap_transfer_cross_validated_expert", g.gapTransferCrossValidated());
            }
            Json.put(j, "expert_reward_per_step", g.meanExpert());
            Json.put(j, "flash_start_reward_per_step", g.meanFlashStart());
            Json.put(j, "transfer_start_reward_per_step", g.meanTransferStart());
            out.add(j);
        }
        o.add("gaps", out);
        return o;
    }

    private static String pct(double v) {
        return EvaluateCommand.pct(v);
    }
}
