package dev.flash.cli;

import dev.flash.autoscale.ServicePopulation;
import dev.flash.autoscale.ServiceSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash sim services}: sample a population of simulated services for case II (autoscaling). */
@Command(name = "services",
        mixinStandardHelpOptions = true,
        description = {
            "Samples a population of simulated services for case II (autoscaling).",
            "",
            "Each service has a CPU demand per request and its variability, a parallel efficiency,",
            "memory, a replica start-up time, a latency SLO, a largest replica count, and a daily",
            "load cycle with bursts and noise. The population is written as JSON",
            "(flash-services/1): the input of `flash train autoscale` and `flash evaluate autoscale`",
            "(--services). The last --test-fraction of the services are held out (split \"test\").",
            "The same --sample, --seed and --test-fraction always give the same file.",
            "See docs/simulated-service.md for the distributions.",
            "",
            "Example:",
            "  flash sim services --sample 200 --seed 7 --out services.json",
            ""},
        footer = {"", ExitCodes.HELP})
public final class SimServicesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--sample", required = true, paramLabel = "N", description = "Number of services, 1 to 1000000.")
    int sample;

    @Option(names = "--seed", required = true, paramLabel = "S", description = "Random seed (an integer).")
    long seed;

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.2",
            description = "Share held out as the \"test\" split, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of standard output.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (sample < 1 || sample > 1_000_000) {
            err.println("flash sim services: --sample must be in [1, 1000000], got " + sample);
            return ExitCodes.USAGE;
        }
        if (!(testFraction >= 0 && testFraction < 1)) {
            err.println("flash sim services: --test-fraction must be in [0, 1), got " + testFraction);
            return ExitCodes.USAGE;
        }
        List<ServiceSpec> services = ServicePopulation.sample(sample, seed, testFraction);
        try {
            if (out == null) {
                Writer w = spec.commandLine().getOut();
                ServicePopulation.write(services, w);
                w.flush();
            } else {
                try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                    ServicePopulation.write(services, w);
                }
                err.printf("wrote %d services (%d held out) to %s%n", services.size(),
                        ServicePopulation.split(services, ServiceSpec.TEST).size(), out);
            }
        } catch (IOException e) {
            err.println("flash sim services: cannot write " + out + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }
}
