package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.autoscale.k8s.WorkloadAnnotations;
import dev.flash.cli.AutoscaleCommandAccess;
import dev.flash.policy.onnx.OnnxModel;
import dev.flash.testing.FuzzDirs;
import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Fuzzes the autoscaling wing's outside input: load traces (both layouts), the services file,
 * the recommend stream's metrics lines (through the command's loop, with the shipped model) and
 * a Deployment's annotations. Each gives its value or an {@link InvalidInputException} naming
 * where; the stream answers every line, a bad one with an error line, and never stops.
 */
@AddLifecycleHook(FuzzReport.class)
class AutoscaleInputsFuzzTest {
    private static final Path DIR = FuzzDirs.fresh("autoscale");
    private static final String CSV_TRACE = "timestamp,count\n0,120\n1,130\n2,0\n3,90\n4,1e3\n5,75.5\n";
    private static final String COUNTS_TRACE = "# counts per minute\n120 130 0\n90 1000\t75.5\n\n7\n";
    static final String METRICS = "{\"workload\":\"shop/cart\",\"replicas\":4,\"cpu_limit\":1,\"cpu_usage_cores\":0.9,"
            + "\"request_rate\":120,\"slo_seconds\":0.3,\"slo_preservation\":0.93,\"latency_p95_seconds\":0.35,"
            + "\"max_replicas\":20,\"min_replicas\":2,\"ready_replicas\":3,\"memory_utilization\":0.4,\"max_step\":2}\n"
            + "{\"workload\":\"shop/pay\",\"agent\":\"autoscale\",\"replicas\":1,\"cpu_limit\":0.5,"
            + "\"cpu_usage_cores\":0.1,\"request_rate\":3,\"slo_seconds\":1,\"slo_preservation\":1,"
            + "\"latency_p95_seconds\":0.05,\"max_replicas\":5,\"min_cpu\":0.25,\"max_cpu\":2}\n";
    static final Map<String, String> ANNOTATIONS = annotations();
    private static OnnxModel model;

