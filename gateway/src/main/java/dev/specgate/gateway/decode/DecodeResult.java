package dev.specgate.gateway.decode;

/**
 * What one generation produced and how speculation went.
 *
 * @param ids                 generated token ids (an end-of-sequence token, if produced, is the last one)
 * @param finishReason        "eos", "length" (max tokens) or "context" (the context is full)
 * @param rounds              verifier rounds (Verify calls that advanced the sequence; resends not counted)
 * @param draftedTokens       draft tokens sent to the verifier
 * @param acceptedTokens      draft tokens the verifier accepted
 * @param draftedAtPosition   [i]: rounds that had a draft token at position i (0-based)
 * @param acceptedAtPosition  [i]: rounds whose draft token at position i was accepted
 * @param resends             NOT_FOUND answers recovered by resending the full prefix (either side)
 * @param totalNanos          wall time of the whole generation
 * @param firstTokenNanos     wall time until the first token was committed
 * @param draftNanos          time spent waiting for proposals
 * @param verifyNanos         time spent waiting for verdicts
 */
public record DecodeResult(int[] ids, String finishReason, int rounds, long draftedTokens, long acceptedTokens,
                           long[] draftedAtPosition, long[] acceptedAtPosition, int resends,
                           long totalNanos, long firstTokenNanos, long draftNanos, long verifyNanos) {

    /**
     * Mean acceptance length: committed tokens per verifier round (accepted drafts plus the verifier's own token,
     * i.e. 1 + accepted/rounds, except that tokens after an end-of-sequence are not counted). 0 without rounds.
     */
    public double meanAcceptanceLength() {
        return rounds == 0 ? 0 : ids.length / (double) rounds;
    }

    /** Accepted / drafted tokens. */
    public double acceptanceRate() {
        return draftedTokens == 0 ? 0 : acceptedTokens / (double) draftedTokens;
    }

    /** End-to-end generated tokens per second (including the prompt's prefill). */
    public double tokensPerSecond() {
        return totalNanos == 0 ? 0 : ids.length / (totalNanos / 1e9);
    }
}
