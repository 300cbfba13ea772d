package dev.flash.dvfs.eval;

import dev.flash.meta.IterationMetrics;
import dev.flash.sim.AppSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code flash reproduce dvfs} on more than one core. DJL's PyTorch engine trains on one thread
 * per process (one gradient collector at a time; PyTorch's grad mode is per thread), so a second
 * core gets a second JVM: it pre-trains transfer learning's baseline while this JVM meta-trains
 * FLASH, and then adapts its share of the held-out applications while this one adapts the rest.
 *
 * <p>The worker runs the same classes from the same class path ({@link #main}). Its task and its
 * result pass as serialized records through files in a private temporary directory, weights as
 * raw float32 ({@link dev.flash.meta.FlashAgentNetwork#writeWeights}); its progress comes back as
 * {@code step ...} lines on its standard output, its standard error goes to a log whose tail
 * names the failure if it exits non-zero. Every figure is the one a single process computes:
 * each agent's training and each application's adaptation seed themselves, and nothing is shared
 * but weights copied bit for bit ({@code ReproductionWorkersTest}).
 */
public final class ReproductionWorkers implements AutoCloseable {

    /** What a worker does. */
    enum Kind { PRETRAIN_BASELINE, ADAPT }

    /**
     * A job a worker JVM runs: serialized into its task file, its result serialized back. The
     * old method's {@link Task} and the yardstick reproduction's jobs
     * ({@link YardstickReproduction}) are both jobs.
     */
    interface Job extends Serializable {
        /** Names the job in errors ("PRETRAIN_BASELINE", "measure 20 apps"). */
        String label();

        /** Runs in the worker JVM; progress lines go to {@code progress}. */
        Serializable run(Reproduction.Listener progress) throws Exception;
    }

    /**
     * One worker's job.
     *
     * @param flashWeights FLASH's weights ({@link Kind#ADAPT} only)
     * @param baseWeights  the pre-trained baseline's weights ({@link Kind#ADAPT} only)
     * @param indices      held-out applications to adapt ({@link Kind#ADAPT} only)
     */
    record Task(Kind kind, List<AppSpec> population, Reproduction.Plan plan, byte[] flashWeights, byte[] baseWeights,
                int[] indices) implements Job {

        @Override
        public String label() {
            return kind.name();
        }

        @Override
        public Serializable run(Reproduction.Listener progress) throws Exception {
            return switch (kind) {
                case PRETRAIN_BASELINE -> Reproduction.pretrainBaseline(population, plan, progress);
                case ADAPT -> Reproduction.adaptShare(this, progress);
            };
        }
    }

    /** What {@link Kind#PRETRAIN_BASELINE} returns. */
    record Pretrained(List<IterationMetrics> curve, byte[] weights) implements Serializable {
    }

    /** What {@link Kind#ADAPT} returns, in the order of the task's indices. */
    record Adapted(List<Reproduction.AppResult> apps, List<HiddenStateReferences.App> references)
            implements Serializable {
    }

    /** Lines of a worker's standard output that carry progress start with this. */
    static final String STEP = "step ";

    private final Path dir;
    private final Reproduction.Listener listener;
    private final List<Worker> running = new ArrayList<>();
    private final Thread killOnExit = new Thread(this::destroyAll, "flash-reproduce-workers");
    private int started;

    /**
     * Workers reporting to {@code listener}, which their threads call while the caller's runs
     * (give a thread-safe one); their files live in a new private temporary directory.
     */
    ReproductionWorkers(Reproduction.Listener listener) throws IOException {
        this.dir = Files.createTempDirectory("flash-reproduce-");
        this.listener = listener;
        Runtime.getRuntime().addShutdownHook(killOnExit); // Ctrl-C must not leave a worker training
    }

    /** Starts a worker JVM on {@code task}. */
    Worker start(Job task) throws IOException {
        int n = ++started;
        Path taskFile = dir.resolve("task-" + n + ".ser");
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(taskFile))) {
            out.writeObject(task);
        }
        Path result = dir.resolve("result-" + n + ".ser");
        Path log = dir.resolve("worker-" + n + ".log");
        ProcessBuilder pb = new ProcessBuilder(command(taskFile, result))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putIfAbsent("TORCH_CPP_LOG_LEVEL", "ERROR");
        Worker w = new Worker(n, task.label(), pb.start(), result, log);
        synchronized (running) {
            running.add(w);
        }
        return w;
    }

    /** A started worker JVM. */
    final class Worker {
        private final int number;
        private final String kind;
        private final Process process;
        private final Path result;
        private final Path log;
        private final Thread pump;

        private Worker(int number, String kind, Process process, Path result, Path log) {
            this.number = number;
            this.kind = kind;
            this.process = process;
            this.result = result;
            this.log = log;
            this.pump = new Thread(this::pumpProgress, "flash-reproduce-worker-" + number);
            pump.setDaemon(true);
            pump.start();
        }

        /** Forwards the worker's {@code step} lines to the listener; anything else goes to its log. */
        private void pumpProgress() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(STEP)) {
                        listener.step(line.substring(STEP.length()));
                    } else {
                        Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                                java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.CREATE);
                    }
                }
            } catch (IOException e) {
                // the worker died; await() reports its exit code and log
            }
        }

        /** Waits for the worker and returns its result; a failed worker is an error quoting its log. */
        <T> T await(Class<T> type) throws IOException, InterruptedException {
            int code = process.waitFor();
            pump.join();
            synchronized (running) {
                running.remove(this);
            }
            if (code != 0 || !Files.exists(result)) {
                throw new IOException("reproduction worker " + number + " (" + kind + ") exited with code " + code
                        + "; the end of its log:\n" + tail(log, 15));
            }
            try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(result))) {
                return type.cast(in.readObject());
            } catch (ClassNotFoundException e) {
                throw new IOException("reproduction worker " + number + " returned an unknown class: " + e.getMessage(),
                        e);
            }
        }
    }

    /** Stops any worker still running and deletes the temporary directory. */
    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is not worth failing a finished run for
        }
    }

    private void destroyAll() {
        synchronized (running) {
            for (Worker w : running) {
                w.process.destroyForcibly();
            }
        }
    }

    /** This JVM's java, memory and property options, class path, and the worker's main class. */
    private static List<String> command(Path taskFile, Path result) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Memory and properties carry over; agents, debuggers and recordings do not (a second
            // JDWP listener on the same port would fail, a second recording overwrite the first).
            boolean memory = arg.startsWith("-Xm") || arg.startsWith("-Xss");
            boolean option = arg.startsWith("-XX:") && !arg.contains("FlightRecord");
            if (arg.startsWith("-D") || memory || option || arg.startsWith("--enable-native-access=")) {
                cmd.add(arg);
            }
        }
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ReproductionWorkers.class.getName());
        cmd.add(taskFile.toString());
        cmd.add(result.toString());
        return cmd;
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return all.isEmpty() ? "(empty)" : String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * The worker JVM: {@code TASK_FILE RESULT_FILE}. Exits 0 with the result written, 1 with a stack
     * trace on standard error, and at once if the JVM that started it goes away.
     */
    public static void main(String[] args) {
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        try {
            Job task;
            try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(Path.of(args[0])))) {
                task = (Job) in.readObject();
            }
            Reproduction.Listener progress = new Reproduction.Listener() {
                @Override
                public void phase(String name, int total) {
                }

                @Override
                public void step(String detail) {
                    out.println(STEP + detail);
                }
            };
            Serializable result = task.run(progress);
            Path file = Path.of(args[1]);
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try (ObjectOutputStream o = new ObjectOutputStream(Files.newOutputStream(partial))) {
                o.writeObject(result);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            out.flush();
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }
}