    private static Map<String, String> annotations() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(WorkloadAnnotations.ENABLED, "true");
        a.put(WorkloadAnnotations.MIN_REPLICAS, "2");
        a.put(WorkloadAnnotations.MAX_REPLICAS, "12");
        a.put(WorkloadAnnotations.MIN_CPU, "250m");
        a.put(WorkloadAnnotations.MAX_CPU, "2");
        a.put(WorkloadAnnotations.COOLDOWN, "60");
        a.put(WorkloadAnnotations.MAX_STEP, "3");
        a.put(WorkloadAnnotations.SLO, "0.5");
        return a;
    }

    @Provide
    Arbitrary<String> csvTraces() {
        return Mutations.of(CSV_TRACE);
    }

    @Provide
    Arbitrary<String> countTraces() {
        return Mutations.of(COUNTS_TRACE);
    }

    @Provide
    Arbitrary<String> servicesFiles() throws IOException {
        StringWriter w = new StringWriter();
        ServicePopulation.write(ServicePopulation.sample(2, 7, 0.5), w);
        return Mutations.of(w.toString());
    }

    @Provide
    Arbitrary<String> metricLines() {
        return Mutations.of(METRICS);
    }

    /** An annotation and its new value (null: removed); no flatMap. */
    record Edit(String key, String value) {
    }

    @Provide
    Arbitrary<Edit> annotationEdits() {
        List<Arbitrary<Edit>> perKey = new ArrayList<>();
        for (Map.Entry<String, String> e : ANNOTATIONS.entrySet()) {
            perKey.add(Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(9, Mutations.of(e.getValue())),
                    net.jqwik.api.Tuple.of(1, Arbitraries.just((String) null))).map(v -> new Edit(e.getKey(), v)));
        }
        return Arbitraries.oneOf(perKey);
    }

    @Property
    void csvTraceGivesRatesOrInvalidInput(@ForAll("csvTraces") String text) throws IOException {
        trace(text, 1);
    }

    @Property
    void countsTraceGivesRatesOrInvalidInput(@ForAll("countTraces") String text) throws IOException {
        trace(text, 60);
    }

    @Property
    void servicesFileGivesServicesOrInvalidInput(@ForAll("servicesFiles") String text) throws IOException {
        Path file = DIR.resolve("services.json");
        Mutations.write(file, text);
        try {
            List<ServiceSpec> services = ServicePopulation.read(file);
            assertTrue(!services.isEmpty());
            for (ServiceSpec s : services) {
                assertTrue(s.problems().isEmpty(), s.name() + ": " + s.problems());
            }
            FuzzReport.ok();
        } catch (InvalidInputException e) {
            assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
            FuzzReport.named(e);
        }
    }

    @Property
    void recommendStreamAnswersEveryLine(@ForAll("metricLines") String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int bad = AutoscaleCommandAccess.serve(new Recommender(model()), text, out, err, false);
        long lines = new BufferedReader(new StringReader(text)).lines().filter(l -> !l.isBlank()).count();
        List<String> answers = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(lines, answers.size(), "one answer per line");
        int errors = 0;
        for (String a : answers) {
            JsonObject o = JsonParser.parseString(a).getAsJsonObject();
            if (o.has("error")) {
                errors++;
                assertTrue(o.get("line").getAsInt() >= 1, a);
            } else {
                int replicas = o.get("replicas").getAsInt();
                double cpu = o.get("cpu_limit").getAsDouble();
                assertTrue(replicas >= 0 && cpu >= ScalingAction.MIN_CPU_LIMIT && cpu <= ScalingAction.MAX_CPU_LIMIT, a);
            }
        }
        assertEquals(bad, errors);
        FuzzReport.count(bad == 0 ? "ok" : "bad lines");
    }

    @Property
    void annotationsGiveSettingsOrInvalidInput(@ForAll("annotationEdits") Edit first,
            @ForAll("annotationEdits") Edit second) {
        Map<String, String> a = new LinkedHashMap<>(ANNOTATIONS);
        for (Edit e : new Edit[] {first, second}) {
            if (e.value() == null) {
                a.remove(e.key());
            } else {
                a.put(e.key(), e.value());
            }
        }
        try {
            WorkloadAnnotations.Settings s = WorkloadAnnotations.parse(a);
            ScalingAction.Bounds b = s.bounds();
            assertTrue(b.minReplicas() <= b.maxReplicas() && b.minCpu() <= b.maxCpu(), b.toString());
            assertTrue(s.sloSeconds() > 0 && !s.cooldown().isNegative(), s.toString());
            FuzzReport.ok();
        } catch (InvalidInputException e) {
            assertTrue(e.getMessage().startsWith(WorkloadAnnotations.PREFIX), "names the annotation: " + e.getMessage());
            FuzzReport.named(e);
        }
    }

    @AfterContainer
    static void closeModel() {
        if (model != null) {
            model.close();
            model = null;
        }
    }

    private static synchronized OnnxModel model() throws Exception {
        if (model == null) {
            model = OnnxModel.load(Path.of("models/autoscale-flash.onnx"));
        }
        return model;
    }

    private static void trace(String text, double interval) throws IOException {
        try {
            LoadTrace t = LoadTrace.read(new BufferedReader(new StringReader(text)), "fuzz-trace.csv", interval, 1);
            for (int i = 0; i < t.steps(); i++) {
                assertTrue(t.rate(i) >= 0 && Double.isFinite(t.rate(i)), "step " + i + ": " + t.rate(i));
            }
            FuzzReport.ok();
        } catch (InvalidInputException e) {
            assertTrue(e.getMessage().startsWith("fuzz-trace.csv"), "names the file: " + e.getMessage());
            FuzzReport.named(e);
        }
    }
}
