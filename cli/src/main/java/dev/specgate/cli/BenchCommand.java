package dev.specgate.cli;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.bench.ForwardBenchmark;
import dev.specgate.engine.bench.SyntheticModel;
import dev.specgate.engine.gguf.GGMLType;
import dev.specgate.engine.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.specgate.gateway.bench.GatewayBenchmark;
import dev.specgate.gateway.decode.LocalModels;
import dev.specgate.gateway.decode.SpeculativeBenchmark;
import dev.specgate.load.NetworkEmulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./specgate bench ...}: benchmarks that print their figures (JSON with --json). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Forward.class, BenchCommand.Verifier.class, BenchCommand.Speculative.class,
                BenchCommand.GatewayOverhead.class})
final class BenchCommand implements Runnable {

    /** The prompts of {@code file}, or of reference/prompts.txt beside the models: one per non-blank line. */
    static List<String> prompts(Path file) throws java.io.IOException {
        Path path = file != null ? file : ModelFiles.directory().resolve("../reference/prompts.txt");
        return Files.readAllLines(path).stream().filter(l -> !l.isBlank()).toList();
    }

    /** One JSON object, or one {@code key: value} line per figure. */
    static void print(Map<String, Object> result, boolean json) {
        if (json) {
            System.out.println(Json.write(result));
        } else {
            result.forEach((key, v) -> System.out.println(key + ": " + v));
        }
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a benchmark: forward, verifier, speculative, gateway");
    }

    @Command(name = "forward", mixinStandardHelpOptions = true,
            description = "Decode tokens/s and the time of one forward pass over 1, 2, 4, 8 and 16 tokens, with the "
                    + "read bandwidth measured in the same run and the fraction of the bandwidth bound decoding reaches.")
    static final class Forward implements Callable<Integer> {
        @Option(names = "--model", description = "GGUF file, or a file name in $SPECGATE_MODELS")
        String model;

        @Option(names = "--synthetic-gib", description = "Instead of --model: a Llama-shaped model with random "
                + "weights of about this many GiB (TinyLlama's layer shape), written once to --synthetic-dir; make it "
                + "larger than the L3 cache to measure decoding against memory bandwidth")
        Double syntheticGib;

        @Option(names = "--synthetic-type", defaultValue = "q8_0", description = "q8_0 or f32 (default ${DEFAULT-VALUE})")
        String syntheticType;

        @Option(names = "--synthetic-dir", description = "Where synthetic models are cached (default: the temp dir)")
        Path syntheticDir;

        @Option(names = "--repeats", defaultValue = "21", description = "Timed repeats per measurement")
        int repeats;

