package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.ConfigDataset;
import dev.flash.configsearch.DataFormatException;
import dev.flash.configsearch.EvaluationReport;
import dev.flash.configsearch.FewShotEvaluation;
import dev.flash.configsearch.ReferenceBlend;
import dev.flash.configsearch.Target;
import dev.flash.configsearch.Workload;
import dev.flash.meta.yardstick.SupervisedFineTuneSweep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash evaluate config-search}: case I's Table 2 on a measurement file. */
@Command(name = "config-search",
        sortOptions = false,
        description = {
            "Measure few-shot configuration search (FLASH case I, Table 2) on a measurement file.",
            "",
            "How well each method predicts a new workload's runtime (or cost) on every configuration",
            "from k measured ones.",
            "",
            "Folds are grouped by workload: the reference is fitted and the networks are trained on",
            "the training workloads only. For each seed, k and test workload, k configurations are",
            "drawn at random as the measured shots (the same for every method); each method predicts",
            "the other configurations. MAPE is over those unmeasured configurations, in original units;",
            "regret is the true target of the configuration a method would pick over the best one.",
            "Cost under a deadline (runtime target, data with both targets): the deadline is the median",
            "of the workload's true runtimes; the pick is the cheapest shot or prediction (cost =",
            "predicted runtime x the configuration's price, cost / runtime on training workloads) whose",
            "runtime meets it; regret = its true cost over the cheapest that truly meets it, minus 1",
            "(floored at 0), and the share of picks that miss the deadline. Adaptive shots: the first",
            "measured at random, the next chosen by the searcher (flash, flash-optimistic, flash-consensus:",
            "the lowest mean of FLASH's and the reference's log predictions, baseline, reference); the",
            "regret of the pick after k of them is reported apart (regret_adaptive).",
            "Chosen shots (regret_chosen): the same searchers with the first measurement chosen too,",
            "the configuration closest to the best on the training workloads on average (relative to",
            "each one's best), the pick the lowest measured; beside them `portfolio`, not learned: the",
            "k configurations that together came closest to the training workloads' best, measured",
            "blind, the pick the lowest measured.",
            "Cost under a deadline from chosen shots (cost_regret_chosen, deadline_missed_chosen): the",
            "first measurement the cost prior's, the next the searcher's (flash-saving, what `recommend",
            "--objective cost --deadline S` does: the largest expected saving; flash-consensus: the",
            "cheapest predicted on time); the pick the cheapest measured on time, else the cheapest",
            "predicted on time, else the fastest measured; beside them `portfolio` (k configurations",
            "that served the training workloads at their own median deadline, measured blind) and",
            "`random` (the k random shots); variants: docs/log/2026-12-07-config-search-7.md to -9.md.",
            "cost_near_chosen: the share of picks on time and within 5%% of the cheapest on time.",
            "--cost-trace FILE: each test workload's measurements, pick and basis, per searcher and k.",
            "Figures are the mean over every test workload, then mean +- spread over the seeds.",
            "",
            "Methods:",
            "  flash        FLASH: shot encoder (per-shot MLP, mean) + base MLP, meta-trained; predicts",
            "               the log target's residual over its attention, shrunk by the scale that",
            "               fits two held-out training workloads",
            "  flash-attention  FLASH's attention over the training workloads alone: each votes the",
            "               shots scaled by its own ratios, weighted by how much it behaves like the",
            "               shots (every pair of temperatures weighted by its leave-one-workload-out",
            "               likelihood on training workloads)",
            "  flash-plain  the paper's design: shot encoder + base MLP predicting the log target",
            "  baseline     no encoder (Sizeless-style): query and one shot in, log target out;",
            "               k shots: the mean of the k predictions",
            "  transfer     the baseline fine-tuned on the workload's own k shots; rate and steps",
            "               chosen per fold by a sweep on training workloads (the `fold N:` lines)",
            "  reference    not learned: the shots scaled by the median configuration-to-configuration",
            "               ratio over the training workloads",
            "",
            "With --train-dataset, everything trains on that file and is tested on every workload of",
            "--dataset (no folds). The paper's numbers are printed beside ours for multicloud data.",
            ""},
        footer = {
            "",
            "Examples:",
            "  flash evaluate config-search --dataset multi-cloud.csv --format multicloud",
            "  flash evaluate config-search --dataset multi-cloud.csv --folds dataset --json",
            "  flash evaluate config-search --dataset multi-cloud.csv --folds algorithm --json",
            "  flash evaluate config-search --dataset b.csv --train-dataset a.csv --shots 1,3 --seeds 10",
            "  flash evaluate config-search --dataset multi-cloud.csv --folds dataset --blend attention --json",
            "", ExitCodes.HELP})
