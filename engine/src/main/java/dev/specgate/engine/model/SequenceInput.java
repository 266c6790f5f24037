package dev.specgate.engine.model;

/**
 * One sequence's part of a batched forward pass.
 *
 * @param cache      the sequence's KV cache; the tokens go to positions {@code cache.length() ..}
 * @param tokens     1..T new token ids
 * @param logitRows  for how many of the last new positions to return logits (1..T): 1 for decoding,
 *                   k+1 to verify k draft tokens, T for every position
 */
public record SequenceInput(KVCache cache, int[] tokens, int logitRows) {
    public SequenceInput {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a sequence in a forward pass needs at least one token");
        }
        if (logitRows < 1 || logitRows > tokens.length) {
            throw new IllegalArgumentException("logitRows " + logitRows + " must be in 1.." + tokens.length);
        }
    }

    /** Logits for the last position only (decoding, prompt reading). */
    public static SequenceInput lastLogits(KVCache cache, int... tokens) {
        return new SequenceInput(cache, tokens, 1);
    }

    /** Logits for every new position. */
    public static SequenceInput allLogits(KVCache cache, int... tokens) {
        return new SequenceInput(cache, tokens, tokens.length);
    }
}