        @Option(names = "--json", description = "Print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if ((model == null) == (syntheticGib == null)) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "give either --model or --synthetic-gib");
            }
            Path file;
            if (syntheticGib != null) {
                GGMLType type = GGMLType.valueOf(syntheticType.toUpperCase(java.util.Locale.ROOT));
                Path dir = syntheticDir != null ? syntheticDir
                        : Path.of(System.getProperty("java.io.tmpdir"), "specgate-synthetic");
                System.err.println("synthetic model: writing it to " + dir + " unless it is there already...");
                file = SyntheticModel.ensure(dir, SyntheticModel.layersFor(syntheticGib, type), type);
            } else {
                file = ModelFiles.resolve(model);
            }
            try (Model m = Model.load(file)) {
                Map<String, Object> result = ForwardBenchmark.run(m, Math.max(1, repeats));
                print(result, json);
                return 0;
            }
        }
    }

    @Command(name = "verifier", mixinStandardHelpOptions = true,
            description = "Aggregate verified tokens/s of the in-process verifier with 1, 4, 16 and 32 concurrent "
                    + "sessions: first with rounds back to back (no client time), then, for each --rtt-ms, with each "
                    + "client pausing k draft steps plus the round trip between its rounds.")
    static final class Verifier implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "GGUF file, or a file name in $SPECGATE_MODELS")
        String model;

        @Option(names = "--k", defaultValue = "4", description = "Draft tokens per round (default ${DEFAULT-VALUE})")
        int k;

        @Option(names = "--sessions", split = ",", defaultValue = "1,4,16,32", description = "Concurrency levels")
        int[] sessions;

        @Option(names = "--seconds", defaultValue = "5", description = "Measured seconds per level")
        double seconds;

        @Option(names = "--rtt-ms", split = ",", description = "Round trips to model, one scenario each (e.g. 20)")
        double[] rttMs;

        @Option(names = "--draft", description = "Draft GGUF whose decode step time, measured here, is the client's "
                + "time per drafted token")
        String draft;

        @Option(names = "--draft-ms-per-token", description = "The client's time per drafted token, instead of --draft")
        Double draftMsPerToken;

        @Option(names = "--json", description = "Print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            double draftMs = draftMsPerToken != null ? draftMsPerToken : draft != null ? measureDraftStepMs(draft) : 0;
            Map<String, Object> result = new java.util.LinkedHashMap<>();
            try (Model m = Model.load(ModelFiles.resolve(model))) {
                List<Map<String, Object>> scenarios = new java.util.ArrayList<>();
                Map<String, Object> zero = dev.specgate.verifier.bench.VerifierBenchmark.run(m, sessions, k, seconds, 0);
                zero.put("scenario", "no client time: rounds back to back");
                scenarios.add(zero);
                for (double rtt : rttMs == null ? new double[0] : rttMs) {
                    long clientNanos = (long) ((k * draftMs + rtt) * 1e6);
                    Map<String, Object> s = dev.specgate.verifier.bench.VerifierBenchmark.run(m, sessions, k, seconds,
                            clientNanos);
                    s.put("scenario", "client drafts " + k + " x " + String.format(java.util.Locale.ROOT, "%.3f", draftMs)
                            + " ms, round trip " + rtt + " ms");
                    s.put("draft_ms_per_token", draftMs);
                    s.put("rtt_ms", rtt);
                    scenarios.add(s);
                }
                result.put("model", m.name());
                result.put("k", k);
                result.put("scenarios", scenarios);
            }
            print(result, json);
            return 0;
        }

        /** Milliseconds per decode step of the draft model (greedy, after a warm-up; best of three). */
        private static double measureDraftStepMs(String draft) throws Exception {
            try (Model d = Model.load(ModelFiles.resolve(draft))) {
                int[] prompt = d.tokenizer().encode("And it came to pass, when the king heard these words,");
                dev.specgate.engine.Generator.generate(d, prompt, 64, dev.specgate.engine.sampling.SamplingParams.GREEDY);
                double best = 0;
                for (int i = 0; i < 3; i++) {
                    best = Math.max(best, dev.specgate.engine.Generator.generate(d, prompt, 64,
                            dev.specgate.engine.sampling.SamplingParams.GREEDY).decodeTokensPerSecond());
                }
                return 1000 / best;
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
            List<String> lines = prompts(prompts);
            try (LocalModels models = LocalModels.load(model, draft)) {
                Map<String, Object> result = SpeculativeBenchmark.run(models, lines, maxTokens, maxK, temperature,
                        Math.max(1, repeats));
                print(result, json);
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

        @Option(names = "--rtt-ms", defaultValue = "0",
                description = "Network round trip to the verifier, emulated on loopback for both paths (default ${DEFAULT-VALUE})")
        long rttMs;

        @Option(names = "--warmup-requests", defaultValue = "6000",
                description = "Untimed one-token requests on each path first, so code run once per request is "
                        + "JIT-compiled as in a gateway that has been serving for a while (default ${DEFAULT-VALUE})")
        int warmupRequests;

        @Option(names = "--warmup", defaultValue = "3",
                description = "Then untimed full-length passes over the prompts (default ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--json", description = "Print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<NetworkEmulator> emulators = new ArrayList<>();
            GatewayBenchmark.VerifierRoute route = rttMs <= 0 ? GatewayBenchmark.VerifierRoute.LOOPBACK : port -> {
                NetworkEmulator emulator = NetworkEmulator.start(port).rtt(rttMs);
                emulators.add(emulator);
                return "127.0.0.1:" + emulator.port();
            };
            Map<String, Object> result;
            try {
                result = GatewayBenchmark.run(model, draft, prompts(prompts), maxTokens, modes, k,
                        Math.max(0, warmupRequests), Math.max(1, warmup),
                        Math.max(1, repeats), route, Duration.ofMillis(Math.max(0, rttMs) + 2));
            } finally {
                emulators.forEach(NetworkEmulator::close);
            }
            result.put("rtt_ms", rttMs);
            print(result, json);
            return 0;
        }
    }
}