public final class EvaluateConfigSearchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConfigSearchOptions data;

    @Option(names = "--train-dataset", paramLabel = "FILE",
            description = "Train on this file and test on all of --dataset (same configuration columns).")
    Path trainDataset;

    @Option(names = "--folds", paramLabel = "K|dataset|algorithm", defaultValue = "5",
            description = "Grouped folds over workloads; `dataset`: one fold per data set (the part of a "
                    + "workload's name before its first dash); `algorithm`: one fold per algorithm (the part "
                    + "after it: buzz-X, creditcard-X, santander-X held out together) (default: ${DEFAULT-VALUE}).")
    String folds;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "5",
            description = "Repeats of the random shot draws (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--ensemble", paramLabel = "N", defaultValue = "1",
            description = "Networks per method from different seeds, predictions averaged in log space "
                    + "(default: ${DEFAULT-VALUE}).")
    int ensemble;

    @Option(names = "--max-test", paramLabel = "N", defaultValue = "0",
            description = "Test workloads evaluated per fold at most, for large sets (default: all).")
    int maxTest;

    @Option(names = "--plot", paramLabel = "FILE", description = "Also draw MAPE against k per method as a PNG.")
    Path plot;

    @Option(names = "--cost-trace", paramLabel = "FILE",
            description = "Also write, per test workload, cost searcher and k, how the cost under a deadline "
                    + "from chosen shots came about (tab-separated: the measurements, the pick and its basis, the "
                    + "cheapest configuration on time as predicted); runtime target, data with costs.")
    Path costTrace;

    @Option(names = "--json", description = "Print the figures as JSON on stdout.")
    boolean json;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Override
    public Integer call() throws Exception {
        return TrainingStack.withStack("flash evaluate config-search",
                spec.root().commandLine().getParseResult().originalArgs(), this::evaluate);
    }

    private int evaluate() {
        try {
            int[] ks = data.checkedShots();
            ReferenceBlend blend = data.parsedBlend();
            if (seeds < 1 || ensemble < 1) {
                return usage("--seeds and --ensemble must be >= 1");
            }
            ConfigDataReader.Format fmt = data.parsedFormat();
            Target t = data.parsedTarget();
            if (costTrace != null && t != Target.RUNTIME) {
                return usage("--cost-trace needs --target runtime (the deadline is on runtime), got " + t.label());
            }
            Path dataset = data.dataset;
            ConfigDataset test = data.read(dataset);
            List<FewShotEvaluation.Fold> foldList;
            ConfigDataset all = test;
            if (trainDataset != null) {
                ConfigDataset train = data.read(trainDataset);
                if (!train.configColumns().equals(test.configColumns())
                        || !train.metricColumns().equals(test.metricColumns())) {
                    return usage("--train-dataset has columns " + train.configColumns() + train.metricColumns()
                            + ", --dataset " + test.configColumns() + test.metricColumns());
                }
                foldList = List.of(new FewShotEvaluation.Fold(train.workloads(), test.workloads()));
                all = merged(train, test);
            } else if (folds.equals("dataset")) {
                foldList = FewShotEvaluation.groupFolds(test.workloads());
            } else if (folds.equals("algorithm")) {
                foldList = FewShotEvaluation.algorithmFolds(test.workloads());
            } else {
                int k;
                try {
                    k = Integer.parseInt(folds);
                } catch (NumberFormatException e) {
                    return usage("--folds must be a number >= 2, `dataset` or `algorithm`, got '" + folds + "'");
                }
                if (k < 2) {
                    return usage("--folds must be >= 2, got " + k);
                }
                foldList = FewShotEvaluation.groupedFolds(test.workloads(), k, data.seed);
            }
            FewShotEvaluation.Settings settings = new FewShotEvaluation.Settings(t, ks, seeds,
                    data.trainerConfig(), SupervisedFineTuneSweep.defaultGrid(), ensemble, maxTest, data.seed,
                    blend);
            System.err.printf("%s: %d workloads, %d measurements (%d failed runs left out, %d repeats merged), "
                    + "%d folds%n", dataset, test.workloads().size(), test.measurementCount(), test.failedRows(),
                    test.repeatsMerged(), foldList.size());
            ProgressBar bar = new ProgressBar(System.err, "folds", foldList.size(), !json || verbose);
            long start = System.nanoTime();
            List<String> traceRows = new ArrayList<>();
            FewShotEvaluation.Scores scores = FewShotEvaluation.run(all, foldList, settings,
                    (done, total) -> bar.advanceTo(done, ""), costTrace == null ? null : r -> traceRows.add(r.tsv()));
            bar.finish();
            if (costTrace != null) {
                if (traceRows.isEmpty()) {
                    return usage("--cost-trace: no cost under a deadline to trace (it needs --target runtime "
                            + "and data with both runtime and cost)");
                }
                traceRows.add(0, dev.flash.configsearch.CostTrace.HEADER);
                java.nio.file.Files.write(costTrace, traceRows);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String paper = fmt == ConfigDataReader.Format.MULTICLOUD && t == Target.RUNTIME ? "multicloud" : "";
            if (plot != null) {
                ReproduceConfigSearchCommand.plot(paper.isEmpty() ? dataset.getFileName().toString() : paper, scores,
                        plot);
            }
            if (json) {
                JsonObject o = EvaluationReport.json(scores, ks, paper);
                o.addProperty("dataset", dataset.toString());
                o.addProperty("target", t.label());
                o.addProperty("folds", foldList.size());
                o.addProperty("seeds", seeds);
                o.addProperty("failed_rows_left_out", test.failedRows());
                o.addProperty("seconds", seconds);
                // 0 when a configuration's cost / runtime is the same for every workload (its price):
                // the cost-under-deadline figures take cost = predicted runtime x price.
                o.addProperty("price_log_spread", dev.flash.configsearch.PriceTable.fit(all.workloads()).spread());
                com.google.gson.JsonArray trained = new com.google.gson.JsonArray();
                scores.training().forEach(trained::add);
                o.add("fold_training", trained);
                System.out.println(new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                        .create().toJson(o));
            } else {
                System.out.print(EvaluationReport.text(scores, ks, paper));
                for (int i = 0; i < scores.training().size(); i++) {
                    System.out.printf("fold %d: %s%n", i + 1, scores.training().get(i));
                }
                System.out.printf("%.0f s%n", seconds);
            }
            return ExitCodes.OK;
        } catch (DataFormatException | IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (IOException e) {
            System.err.println("flash evaluate config-search: " + e);
            if (verbose) {
                e.printStackTrace(System.err);
            }
            return ExitCodes.FAILURE;
        }
    }

    /** One data set holding both files' workloads (for the configuration scaling). */
    private static ConfigDataset merged(ConfigDataset a, ConfigDataset b) {
        List<Workload> all = new ArrayList<>(a.workloads());
        all.addAll(b.workloads());
        return new ConfigDataset(b.file(), b.format(), b.configColumns(), b.metricColumns(), b.targets(), all,
                a.failedRows() + b.failedRows(), a.repeatsMerged() + b.repeatsMerged());
    }

    private int usage(String message) {
        System.err.println("flash evaluate config-search: " + message);
        return ExitCodes.USAGE;
    }
}
