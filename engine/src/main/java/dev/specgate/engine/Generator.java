package dev.specgate.engine;

import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.Sampler;
import dev.specgate.engine.sampling.SamplingParams;

import java.util.Arrays;

/** Plain autoregressive generation on one model: the baseline that speculative decoding must reproduce. */
public final class Generator {

    /**
     * @param promptIds      the prompt as token ids
     * @param ids            generated ids (an end-of-sequence token, if produced, is included and ends the run)
     * @param prefillNanos   time to read the prompt
     * @param decodeNanos    time for all generated tokens after the first
     */
    public record Result(int[] promptIds, int[] ids, long prefillNanos, long decodeNanos) {
        /** Generation speed after the prompt (tokens produced by decode steps per second). */
        public double decodeTokensPerSecond() {
            return ids.length <= 1 ? 0 : (ids.length - 1) / (decodeNanos / 1e9);
        }
    }

    private Generator() {
    }

    public static Result generate(Model model, int[] promptIds, int maxTokens, SamplingParams params) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: nothing to continue");
        }
        int eos = model.tokenizer().eos();
        Sampler sampler = new Sampler(params);
        int[] history = Arrays.copyOf(promptIds, promptIds.length + maxTokens);
        try (KVCache cache = model.newCache()) {
            int room = cache.capacity() - promptIds.length;
            int limit = Math.min(maxTokens, room);
            long start = System.nanoTime();
            float[] logits = model.forward(cache, promptIds);
            long prefillEnd = System.nanoTime();
            int produced = 0;
            while (produced < limit) {
                int next = sampler.sample(logits, Arrays.copyOf(history, promptIds.length + produced));
                history[promptIds.length + produced++] = next;
                if (next == eos || produced == limit) {
                    break;
                }
                logits = model.forward(cache, next);
            }
            long end = System.nanoTime();
            return new Result(promptIds, Arrays.copyOfRange(history, promptIds.length, promptIds.length + produced),
                    prefillEnd - start, end - prefillEnd);
        }
    }
}
