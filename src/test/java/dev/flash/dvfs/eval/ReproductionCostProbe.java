package dev.flash.dvfs.eval;

import ai.djl.ndarray.NDManager;
import dev.flash.dvfs.train.DvfsApplications;
import dev.flash.dvfs.train.DvfsTrainer;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.PpoTrainer;
import dev.flash.meta.yardstick.Contestant;
import dev.flash.meta.yardstick.ConvergedExpert;
import dev.flash.meta.yardstick.ExpertCache;
import dev.flash.meta.yardstick.FineTuneSweep;
import dev.flash.meta.yardstick.Yardstick;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: what each piece of the full-size {@code flash reproduce dvfs} costs in CPU time of
 * the working thread (DJL trains on it alone; JIT and GC threads are not counted), measured on
 * slices of the full plan, and the whole run projected from them for one and two processes. On
 * a loaded machine the wall time of a full run says little; the CPU time of its pieces does.
 * Usage: {@code java -cp ... dev.flash.dvfs.eval.ReproductionCostProbe [ITERATIONS]}.
 */
public final class ReproductionCostProbe {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static double cpu() {
        return THREADS.getCurrentThreadCpuTime() / 1e9;
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Djl.init();
        YardstickReproduction.Plan plan = YardstickReproduction.Plan.full(7);
        YardstickReproduction.Plan slice = new YardstickReproduction.Plan("slice",
                plan.settings().withIterations(iterations), plan.testApps(), plan.onlineEpisodes(),
                plan.evalEpisodes(), plan.operatorEpisodes(), plan.sweepApps(), plan.grid(), plan.expertEnvs());
        DvfsApplications apps = YardstickReproduction.applications(EvalApps.load(null, 7), slice);
        Reproduction.Listener quiet = new Reproduction.Listener() {
            @Override
            public void phase(String name, int total) {
            }

            @Override
            public void step(String detail) {
            }
        };
        int full = plan.settings().iterations();
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            double t = cpu();
            FlashAgentNetwork flash = YardstickReproduction.trainFlash(apps, slice, m, quiet);
            double flashIt = (cpu() - t) / iterations;
            t = cpu();
            FlashAgentNetwork history = YardstickReproduction.trainHistory(apps, slice, m, quiet);
            double historyIt = (cpu() - t) / iterations;
            t = cpu();
            DvfsTrainer.Settings bs = slice.settings().withContextLength(0);
            FlashAgentNetwork base = FlashAgentNetwork.create(bs.network(), m, slice.seed());
            new PpoTrainer(base, bs.ppo()).train(apps, null);
            double baseIt = (cpu() - t) / iterations;
            System.out.printf(Locale.ROOT, "training, CPU s per iteration: FLASH %.3f, history %.3f, base %.3f "
                    + "(x %d iterations: %.0f, %.0f, %.0f s)%n", flashIt, historyIt, baseIt, full, flashIt * full,
                    historyIt * full, baseIt * full);

            FineTuneSweep.Setting rule = new FineTuneSweep.Setting(1e-3, false);
            List<Contestant> cs = YardstickReproduction.contestants(flash, base, history, plan, rule);
            double[] run = new double[cs.size()];
            for (int c = 0; c < cs.size(); c++) {
                t = cpu();
                Yardstick.run(cs.get(c), apps, Split.TEST, 0, plan.budget(), plan.seed(), m);
                run[c] = cpu() - t;
                System.out.printf(Locale.ROOT, "contestant %s, one app, full budget (%d steps, %d points x %d "
                        + "episodes): %.1f s CPU%n", cs.get(c).name(), plan.budget().onlineSteps(),
                        plan.budget().points().length, plan.evalEpisodes(), run[c]);
            }
            t = cpu();
            HiddenStateReferences.of(apps.name(Split.TEST, 0), Yardstick.evaluationEpisodes(apps, Split.TEST, 0,
                    plan.seed()), plan.evalEpisodes());
            double refs = cpu() - t;
            t = cpu();
            var dir = Files.createTempDirectory("probe-experts");
            ConvergedExpert.Expert e = YardstickReproduction.experts(apps, plan, new ExpertCache(dir, true), m, quiet)
                    .of(0);
            double expert = cpu() - t;
            System.out.printf(Locale.ROOT, "expert of %s: %.1f s CPU, %d steps, converged %s; references %.1f s%n",
                    apps.name(Split.TEST, 0), expert, e.steps(), e.converged(), refs);
            t = cpu();
            Reproduction.operatorView(flash, base, plan.settings(), plan.settings().withContextLength(0),
                    apps.apps(Split.TEST).subList(0, 1), plan.operatorEpisodes(), plan.seed(), "{}", dir, quiet);
            double operator = cpu() - t;

            int n = plan.testApps();
            double sweep = plan.grid().size() * plan.sweepApps() * run[1];
            double perApp = run[0] + run[1] + run[2] + run[3] + refs;
            double train = (flashIt + historyIt + baseIt) * full;
            double one = train + sweep + n * (perApp + operator);
            // two processes: main FLASH + history, worker base + sweep; then half the apps each, main also the operator view
            double step1 = Math.max((flashIt + historyIt) * full, baseIt * full + sweep);
            double step2 = Math.max(Math.ceil(n / 2.0) * perApp + n * operator, Math.floor(n / 2.0) * perApp);
            System.out.printf(Locale.ROOT, "sweep %.0f s; per held-out app %.1f s (+ operator view %.1f s); "
                    + "expert %.1f s each%n", sweep, perApp, operator, expert);
            System.out.printf(Locale.ROOT, "projected full run, experts cached: %.0f s CPU; wall on 2 idle cores with 2 "
                    + "processes %.0f s (training + sweep %.0f s, held-out apps %.0f s); experts add %.0f s CPU (%.0f s "
                    + "wall on 2 cores)%n", one, step1 + step2, step1, step2, n * expert, n * expert / 2);
        }
    }
}
