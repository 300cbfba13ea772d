package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpertPoolTest {

    @TempDir
    Path dir;

    private static final int[] KS = {0, 1, 2};

    private static double[][] points(double... perPoint) {
        double[][] out = new double[perPoint.length][];
        for (int i = 0; i < perPoint.length; i++) {
            out[i] = new double[] {perPoint[i], perPoint[i]};
        }
        return out;
    }

    /** a: expert 1.0 (transfer's last point), FLASH starts at 0.8, transfer at 0.4; b: FLASH is the expert. */
    private ReproduceJsonFixture baseRun() {
        return new ReproduceJsonFixture(7, 2)
                .app("a", KS, points(0.5, 0.8, 0.8), points(0.4, 0.6, 1.0))
                .app("b", KS, points(1.0, 1.0, 1.0), points(0.5, 0.5, 0.5));
    }

    @Test
    void ownExpertIsTheBestEvaluatedPointAndGapsArePooledOverApps() throws Exception {
        ExpertPool.Run run = ExpertPool.load(baseRun().write(dir.resolve("a.json")));
        ExpertPool.Gaps g = ExpertPool.score(List.of(run), i -> true);
        assertEquals(2, g.apps());
        assertEquals((2.0 - 1.8) / 2.0, g.gapFlash(), 1e-12); // FLASH at k = 1
        assertEquals((2.0 - 0.9) / 2.0, g.gapTransfer(), 1e-12); // transfer at k = 0
        // identical episodes: picking on one half and scoring on the other changes nothing
        assertEquals(g.gapFlash(), g.gapFlashCrossValidated(), 1e-12);
        assertEquals(1.0, g.meanExpert(), 1e-12);
        ExpertPool.Gaps onlyB = ExpertPool.score(List.of(run), i -> i == 1);
        assertEquals(0.0, onlyB.gapFlash(), 1e-12);
    }

    @Test
    void ownGapsAreTheReproductionsHeadlineAndCrossValidatedGaps() throws Exception {
        java.util.Random random = new java.util.Random(3);
        int[] ks = {0, 1, 2, 4, 8};
        int m = 6;
        int steps = 1;
        ReproduceJsonFixture f = new ReproduceJsonFixture(7, m);
        List<Reproduction.AppResult> results = new java.util.ArrayList<>();
        for (int app = 0; app < 4; app++) {
            double[][] fe = new double[ks.length][m];
            double[][] te = new double[ks.length][m];
            for (int i = 0; i < ks.length; i++) {
                for (int j = 0; j < m; j++) {
                    fe[i][j] = 0.1 + 0.05 * random.nextGaussian();
                    te[i][j] = 0.02 * i + 0.05 * random.nextGaussian();
                }
            }
            f.app("app" + app, ks, fe, te);
            Reproduction.Scored sc = Reproduction.Scored.of(ks, fe, te, m, steps);
            results.add(new Reproduction.AppResult("app" + app, sc.flash(), sc.transfer(), List.of(), List.of(),
                    sc.expert(), Double.NaN, false, Double.NaN, sc.gapFlash(), sc.gapTransfer(), sc.costFlash(),
                    sc.costTransfer(), false, false, 0, 0, 0, fe, te, steps));
        }
        ExpertPool.Gaps g = ExpertPool.score(List.of(ExpertPool.load(f.write(dir.resolve("r.json")))), i -> true);
        double[] headline = Reproduction.figuresAt(results, m);
        double[] cv = Reproduction.crossValidatedGaps(results, m);
        assertEquals(headline[0], g.gapFlash(), 1e-12);
        assertEquals(headline[1], g.gapTransfer(), 1e-12);
        assertEquals(cv[0], g.gapFlashCrossValidated(), 1e-12);
        assertEquals(cv[1], g.gapTransferCrossValidated(), 1e-12);
    }

    @Test
    void anotherRunsBetterPolicyRaisesTheExpertButNotTheStartPoints() throws Exception {
        ExpertPool.Run first = ExpertPool.load(baseRun().write(dir.resolve("a.json")));
        ExpertPool.Run longer = ExpertPool.load(new ReproduceJsonFixture(7, 2)
                .app("a", KS, points(0.1, 0.1, 0.1), points(0.2, 0.3, 0.9))
                .app("b", KS, points(0.1, 0.1, 0.1), points(0.5, 1.5, 2.0))
                .write(dir.resolve("b.json")));
        ExpertPool.Gaps g = ExpertPool.score(List.of(first, longer), i -> true);
        assertEquals(1.5, g.meanExpert(), 1e-12); // a keeps 1.0, b rises to 2.0
        assertEquals(0.9, g.meanFlashStart(), 1e-12); // the first run's starts, not the other's
        assertEquals((3.0 - 1.8) / 3.0, g.gapFlash(), 1e-12);
        assertEquals((3.0 - 0.9) / 3.0, g.gapTransfer(), 1e-12);
    }

    @Test
    void runsThatDidNotPlayTheSameEpisodesAreRefusedNamingTheField() throws Exception {
        ExpertPool.Run first = ExpertPool.load(baseRun().write(dir.resolve("a.json")));
        ReproduceJsonFixture otherSeed = baseRun();
        otherSeed.plan().addProperty("seed", 8);
        ReproduceJsonFixture otherKappa = baseRun();
        otherKappa.plan().addProperty("kappa", 8.0);
        ReproduceJsonFixture otherApps = new ReproduceJsonFixture(7, 2)
                .app("a", KS, points(0, 0, 0), points(0, 0, 0))
                .app("c", KS, points(0, 0, 0), points(0, 0, 0));
        ReproduceJsonFixture fewerEpisodes = new ReproduceJsonFixture(7, 1)
                .app("a", KS, points(0, 0, 0), points(0, 0, 0))
                .app("b", KS, points(0, 0, 0), points(0, 0, 0));
        String[][] cases = {{"seed", "plan.seed"}, {"kappa", "plan.kappa"}, {"apps", "per_app[1] is c"},
            {"eval", "plan.eval_episodes"}};
        ReproduceJsonFixture[] runs = {otherSeed, otherKappa, otherApps, fewerEpisodes};
        for (int i = 0; i < runs.length; i++) {
            ExpertPool.Run other = ExpertPool.load(runs[i].write(dir.resolve(cases[i][0] + ".json")));
            var e = assertThrows(ExpertPool.InvalidRunException.class,
                    () -> ExpertPool.score(List.of(first, other), k -> true));
            assertTrue(e.getMessage().contains(cases[i][1]) && e.getMessage().contains(cases[i][0] + ".json"),
                    e.getMessage());
        }
        // a file written before the reward's terms were recorded pools with any
        ReproduceJsonFixture old = baseRun();
        old.plan().remove("kappa");
        old.plan().remove("slowdown_budget");
        ExpertPool.Run oldRun = ExpertPool.load(old.write(dir.resolve("old.json")));
        assertEquals(2, ExpertPool.score(List.of(first, oldRun), k -> true).apps());
    }

    @Test
    void unreadableFilesAreRefusedNamingFileAndField() throws Exception {
        Path notJson = Files.writeString(dir.resolve("x.json"), "not json at all {");
        assertMessage(notJson, "x.json", "not a reproduce.json");
        assertMessage(dir.resolve("missing.json"), "missing.json", "cannot read");
        Path noApps = Files.writeString(dir.resolve("n.json"),
                "{\"plan\":{\"seed\":7,\"eval_episodes\":2},\"definitions\":{\"episode_steps\":1}}");
        assertMessage(noApps, "n.json", "per_app");
        Path shortRows = new ReproduceJsonFixture(7, 3)
                .app("a", KS, points(1, 1, 1), points(1, 1, 1)).write(dir.resolve("s.json"));
        assertMessage(shortRows, "s.json", "per_app[0].flash_eval_episode_rewards[0] has 2 evaluation episodes");
        Path badKs = new ReproduceJsonFixture(7, 2)
                .app("a", new int[] {0, 2, 1}, points(1, 1, 1), points(1, 1, 1)).write(dir.resolve("k.json"));
        assertMessage(badKs, "k.json", "adaptation_points_k");
    }

    private static void assertMessage(Path file, String... parts) {
        var e = assertThrows(ExpertPool.InvalidRunException.class, () -> ExpertPool.load(file));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage());
        }
    }
}
