package dev.flash.cli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The training stack (DJL, its PyTorch engine and natives, the ONNX protobuf classes) is not in
 * flash.jar: the daemon never needs it. {@code mvn package} copies it to {@code train-lib/}
 * beside flash.jar. A training command started as {@code java -jar flash.jar train ...} finds
 * DJL missing and re-runs itself, same JVM and options, with {@code train-lib/*} added to the
 * class path.
 */
final class TrainingStack {
    private TrainingStack() {
    }

    /** Set on the re-launched JVM so a still-missing stack fails instead of looping. */
    static final String RELAUNCHED = "flash.train.relaunched";

    /** DJL's engine class is loadable (without initialising it). */
    static boolean available() {
        try {
            Class.forName("ai.djl.engine.Engine", false, TrainingStack.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Where flash.jar (or the classes directory) lives. */
    static Path codeLocation() {
        return dev.flash.CodeLocation.code();
    }

    /** {@code train-lib/} beside flash.jar (target/train-lib for target/flash.jar or target/classes). */
    static Path trainLib() {
        return dev.flash.CodeLocation.beside("train-lib");
    }

    /**
     * Runs the same command again in a JVM that has the training stack on its class path, with
     * stdin/stdout/stderr inherited; returns its exit code. Empty when the jars are not there
     * (the caller prints {@link #missingMessage()}).
     */
    static Optional<Integer> relaunch(List<String> originalArgs) throws IOException, InterruptedException {
        Path lib = trainLib();
        if (Boolean.getBoolean(RELAUNCHED) || !hasDjl(lib)) {
            return Optional.empty();
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-D" + RELAUNCHED)) {
                cmd.add(arg);
            }
        }
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-D" + RELAUNCHED + "=true");
        cmd.add("-cp");
        cmd.add(codeLocation() + File.pathSeparator + lib.resolve("*"));
        cmd.add(FlashMain.class.getName());
        cmd.addAll(originalArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        // libtorch prints a deprecation warning of its own internals (AutoNonVariableTypeMode) on
        // every run; it says nothing a user can act on. Errors still print; a user may override.
        pb.environment().putIfAbsent("TORCH_CPP_LOG_LEVEL", "ERROR");
        Process p = pb.start();
        try {
            return Optional.of(p.waitFor());
        } catch (InterruptedException e) {
            p.destroy();
            throw e;
        }
    }

    /**
     * Runs {@code body} where the training stack is on the class path: here when it is, else in a
     * re-launched JVM ({@link #relaunch}); prints why and returns 1 when it cannot be found.
     */
    static int withStack(String command, List<String> originalArgs, java.util.concurrent.Callable<Integer> body)
            throws Exception {
        return withStack(command, originalArgs, System.err::println, body);
    }

    /** {@link #withStack(String, List, java.util.concurrent.Callable)}, saying why through {@code errLine}. */
    static int withStack(String command, List<String> originalArgs, java.util.function.Consumer<String> errLine,
                         java.util.concurrent.Callable<Integer> body) throws Exception {
        if (available()) {
            return body.call();
        }
        try {
            Optional<Integer> code = relaunch(originalArgs);
            if (code.isPresent()) {
                return code.get();
            }
        } catch (IOException e) {
            errLine.accept(command + ": cannot start the training JVM: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
        errLine.accept(command + ": " + missingMessage());
        return ExitCodes.FAILURE;
    }

    private static boolean hasDjl(Path lib) throws IOException {
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.anyMatch(f -> f.getFileName().toString().matches("api-[0-9].*\\.jar"));
        }
    }

    static String missingMessage() {
        return "the training stack (DJL + PyTorch) is not on the class path and not in " + trainLib()
                + ": build it with `mvn package` (which copies the training jars to target/train-lib/ beside "
                + "target/flash.jar) and run `java -jar target/flash.jar train ...`";
    }
}
