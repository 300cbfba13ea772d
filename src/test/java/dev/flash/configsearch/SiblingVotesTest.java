package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiblingVotesTest {

    private static Measurement m(String key, double runtime) {
        return new Measurement(key, new float[] {0}, new float[0], runtime, runtime, 1, 2);
    }

    /** A training workload measured at the given keys with the given runtimes. */
    private static Workload w(String name, String[] keys, double... runtime) {
        List<Measurement> ms = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            ms.add(m(keys[i], runtime[i]));
        }
        return new Workload(name, ms);
    }

    @Test
    void siblingsDifferInExactlyOneColumn() {
        assertTrue(SiblingVotes.siblings("A/2/0/-/5", "A/2/0/-/2"));
        assertTrue(SiblingVotes.siblings("A/2/0/-/2", "A/2/1/-/2"));
        assertFalse(SiblingVotes.siblings("A/2/0/-/5", "A/2/1/-/2"));
        assertFalse(SiblingVotes.siblings("A/2/0/-/5", "A/2/0/-/5"));
        assertFalse(SiblingVotes.siblings("A/2/0/5", "A/2/0/-/5"));
        assertTrue(SiblingVotes.siblings("128", "256"));
    }

    /**
     * Two training workloads speed up with nodes (runtime 1/n), two do not: from a 4-node
     * measurement of 10 s the 2-node sibling gets two votes of 20 s and two of 10 s, not the median.
     */
    @Test
    void eachTrainingWorkloadVotesFromTheMeasuredSiblingsAlone() {
        String[] keys = {"A/0/2", "A/0/4", "B/1/2"};
        List<Workload> training = List.of(w("lin1", keys, 40, 20, 5), w("lin2", keys, 8, 4, 1),
                w("flat1", keys, 30, 30, 9), w("flat2", keys, 6, 6, 2));
        SiblingVotes sv = SiblingVotes.fit(training, Target.RUNTIME);
        double[] votes = sv.votes(List.of(m("A/0/4", 10), m("B/1/2", 100)), Target.RUNTIME, "A/0/2");
        assertEquals(training.size(), votes.length, "one vote per training workload, in its order");
        assertEquals(Math.log(20), votes[0], 1e-12);
        double[] sorted = votes.clone();
        java.util.Arrays.sort(sorted);
        // B/1/2 is no sibling of A/0/2 (two columns apart) and does not vote
        assertArrayEquals(new double[] {Math.log(10), Math.log(10), Math.log(20), Math.log(20)}, sorted, 1e-12);
        // a query no training workload measured: no votes
        assertNull(sv.votes(List.of(m("A/0/4", 10), m("B/1/2", 100)), Target.RUNTIME, "B/1/4"));
        // two measured siblings (A/0/4 by the node count, A/1/2 by the middle column): each training
        // workload's vote is the mean of the two in log space; lin1 measured A/1/2 at 10 s
        String[] more = {"A/0/2", "A/0/4", "A/1/2"};
        SiblingVotes sv2 = SiblingVotes.fit(List.of(w("lin1", more, 40, 20, 10), w("lin2", more, 8, 4, 2),
                w("flat1", more, 30, 30, 15)), Target.RUNTIME);
        double[] both = sv2.votes(List.of(m("A/0/4", 10), m("A/1/2", 12)), Target.RUNTIME, "A/0/2");
        assertEquals((Math.log(10 * 40.0 / 20) + Math.log(12 * 40.0 / 10)) / 2, both[0], 1e-12);
        // a training workload that measured the query but none of its measured siblings: NaN, not a vote
        SiblingVotes gap = SiblingVotes.fit(List.of(w("lin1", more, 40, 20, 10), w("lin2", more, 8, 4, 2),
                w("flat1", more, 30, 30, 15), w("other", new String[] {"A/0/2", "C/0/4"}, 5, 5)), Target.RUNTIME);
        assertTrue(Double.isNaN(gap.votes(List.of(m("A/0/4", 10)), Target.RUNTIME, "A/0/2")[3]));
        // no sibling measured: no votes
        assertNull(sv.votes(List.of(m("B/1/2", 100)), Target.RUNTIME, "A/0/4"));
        // fewer than MIN_VOTES training workloads measured the pair: no votes
        SiblingVotes few = SiblingVotes.fit(training.subList(0, SiblingVotes.MIN_VOTES - 1), Target.RUNTIME);
        assertNull(few.votes(List.of(m("A/0/4", 10)), Target.RUNTIME, "A/0/2"));
    }
}
