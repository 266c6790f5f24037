package dev.specgate.draft;

/** Deterministic per-round random streams derived from the caller's seed. */
final class Seeds {
    /**
     * Mixed into every draft stream. The verifier draws its acceptance uniforms from the same user seed; if the
     * draft drew its tokens from the same stream, a token and the uniform that decides its acceptance would be
     * correlated, and speculative sampling would no longer be exact.
     */
    private static final long DRAFT_STREAM = 0x6A09E667F3BCC909L;

    private Seeds() {
    }

    /** The seed of the draft's stream for one round: same seed and round, same proposal. */
    static long draftRound(long seed, long round) {
        return mix(mix(seed ^ DRAFT_STREAM) + round * 0x9E3779B97F4A7C15L);
    }

    /** SplitMix64's finaliser: a bijection that spreads nearby inputs across all 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
