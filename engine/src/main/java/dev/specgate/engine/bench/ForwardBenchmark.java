package dev.specgate.engine.bench;

import dev.specgate.engine.Generator;
import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decode speed and the cost of one batched forward pass over 1..16 tokens, measured side by side with the
 * machine's read bandwidth, so the ratios mean something on a shared, noisy machine.
 */
public final class ForwardBenchmark {
    public static final int[] TOKEN_COUNTS = {1, 2, 4, 8, 16};
    private static final int CONTEXT_BEFORE = 32;

    private ForwardBenchmark() {
    }

    /** Results as an ordered map ready to print as JSON. */
    public static Map<String, Object> run(Model model, int repeats) {
        // A model of hundreds of MB decodes a few tokens per second: fewer tokens and repeats keep the run short.
        boolean large = model.weightBytes() > 256L << 20;
        int[] prompt = promptOf(model, CONTEXT_BEFORE);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model.name());
        out.put("weight_bytes", model.weightBytes());
        out.put("threads", Runtime.getRuntime().availableProcessors());
        long l3 = l3CacheBytes();
        if (l3 > 0) {
            out.put("l3_cache_bytes", l3);
            out.put("weights_larger_than_l3", model.weightBytes() > l3);
        }

        // Decode: greedy generation, best of a few runs after a warm-up.
        int decodeTokens = Math.min(large ? 32 : 128, model.config().contextLength() - prompt.length);
        Generator.generate(model, prompt, decodeTokens, SamplingParams.GREEDY);
        double decode = 0;
        for (int i = 0; i < Math.max(large ? 2 : 1, repeats / 5); i++) {
            decode = Math.max(decode, Generator.generate(model, prompt, decodeTokens, SamplingParams.GREEDY)
                    .decodeTokensPerSecond());
        }
        out.put("decode_tokens", decodeTokens);
        out.put("decode_tokens_per_second", decode);

        // One forward pass over T tokens at position 32, rolled back after each; median of repeats, each count
        // timed in a row (its steady state: decoding is many 1-token passes, verification many (k+1)-token ones).
        // Warm-up first for every count, long enough (at least 2 s on small models) for C2 to have compiled the
        // kernels of every batch shape: 30 passes of 2 ms each were not, and some counts were timed half-compiled.
        int timed = large ? Math.min(repeats, 5) : repeats;
        long[][] nanos = new long[TOKEN_COUNTS.length][timed];
        try (KVCache cache = model.newCache()) {
            model.forward(cache, prompt);
            long warmUntil = System.nanoTime() + (large ? 0 : 2_000_000_000L);
            for (int round = 0; round < (large ? 2 : 30) || System.nanoTime() < warmUntil; round++) {
                for (int t : TOKEN_COUNTS) {
                    pass(model, cache, Arrays.copyOf(prompt, t));
                }
            }
            for (int j = 0; j < TOKEN_COUNTS.length; j++) {
                int[] tokens = Arrays.copyOf(prompt, TOKEN_COUNTS[j]);
                for (int i = 0; i < (large ? 1 : 5); i++) {
                    pass(model, cache, tokens);
                }
                for (int i = 0; i < timed; i++) {
                    nanos[j][i] = pass(model, cache, tokens);
                }
            }
        }
        Map<String, Double> forwardMs = new LinkedHashMap<>();
        for (int j = 0; j < TOKEN_COUNTS.length; j++) {
            Arrays.sort(nanos[j]);
            forwardMs.put(String.valueOf(TOKEN_COUNTS[j]), nanos[j][timed / 2] / 1e6);
        }
        out.put("forward_ms_by_tokens", forwardMs);
        out.put("forward_8_over_1", forwardMs.get("8") / forwardMs.get("1"));

        double bandwidth = ReadBandwidth.measure(1L << 30, 5);
        out.put("read_bandwidth_gb_per_s", bandwidth / 1e9);
        double bound = bandwidth / model.weightBytes();
        out.put("bandwidth_bound_tokens_per_second", bound);
        out.put("fraction_of_bandwidth_bound", decode / bound);
        return out;
    }

    /** One forward pass over {@code tokens} with logits for every row, rolled back; its nanoseconds. */
    private static long pass(Model model, KVCache cache, int[] tokens) {
        int before = cache.length();
        long start = System.nanoTime();
        model.forward(java.util.List.of(dev.specgate.engine.model.SequenceInput.allLogits(cache, tokens)));
        long nanos = System.nanoTime() - start;
        cache.truncate(before);
        return nanos;
    }

    /** The last-level (L3) cache size Linux reports for CPU 0, or 0 when unknown. */
    static long l3CacheBytes() {
        try {
            String size = java.nio.file.Files.readString(java.nio.file.Path.of("/sys/devices/system/cpu/cpu0/cache/index3/size")).trim();
            long unit = size.endsWith("K") ? 1L << 10 : size.endsWith("M") ? 1L << 20 : 1;
            return Long.parseLong(size.replaceAll("[^0-9]", "")) * unit;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** A fixed, ordinary prompt of {@code length} tokens (the vocabulary's own text, repeated). */
    private static int[] promptOf(Model model, int length) {
        int[] ids = model.tokenizer().encode("And it came to pass, when the king heard these words, that he rent his clothes and said unto them,");
        int[] prompt = new int[length];
        for (int i = 0; i < length; i++) {
            prompt[i] = ids[i % ids.length];
        }
        return prompt;
    }
}
