package dev.specgate.gateway.decode;

import dev.specgate.proto.v1.SamplingParams;

/**
 * One generation.
 *
 * @param promptIds the prompt as token ids (non-empty)
 * @param maxTokens most tokens to generate (>= 1); generation also ends at end-of-sequence or the context end
 * @param sampling  how tokens are chosen (temperature 0 = greedy); its seed makes the run reproducible
 * @param k         draft tokens per round (>= 1); capped by both workers' {@code max_draft_tokens}
 */
public record DecodeRequest(int[] promptIds, int maxTokens, SamplingParams sampling, int k) {
    public DecodeRequest {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: nothing to continue");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        promptIds = promptIds.clone();
    }
}
