package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** AWARE's verdict against the model's own training figures E (mean) and S (spread). */
class DriftDetectorTest {

    private static DriftDetector filledWith(double... rewards) {
        DriftDetector d = new DriftDetector();
        for (int i = 0; i < DriftDetector.WINDOW; i++) {
            d.add(rewards[i % rewards.length]);
        }
        return d;
    }

    @Test
    void rewardsAsTrainedMatch() {
        assertEquals(DriftDetector.MATCHES, filledWith(0.50, 0.52, 0.48).verdict(0.5, 0.05));
    }

    @Test
    void aMeanMoreThanTwoSpreadsBelowAdvisesRetraining() {
        assertEquals(DriftDetector.RETRAIN, filledWith(0.38).verdict(0.5, 0.05), "0.38 < 0.5 - 2 * 0.05");
        assertEquals(DriftDetector.MATCHES, filledWith(0.41).verdict(0.5, 0.05), "0.41 is within two spreads");
    }

    @Test
    void aSpreadMoreThanTwiceTheTrainedOneAdvisesRetraining() {
        // mean 0.5 as trained, but swinging 0.3 .. 0.7: the context no longer looks like training
        assertEquals(DriftDetector.RETRAIN, filledWith(0.3, 0.7).verdict(0.5, 0.05));
    }

    @Test
    void noVerdictBeforeAFullWindowOrWithoutTrainingFigures() {
        DriftDetector d = new DriftDetector();
        d.add(0.5);
        d.add(Double.NaN); // not a reward: not counted
        assertTrue(d.verdict(0.5, 0.05).startsWith("collecting (1/"), d.verdict(0.5, 0.05));
        assertTrue(filledWith(0.5).verdict(Double.NaN, Double.NaN).startsWith("unknown"));
        // without S, S = max(0.1 |E|, 0.01) stands in
        assertEquals(DriftDetector.RETRAIN, filledWith(0.79).verdict(1.0, Double.NaN), "0.79 < 1.0 - 2 * 0.1");
        assertEquals(DriftDetector.MATCHES, filledWith(0.81).verdict(1.0, Double.NaN));
    }
}
