package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the companions' one-shot answers load (issue 21: {@code config-search recommend} answers
 * soon after the JVM starts): each runs in a JVM of its own with this test's class path, which
 * has the training stack (DJL) and the Kubernetes client (fabric8) on it, and logs every class it
 * loads. Neither may be loaded, nor the daemon, the simulators or the other commands: the short
 * command tree ({@link FlashMain#commandLine(String[])}) reflects on the one command only.
 * And the command tree loads without fabric8 on the class path at all (flash.jar leaves it in
 * k8s-lib/), where {@code autoscale controller} says what is missing.
 */
class RecommendStartupTest {

    @TempDir
    Path dir;

    /** Packages and classes a one-shot recommend must not load. */
    static final List<String> HEAVY = List.of(
            "io.fabric8.", "com.fasterxml.jackson.", "okhttp3.", "ai.djl.", "org.tribuo.", "com.google.protobuf.",
            "dev.flash.daemon.FlashDaemon", "dev.flash.sim.", "dev.flash.dvfs.", "dev.flash.meta.PpoTrainer",
            "dev.flash.cli.DaemonCommand", "dev.flash.cli.TrainCommand", "dev.flash.cli.EvaluateCommand",
            "dev.flash.cli.StatusCommand", "dev.flash.cli.AutoscaleControllerCommand", "io.prometheus.");

    private record Proc(int code, String out, String err, List<String> loaded) {
    }

    private Proc flash(String classPath, String stdin, String... args) throws IOException, InterruptedException {
        return flashWith(classPath, List.of(), stdin, args);
    }

    private Proc flashWith(String classPath, List<String> jvm, String stdin, String... args)
            throws IOException, InterruptedException {
        Path log = dir.resolve("classes-" + System.nanoTime() + ".txt");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-Xmx256m",
                "-Dflash.native.cache=" + dir.resolve("native-cache")));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", classPath, FlashMain.class.getName()));
        cmd.addAll(Arrays.asList(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin != null) {
            Path in = dir.resolve("in.txt");
            Files.writeString(in, stdin);
            pb.redirectInput(in.toFile());
        }
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("flash " + String.join(" ", args) + " did not end");
        }
        List<String> loaded = new ArrayList<>();
        Matcher m = Pattern.compile("\\[class,load\\s*\\] (\\S+) ").matcher(Files.readString(log));
        while (m.find()) {
            loaded.add(m.group(1));
        }
        return new Proc(p.exitValue(), Files.readString(out), Files.readString(err), loaded);
    }

    private static List<String> heavy(List<String> loaded) {
        return loaded.stream().filter(c -> HEAVY.stream().anyMatch(c::startsWith)).collect(Collectors.toList());
    }

    private Path samples() throws IOException {
        List<String> all = Files.readAllLines(ConfigSearchCommandTest.fixture("multicloud-fixture.csv"));
        Path f = dir.resolve("samples.csv");
        Files.write(f, List.of(all.get(0), all.get(1), all.get(2)), StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void configSearchRecommendLoadsNeitherTheTrainingStackNorKubernetesNorTheOtherCommands() throws Exception {
        Proc p = flash(System.getProperty("java.class.path"), null, "config-search", "recommend",
                "--model", "models/configsearch-multicloud.onnx", "--samples", samples().toString(), "--json");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("\"recommended\""), p.out());
        // one answer: the built-in evaluator, and ONNX Runtime's native side is never started
        assertTrue(p.out().contains("\"engine\": \"builtin\""), p.out());
        assertTrue(p.loaded().contains("dev.flash.onnx.lite.Evaluator"), "the class log is read");
        assertEquals(List.of(), p.loaded().stream().filter(c -> c.equals("ai.onnxruntime.OnnxRuntime")
                || c.equals("ai.onnxruntime.OrtSession")).toList());
        assertEquals(List.of(), heavy(p.loaded()));
        // a plain command line answers without setting picocli up (ConfigSearchCommand.Recommend#plain):
        // only picocli.CommandLine itself is loaded (not initialised), because the java launcher
        // looks at the signatures of FlashMain's methods
        assertEquals(List.of(), p.loaded().stream().filter(c -> c.startsWith("picocli.")
                && !c.equals("picocli.CommandLine")).toList());
    }

    /**
     * The text answer (the default) prints its numbers with {@link NumberText}: java.util.Formatter
     * (its set-up, and about 290 JDK classes the AppCDS archive would otherwise hold for every
     * answer) is not loaded.
     */
    @Test
    void theTextAnswerLoadsNoFormatter() throws Exception {
        Proc p = flash(System.getProperty("java.class.path"), null, "config-search", "recommend",
                "--model", "models/configsearch-multicloud.onnx", "--samples", samples().toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("measure next: "), p.out());
        assertTrue(p.loaded().contains("dev.flash.cli.NumberText"), "the class log is read");
        assertEquals(List.of(), p.loaded().stream().filter(c -> c.startsWith("java.util.Formatter")).toList());
    }

    /**
     * With ONNX Runtime (what the daemon uses through the same OnnxModel) none of the built-in
     * evaluator's classes is loaded: the daemon's start-up is what it was.
     */
    @Test
    void theOnnxRuntimeEngineLoadsNothingOfTheBuiltinOne() throws Exception {
        Proc p = flash(System.getProperty("java.class.path"), null, "config-search", "recommend",
                "--model", "models/configsearch-multicloud.onnx", "--samples", samples().toString(), "--json",
                "--engine", "ort");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("\"engine\": \"onnxruntime\""), p.out());
        assertTrue(p.loaded().contains("ai.onnxruntime.OrtSession"), "the class log is read");
        // only the exception the command catches (the verifier loads the types of catch clauses)
        assertEquals(List.of(), p.loaded().stream().filter(c -> c.startsWith("dev.flash.onnx.lite.")
                && !c.equals("dev.flash.onnx.lite.UnsupportedModelException")
                || c.equals("dev.flash.policy.onnx.Sha256")).toList());
        assertEquals(List.of(), heavy(p.loaded()));
    }

    @Test
    void autoscaleRecommendLoadsNeitherTheTrainingStackNorKubernetes() throws Exception {
        String line = "{\"workload\":\"shop/cart\",\"replicas\":4,\"cpu_limit\":1,\"cpu_usage_cores\":0.9,"
                + "\"request_rate\":120,\"slo_seconds\":0.3,\"slo_preservation\":0.93,"
                + "\"latency_p95_seconds\":0.35,\"max_replicas\":20}\n";
        Proc p = flash(System.getProperty("java.class.path"), line, "autoscale", "recommend",
                "--model", "models/autoscale-flash.onnx");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("\"workload\":\"shop/cart\""), p.out());
        assertEquals(List.of(), heavy(p.loaded()));
    }

    @Test
    void theShortTreeParsesAndFailsAsTheWholeTreeDoes() {
        for (String[] args : List.of(
                new String[] {"config-search", "recommend", "--help"},
                new String[] {"config-search", "recommend", "--samples", "x.csv"},
                new String[] {"config-search", "recommend", "--model", "m.onnx", "--samples", "x.csv", "--top"},
                new String[] {"autoscale", "recommend", "--help"},
                new String[] {"autoscale", "recommend", "--no-such-option"})) {
            var whole = new java.io.StringWriter();
            var wholeErr = new java.io.StringWriter();
            var cl = FlashMain.commandLine();
            cl.setOut(new java.io.PrintWriter(whole));
            cl.setErr(new java.io.PrintWriter(wholeErr));
            int wholeCode = cl.execute(args);
            var shortOut = new java.io.StringWriter();
            var shortErr = new java.io.StringWriter();
            var sl = FlashMain.commandLine(args);
            assertFalse(sl.getSubcommands().containsKey("daemon"), "a short tree for " + String.join(" ", args));
            sl.setOut(new java.io.PrintWriter(shortOut));
            sl.setErr(new java.io.PrintWriter(shortErr));
            int shortCode = sl.execute(args);
            String what = String.join(" ", args);
            assertEquals(wholeCode, shortCode, what);
            assertEquals(whole.toString(), shortOut.toString(), what);
            assertEquals(wholeErr.toString(), shortErr.toString(), what);
        }
        assertTrue(FlashMain.commandLine(new String[] {"config-search"}).getSubcommands().containsKey("daemon"));
    }

    @Test
    void theCommandTreeLoadsWithoutKubernetesAndTheControllerLoadsItFromK8sLib() throws Exception {
        List<String> k8s = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            (e.matches(".*/(io/fabric8|com/fasterxml/jackson|com/squareup|org/yaml|org/snakeyaml)/.*") ? k8s : rest).add(e);
        }
        String withoutK8s = String.join(File.pathSeparator, rest);
        Proc help = flash(withoutK8s, null, "autoscale", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("controller"), help.out());

        Path empty = Files.createDirectories(dir.resolve("no-k8s-lib"));
        Proc missing = flashWith(withoutK8s, List.of("-Dflash.k8s.lib=" + empty), null, "autoscale", "controller",
                "--model", "models/autoscale-flash.onnx", "--once");
        assertEquals(ExitCodes.FAILURE, missing.code(), missing.err());
        assertTrue(missing.err().contains("Kubernetes client (fabric8) is neither on the class path nor in " + empty),
                missing.err());
        assertTrue(missing.loaded().stream().noneMatch(c -> c.startsWith("io.fabric8.")));

        // k8s-lib/ as mvn package lays it out (the test class path's fabric8 jars, the mock server's left out)
        Path lib = Files.createDirectories(dir.resolve("k8s-lib"));
        for (String jar : k8s) {
            Path j = Path.of(jar);
            if (!j.getFileName().toString().startsWith("kubernetes-server-mock") && !j.getFileName().toString().startsWith("mockwebserver")) {
                Files.copy(j, lib.resolve(j.getFileName()));
            }
        }
        Proc run = flashWith(withoutK8s, List.of("-Dflash.k8s.lib=" + lib), null, "autoscale", "controller",
                "--model", "models/autoscale-flash.onnx", "--once", "--master", "http://127.0.0.1:1",
                "--request-timeout", "2000");
        assertEquals(ExitCodes.FAILURE, run.code(), run.err());
        assertTrue(run.err().contains("flash autoscale controller: API server:"), run.err());
        assertTrue(run.loaded().contains("io.fabric8.kubernetes.client.KubernetesClientBuilder"));
        assertTrue(run.loaded().contains("dev.flash.autoscale.k8s.AutoscaleController"));
    }
}
