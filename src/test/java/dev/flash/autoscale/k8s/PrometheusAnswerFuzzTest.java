package dev.flash.autoscale.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes what the controller reads from Prometheus: an instant-query answer gives its value or an
 * {@link IllegalStateException} that says what was wrong (the controller then logs it and decides
 * on CPU alone for that workload), never another exception; and any three query values give
 * signals in range or that exception. Before this test a malformed answer escaped as a
 * NullPointerException or a Gson type error with no message, and an idle workload (Prometheus
 * answers NaN for its quantile and its SLO share) lost its signals.
 */
@AddLifecycleHook(FuzzReport.class)
class PrometheusAnswerFuzzTest {
    private static final String ANSWER = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
            + "[{\"metric\":{\"app\":\"cart\"},\"value\":[1733530000.123,\"123.5\"]}]}}";

    @Provide
    Arbitrary<String> answers() {
        return Mutations.of(ANSWER);
    }

    @Property
    void answerGivesAValueOrSaysWhatIsWrong(@ForAll("answers") String body) {
        try {
            PrometheusSignals.instantValue(body, "q");
            FuzzReport.ok();
        } catch (IllegalStateException named) {
            FuzzReport.named(named);
            assertTrue(named.getMessage() != null && !named.getMessage().isBlank());
        }
    }

    @Provide
    Arbitrary<Double> values() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(-10, 1e6),
                Arbitraries.of(0.0, -0.0, 1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300));
    }

    @Property
    void signalsAreInRangeOrRefused(@ForAll("values") double rate, @ForAll("values") double p95, @ForAll("values") double slo) {
        try {
            ServiceSignals s = PrometheusSignals.signals(rate, p95, slo);
            assertTrue(s.requestRate() >= 0 && Double.isFinite(s.requestRate()));
            assertTrue(s.sloPreservation() >= 0 && s.sloPreservation() <= 1);
            assertTrue(s.latencyP95Seconds() >= 0 && Double.isFinite(s.latencyP95Seconds()));
            FuzzReport.ok();
        } catch (IllegalStateException named) {
            FuzzReport.named(named);
        }
    }

    @Example
    void anIdleWorkloadIsNothingAskedNothingMissed() {
        ServiceSignals s = PrometheusSignals.signals(
                PrometheusSignals.instantValue(ANSWER.replace("123.5", "0"), "rate"),
                PrometheusSignals.instantValue(ANSWER.replace("123.5", "NaN"), "p95"),
                PrometheusSignals.instantValue(ANSWER.replace("123.5", "NaN"), "slo"));
        assertEquals(new ServiceSignals(0, 1, 0), s);
    }

    @Example
    void aBusyWorkloadWithAnUnknownQuantileIsRefused() {
        double inf = PrometheusSignals.instantValue(ANSWER.replace("123.5", "+Inf"), "p95");
        assertEquals(Double.POSITIVE_INFINITY, inf);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PrometheusSignals.signals(5, inf, 0.9));
        assertTrue(e.getMessage().contains("p95 Infinity"), e.getMessage());
        assertTrue(assertThrows(IllegalStateException.class,
                () -> PrometheusSignals.instantValue("{\"status\":\"error\",\"error\":\"bad query\"}", "q"))
                .getMessage().contains("bad query"));
    }
}
