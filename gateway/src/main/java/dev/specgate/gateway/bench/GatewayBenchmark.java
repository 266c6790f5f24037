package dev.specgate.gateway.bench;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.tokenizer.TokenDecoder;
import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.gateway.Gateway;
import dev.specgate.gateway.GatewayConfig;
import dev.specgate.gateway.decode.DecodeRequest;
import dev.specgate.gateway.decode.GrpcVerifierChannel;
import dev.specgate.gateway.decode.InProcessDraftChannel;
import dev.specgate.gateway.decode.LocalModels;
import dev.specgate.gateway.decode.SpeculativeDecoder;
import dev.specgate.proto.v1.SamplingParams;
import dev.specgate.routing.config.PolicyCodec;
import dev.specgate.routing.config.PolicyConfig;
import dev.specgate.verifier.VerifierServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gateway overhead: the same greedy generations through the gateway (HTTP streaming from a real client on
 * loopback, the full request path) and by calling the engine directly (tokenizer, decoder, detokenizer: text in
 * and text out on both paths), in one run, over one verifier worker on a loopback gRPC port (as
 * {@code ./specgate serve} runs it) and the same draft model, same prompts, same mode.
 * The two paths alternate request by request (and which goes first alternates too), so drift in machine load
 * falls on both. Reported: median time to first token and tokens per second of each path, and their ratios.
 */
public final class GatewayBenchmark {
    /** What the gateway makes of {@code "temperature": 0, "seed": 1}: the direct path decodes with the same. */
    private static final SamplingParams GREEDY = SamplingParams.newBuilder().setTemperature(0).setTopP(1)
            .setRepetitionPenalty(1).setSeed(StreamingClient.SEED).build();

    private GatewayBenchmark() {
    }

    /** One path's measurements over every timed request, in request order (the paths' lists pair up). */
    private static final class Samples {
        final List<Double> firstTokenMillis = new ArrayList<>();
        final List<Double> tokensPerSecond = new ArrayList<>();
        long tokens;
        long nanos;

        void add(long firstTokenNanos, long totalNanos, int generated) {
            firstTokenMillis.add(firstTokenNanos / 1e6);
            tokensPerSecond.add(generated / (totalNanos / 1e9));
            tokens += generated;
            nanos += totalNanos;
        }

        double medianFirstTokenMillis() {
            return median(firstTokenMillis);
        }

        double meanFirstTokenMillis() {
            return firstTokenMillis.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }

        double tokensPerSecond() {
            return tokens / (nanos / 1e9);
        }
    }

    /** How both paths reach the verifier worker: its loopback address, or a network emulator's in front of it. */
    @FunctionalInterface
    public interface VerifierRoute {
        VerifierRoute LOOPBACK = port -> "127.0.0.1:" + port;

        /** The address one path dials for the verifier worker on loopback {@code port}; asked once per path. */
        String address(int port) throws IOException;
    }

