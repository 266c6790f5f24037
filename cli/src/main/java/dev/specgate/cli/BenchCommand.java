package dev.specgate.cli;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.bench.ForwardBenchmark;
import dev.specgate.engine.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.specgate.gateway.bench.GatewayBenchmark;
import dev.specgate.gateway.decode.LocalModels;
import dev.specgate.gateway.decode.SpeculativeBenchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./specgate bench ...}: benchmarks that print their figures (JSON with --json). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Forward.class, BenchCommand.Verifier.class, BenchCommand.Speculative.class,
                BenchCommand.GatewayOverhead.class})
final class BenchCommand implements Runnable {

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a benchmark: forward, verifier, speculative, gateway");
    }

    @Command(name = "forward", mixinStandardHelpOptions = true,
            description = "Decode tokens/s and the time of one forward pass over 1, 2, 4, 8 and 16 tokens.")
    static final class Forward implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "GGUF file, or a file name in $SPECGATE_MODELS")
        String model;

        @Option(names = "--repeats", defaultValue = "21", description = "Timed repeats per measurement")
        int repeats;

        @Option(names = "--json", description = "Print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (Model m = Model.load(ModelFiles.resolve(model))) {
                Map<String, Object> result = ForwardBenchmark.run(m, Math.max(1, repeats));
                if (json) {
                    System.out.println(Json.write(result));
                } else {
                    result.forEach((k, v) -> System.out.println(k + ": " + v));
                }
                return 0;
            }
        }
    }

    @Command(name = "verifier", mixinStandardHelpOptions = true,
            description = "Aggregate verified tokens/s of the in-process verifier with 1, 4, 16 and 32 concurrent sessions.")
    static final class Verifier implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "GGUF file, or a file name in $SPECGATE_MODELS")
        String model;

        @Option(names = "--k", defaultValue = "4", description = "Draft tokens per round (default ${DEFAULT-VALUE})")
        int k;

        @Option(names = "--sessions", split = ",", defaultValue = "1,4,16,32", description = "Concurrency levels")
        int[] sessions;

        @Option(names = "--seconds", defaultValue = "5", description = "Measured seconds per level")
        double seconds;

        @Option(names = "--json", description = "Print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (Model m = Model.load(ModelFiles.resolve(model))) {
                Map<String, Object> result = dev.specgate.verifier.bench.VerifierBenchmark.run(m, sessions, k, seconds);
                if (json) {
                    System.out.println(Json.write(result));
                } else {
                    result.forEach((key, v) -> System.out.println(key + ": " + v));
                }
                return 0;
            }
        }
    }

    @Command(name = "speculative", mixinStandardHelpOptions = true,
            description = "Acceptance per k (1..max-k) and speculative vs verifier-only tokens/s, in-process.")
    static final class Speculative implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "Verifier GGUF file, or a file name in $SPECGATE_MODELS")
        String model;

        @Option(names = "--draft", required = true, description = "Draft GGUF file, or a file name in $SPECGATE_MODELS")
        String draft;

        @Option(names = "--prompts", description = "Prompt file, one per line (default: reference/prompts.txt beside the models)")
        Path prompts;

        @Option(names = "--max-tokens", defaultValue = "48", description = "Tokens per prompt (default ${DEFAULT-VALUE})")
        int maxTokens;

        @Option(names = "--max-k", defaultValue = "8", description = "Largest k (default ${DEFAULT-VALUE})")
        int maxK;

        @Option(names = "--temperature", defaultValue = "0", description = "0 is greedy (default ${DEFAULT-VALUE})")
        float temperature;

        @Option(names = "--repeats", defaultValue = "3", description = "Timed passes over the prompts (default ${DEFAULT-VALUE})")
        int repeats;

        @Option(names = "--json", description = "Print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Path file = prompts != null ? prompts
                    : dev.specgate.engine.ModelFiles.directory().resolve("../reference/prompts.txt");
            List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
            try (LocalModels models = LocalModels.load(model, draft)) {
                Map<String, Object> result = SpeculativeBenchmark.run(models, lines, maxTokens, maxK, temperature,
                        Math.max(1, repeats));
                if (json) {
                    System.out.println(Json.write(result));
                } else {
                    result.forEach((k, v) -> System.out.println(k + ": " + v));
                }
                return 0;
            }
        }
    }

    @Command(name = "gateway", mixinStandardHelpOptions = true,
            description = "Gateway overhead: time to first token and tokens/s through the gateway (HTTP streaming) "
                    + "vs calling the decoder directly, interleaved in one run.")
    static final class GatewayOverhead implements Callable<Integer> {
        @Option(names = "--model", defaultValue = ServeCommand.DEFAULT_VERIFIER,
                description = "Verifier GGUF file, or a file name in $SPECGATE_MODELS (default ${DEFAULT-VALUE})")
        String model;

        @Option(names = "--draft", defaultValue = ServeCommand.DEFAULT_DRAFT,
                description = "Draft GGUF file, or a file name in $SPECGATE_MODELS (default ${DEFAULT-VALUE})")
        String draft;

        @Option(names = "--prompts", description = "Prompt file, one per line (default: reference/prompts.txt beside the models)")
        Path prompts;

        @Option(names = "--max-tokens", defaultValue = "64", description = "Tokens per request (default ${DEFAULT-VALUE})")
        int maxTokens;

        @Option(names = "--modes", split = ",", defaultValue = "speculative,verifier-only",
                description = "Decode modes to compare (default ${DEFAULT-VALUE})")
        List<String> modes;

        @Option(names = "--k", defaultValue = "4", description = "Draft tokens per round (default ${DEFAULT-VALUE})")
        int k;

        @Option(names = "--repeats", defaultValue = "5", description = "Timed passes over the prompts (default ${DEFAULT-VALUE})")
        int repeats;

        @Option(names = "--json", description = "Print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Path file = prompts != null ? prompts : ModelFiles.directory().resolve("../reference/prompts.txt");
            List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
            Map<String, Object> result = GatewayBenchmark.run(model, draft, lines, maxTokens, modes, k,
                    Math.max(1, repeats));
            if (json) {
                System.out.println(Json.write(result));
            } else {
                result.forEach((key, v) -> System.out.println(key + ": " + v));
            }
            return 0;
        }
    }
}
