package dev.specgate.gateway.decode;

import dev.specgate.proto.v1.SamplingParams;

/**
 * One generation.
 *
 * @param promptIds   the prompt as token ids (non-empty)
 * @param maxTokens   most tokens to generate (>= 1); generation also ends at end-of-sequence or the context end
 * @param sampling    how tokens are chosen (temperature 0 = greedy); its seed makes the run reproducible
 * @param k           the most draft tokens of any round (>= 1); capped by both workers' {@code max_draft_tokens}
 * @param speculation chooses each round's k within 0..k ({@link SpeculationLength#fixed} for a constant k)
 * @param sessionId   the session id both workers see; null picks a fresh one. Passing the id of a draft session
 *                    that already read the prompt (a routing prompt pass) spares the draft reading it again.
 * @param draftSampling how the draft samples its proposals; null = {@code sampling}. Any choice keeps the output
 *                      the verifier's (greedy verification ignores q; sampling verification receives the
 *                      draft's real probabilities), only acceptance changes
 */
public record DecodeRequest(int[] promptIds, int maxTokens, SamplingParams sampling, int k,
                            SpeculationLength speculation, String sessionId, SamplingParams draftSampling) {
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
        if (speculation == null) {
            throw new IllegalArgumentException("speculation must not be null");
        }
        promptIds = promptIds.clone();
        if (draftSampling == null) {
            draftSampling = sampling;
        }
    }

    /** The draft samples as the verifier does. */
    public DecodeRequest(int[] promptIds, int maxTokens, SamplingParams sampling, int k,
                         SpeculationLength speculation, String sessionId) {
        this(promptIds, maxTokens, sampling, k, speculation, sessionId, null);
    }

    /** The same k every round, a fresh session. */
    public DecodeRequest(int[] promptIds, int maxTokens, SamplingParams sampling, int k) {
        this(promptIds, maxTokens, sampling, k, SpeculationLength.fixed(k), null);
    }
}