    public static Map<String, Object> run(String verifier, String draft, List<String> prompts, int maxTokens,
                                          List<String> modes, int k, int warmupRequests, int warmups, int repeats,
                                          VerifierRoute route, Duration pause)
            throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (LocalModels models = LocalModels.load(verifier, draft);
             VerifierServer server = VerifierServer.start(models.verifierEngine(), "127.0.0.1", 0);
             GrpcVerifierChannel channel = GrpcVerifierChannel.connect(route.address(server.port()),
                     Duration.ofSeconds(30), Duration.ofMinutes(10));
             Gateway gateway = Gateway.start(config(draft, route.address(server.port()), k));
             StreamingClient client = new StreamingClient("127.0.0.1", gateway.port())) {
            SpeculativeDecoder speculative = SpeculativeDecoder.create(
                    new InProcessDraftChannel(models.draftEngine()), channel);
            SpeculativeDecoder verifierOnly = SpeculativeDecoder.verifierOnly(channel);
            Tokenizer tokenizer = models.verifierModel().tokenizer();
            out.put("model", models.verifierModel().name());
            out.put("draft", models.draftModel().name());
            out.put("prompts", prompts.size());
            out.put("max_tokens", maxTokens);
            out.put("k", k);
            out.put("warmup_requests", warmupRequests);
            out.put("warmup_passes", warmups);
            out.put("repeats", repeats);
            out.put("pause_ms", pause.toMillis());
            out.put("processors", Runtime.getRuntime().availableProcessors());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String mode : modes) {
                SpeculativeDecoder direct = mode.equals("verifier-only") ? verifierOnly : speculative;
                Samples viaGateway = new Samples();
                Samples viaDecoder = new Samples();
                double[] serverTtft = null;
                // Code run once per request (HTTP parsing, routing, the request's set-up) reaches the JIT's optimising
                // tier only after thousands of calls; a few passes leave it interpreted, which measures the JIT, not
                // the gateway. So: many one-token requests on both paths first, then full-length warm-up passes.
                for (int i = 0; i < warmupRequests; i++) {
                    client.complete(gateway.modelName(), prompts.get(i % prompts.size()), 1, mode);
                    direct(direct, tokenizer, prompts.get(i % prompts.size()), 1, k);
                }
                for (int pass = -warmups; pass < repeats; pass++) { // negative passes warm both paths up, untimed
                    if (pass == 0) {
                        serverTtft = ttftSumAndCount(gateway);
                    }
                    for (int i = 0; i < prompts.size(); i++) {
                        boolean gatewayFirst = (pass + i) % 2 == 0;
                        for (int leg = 0; leg < 2; leg++) {
                            // The previous generation's session release reaches the verifier before this request
                            // does: its scheduler waits up to max_batch_wait for rounds of a session still open,
                            // which put 0-2 ms of noise on either path's first token.
                            Thread.sleep(pause);
                            if ((leg == 0) == gatewayFirst) {
                                StreamingClient.Timing t = client.complete(gateway.modelName(), prompts.get(i),
                                        maxTokens, mode);
                                if (pass >= 0) {
                                    viaGateway.add(t.firstTokenNanos(), t.totalNanos(), t.tokens());
                                }
                            } else {
                                long[] timing = direct(direct, tokenizer, prompts.get(i), maxTokens, k);
                                if (pass >= 0) {
                                    viaDecoder.add(timing[0], timing[1], (int) timing[2]);
                                }
                            }
                        }
                    }
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("mode", mode);
                row.put("requests_per_path", viaGateway.firstTokenMillis.size());
                row.put("tokens_gateway", viaGateway.tokens);
                row.put("tokens_direct", viaDecoder.tokens);
                row.put("ttft_ms_gateway", viaGateway.medianFirstTokenMillis());
                row.put("ttft_ms_direct", viaDecoder.medianFirstTokenMillis());
                row.put("ttft_ratio", viaGateway.medianFirstTokenMillis() / viaDecoder.medianFirstTokenMillis());
                double[] after = ttftSumAndCount(gateway);
                row.put("ttft_ms_gateway_server_side_mean", (after[0] - serverTtft[0]) / (after[1] - serverTtft[1]) * 1e3);
                row.put("ttft_ms_gateway_mean", viaGateway.meanFirstTokenMillis());
                row.put("ttft_ms_direct_mean", viaDecoder.meanFirstTokenMillis());
                row.put("tokens_per_second_gateway", viaGateway.tokensPerSecond());
                row.put("tokens_per_second_direct", viaDecoder.tokensPerSecond());
                row.put("tokens_per_second_ratio", viaGateway.tokensPerSecond() / viaDecoder.tokensPerSecond());
                row.put("ttft_overhead_ms_paired_median", pairedMedian(viaGateway.firstTokenMillis,
                        viaDecoder.firstTokenMillis, (a, b) -> a - b));
                row.put("ttft_ratio_paired_median", pairedMedian(viaGateway.firstTokenMillis,
                        viaDecoder.firstTokenMillis, (a, b) -> a / b));
                row.put("tokens_per_second_ratio_paired_median", pairedMedian(viaGateway.tokensPerSecond,
                        viaDecoder.tokensPerSecond, (a, b) -> a / b));
                rows.add(row);
            }
            out.put("results", rows);
        }
        return out;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Median over request pairs (same prompt, same pass) of {@code gateway op direct}. */
    private static double pairedMedian(List<Double> gateway, List<Double> direct,
                                       java.util.function.DoubleBinaryOperator op) {
        List<Double> paired = new ArrayList<>();
        for (int i = 0; i < gateway.size(); i++) {
            paired.add(op.applyAsDouble(gateway.get(i), direct.get(i)));
        }
        return median(paired);
    }

    /** The gateway's own time-to-first-token histogram (arrival to first token): sum in seconds, count. */
    private static double[] ttftSumAndCount(Gateway gateway) {
        double sum = 0;
        double count = 0;
        for (String line : new String(gateway.metrics().scrape()).split("\n")) {
            if (line.startsWith("specgate_time_to_first_token_seconds_sum ")) {
                sum = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            } else if (line.startsWith("specgate_time_to_first_token_seconds_count ")) {
                count = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        return new double[] {sum, count};
    }

    /**
     * One direct generation as an application embedding the engine would run it, text in and text out like the
     * gateway's client: tokenize the prompt, decode, turn tokens into text as they come. Returns {time to the first
     * non-empty text, total time, tokens}.
     */
    private static long[] direct(SpeculativeDecoder decoder, Tokenizer tokenizer, String prompt, int maxTokens,
                                 int k) {
        long start = System.nanoTime();
        int[] ids = tokenizer.encode(prompt);
        TokenDecoder text = tokenizer.newDecoder();
        long[] first = {-1};
        int generated = decoder.generate(new DecodeRequest(ids, maxTokens, GREEDY, k), tokens -> {
            for (int token : tokens) {
                if (!text.push(token).isEmpty() && first[0] < 0) {
                    first[0] = System.nanoTime() - start;
                }
            }
        }).ids().length;
        long total = System.nanoTime() - start;
        return new long[] {first[0] < 0 ? total : first[0], total, generated}; // as the client counts it

    }

    private static GatewayConfig config(String draft, String verifierAddress, int k) throws IOException {
        GatewayConfig c = new GatewayConfig();
        c.host = "127.0.0.1";
        c.port = 0;
        c.draft = ModelFiles.resolve(draft).toString();
        c.verifier = "grpc://" + verifierAddress;
        c.k = k;
        c.maxInFlight = 16;
        // The direct path drafts k tokens every round: pin the gateway's adaptive k to the same, so both do the
        // same work and only the gateway's own cost differs.
        Path policy = Files.createTempFile("specgate-bench-policy", ".json");
        policy.toFile().deleteOnExit();
        Files.writeString(policy, PolicyCodec.toJson(PolicyConfig.withK(k, k, k)));
        c.policy = policy.toString();
        return c;
    }
}
