package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.ConfigDataset;
import dev.flash.configsearch.DataFormatException;
import dev.flash.configsearch.EvaluationReport;
import dev.flash.configsearch.FewShotEvaluation;
import dev.flash.configsearch.PaperNumbers;
import dev.flash.configsearch.SyntheticData;
import dev.flash.configsearch.Target;
import dev.flash.meta.yardstick.SupervisedFineTuneSweep;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash reproduce config-search}: the Table 2 analogs of case I. */
@Command(name = "config-search",
        header = "Case I (few-shot configuration search): Table 2 analogs.",
        sortOptions = false,
        description = {
            "Case I of the paper (Table 2): few-shot runtime prediction on the two synthetic sets",
            "(`flash data synth sizeless|openwhisk`, written to --out-dir) and, with --dataset, on",
            "multi-cloud data; the methods and protocol of `flash evaluate config-search` (5 grouped",
            "folds; at most --max-test test workloads per fold on the large synthetic sets), with the",
            "paper's numbers beside ours. Writes <out-dir>/config-search.json and one plot per data set",
            "(config-search-<set>.png: MAPE against k, mean +- spread over seeds).",
            ""},
        footer = {
            "",
            "Examples:",
            "  flash reproduce config-search --quick",
            "  flash reproduce config-search --dataset multi-cloud.csv --out-dir runs/cs",
            "", ExitCodes.HELP})
public final class ReproduceConfigSearchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "FILE", description = "Multi-cloud data to include.")
    Path dataset;

    @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = "target/reproduce-config-search",
            description = "Where the sets, plots and JSON go (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quick", description = "Small sets and short training: a smoke run in about a minute.")
    boolean quick;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    static final int[] SHOTS = {1, 2, 3};

    @Override
    public Integer call() throws Exception {
        return TrainingStack.withStack("flash reproduce config-search",
                spec.root().commandLine().getParseResult().originalArgs(), this::reproduce);
    }

    private int reproduce() {
        try {
            Files.createDirectories(outDir);
            Map<String, ConfigDataset> sets = new LinkedHashMap<>();
            for (SyntheticData.Kind kind : SyntheticData.Kind.values()) {
                Path file = outDir.resolve(kind.label() + ".csv");
                int count = kind == SyntheticData.Kind.SIZELESS ? (quick ? 60 : 400) : (quick ? 40 : 300);
                SyntheticData.write(kind, count, seed, file);
                sets.put(kind.label(), ConfigDataReader.read(file, ConfigDataReader.Format.LONG, false));
            }
            if (dataset != null) {
                sets.put("multicloud", ConfigDataReader.read(dataset, ConfigDataReader.Format.MULTICLOUD, false));
            }
            JsonObject all = new JsonObject();
            for (Map.Entry<String, ConfigDataset> e : sets.entrySet()) {
                ConfigDataset data = e.getValue();
                FewShotEvaluation.Settings s = new FewShotEvaluation.Settings(Target.RUNTIME, SHOTS, quick ? 1 : 3,
                        ConfigSearchOptions.trainerConfig(quick ? 60 : 1500, SHOTS, seed),
                        quick ? SupervisedFineTuneSweep.defaultGrid().subList(0, 2) : SupervisedFineTuneSweep.defaultGrid(),
                        1, quick ? 4 : 40, seed);
                var folds = FewShotEvaluation.groupedFolds(data.workloads(), 5, seed);
                ProgressBar bar = new ProgressBar(System.err, e.getKey(), folds.size(), true);
                long start = System.nanoTime();
                FewShotEvaluation.Scores scores = FewShotEvaluation.run(data, folds, s, (d, t) -> bar.advanceTo(d, ""));
                bar.finish();
                System.out.printf("%n%s (%s, %d workloads, %.0f s)%n", e.getKey(), data.file(), data.workloads().size(),
                        (System.nanoTime() - start) / 1e9);
                System.out.print(EvaluationReport.text(scores, SHOTS, e.getKey()));
                JsonObject o = EvaluationReport.json(scores, SHOTS, e.getKey());
                o.addProperty("file", data.file().toString());
                all.add(e.getKey(), o);
                plot(e.getKey(), scores, outDir.resolve("config-search-" + e.getKey() + ".png"));
            }
            all.addProperty("command", "flash " + String.join(" ",
                    spec.root().commandLine().getParseResult().originalArgs()));
            Files.writeString(outDir.resolve("config-search.json"), new GsonBuilder().setPrettyPrinting()
                    .serializeSpecialFloatingPointValues().create().toJson(all) + "\n");
            System.out.printf("%nwrote %s/config-search.json and the plots%n", outDir);
            return ExitCodes.OK;
        } catch (DataFormatException | IllegalArgumentException e) {
            System.err.println("flash reproduce config-search: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            System.err.println("flash reproduce config-search: " + e);
            return ExitCodes.FAILURE;
        }
    }

    static final Map<String, Color> COLORS = Map.of("flash", new Color(0xD62728), "flash-attention",
            new Color(0x8C564B), "flash-plain", new Color(0xFF7F0E), "baseline", new Color(0x1F77B4), "transfer",
            new Color(0x9467BD), "reference", new Color(0x2CA02C));

    /** MAPE against k per method (mean +- spread over seeds), the paper's FLASH and baseline rows dashed. */
    static void plot(String set, FewShotEvaluation.Scores scores, Path file) throws IOException {
        int[] shots = scores.mape().get("flash").keySet().stream().mapToInt(Integer::intValue).toArray();
        PngPlot p = new PngPlot("Case I on " + set + ": error on unmeasured configurations", "shots (k)", "MAPE");
        double[] x = new double[shots.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = shots[i];
        }
        for (String m : FewShotEvaluation.METHODS) {
            double[] mean = new double[x.length];
            double[] lo = new double[x.length];
            double[] hi = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double[] v = scores.mape().get(m).get(shots[i]);
                mean[i] = EvaluationReport.mean(v);
                lo[i] = mean[i] - EvaluationReport.std(v);
                hi[i] = mean[i] + EvaluationReport.std(v);
            }
            p.add(new PngPlot.Series(m, COLORS.get(m), x, mean, lo, hi));
        }
        for (String m : new String[] {"flash", "baseline"}) {
            double[] paper = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                paper[i] = PaperNumbers.of(set, m, shots[i]);
            }
            if (java.util.Arrays.stream(paper).noneMatch(Double::isNaN)) {
                p.add(new PngPlot.Series("paper " + m, COLORS.get(m).darker().darker(), x, paper, null, null));
            }
        }
        p.write(file, 800, 500);
    }
}
