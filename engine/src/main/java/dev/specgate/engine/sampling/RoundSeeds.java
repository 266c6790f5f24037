package dev.specgate.engine.sampling;

/**
 * Seeds of the per-round random streams of speculative decoding, derived from the request's seed and the round
 * number alone, so a retried round, a re-created session or another replica draws exactly the same numbers.
 *
 * <p>The draft's and the verifier's streams are distinct: if the draft drew a token from the same numbers the
 * verifier uses to accept it, token and acceptance would be correlated and sampling no longer exact. Every seed
 * goes through SplitMix64's finaliser: {@code SplittableRandom} itself steps by the golden gamma, so seeds that
 * differ by it (round r and r+1 without mixing) would give the same stream shifted by one number.
 */
public final class RoundSeeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long DRAFT_STREAM = 0x6A09E667F3BCC909L;
    private static final long VERIFIER_STREAM = 0xBB67AE8584CAA73BL;

    private RoundSeeds() {
    }

    public static long draft(long seed, long round) {
        return mix(mix(seed ^ DRAFT_STREAM) + round * GOLDEN_GAMMA);
    }

    public static long verifier(long seed, long round) {
        return mix(mix(seed ^ VERIFIER_STREAM) + round * GOLDEN_GAMMA);
    }

    /** SplitMix64's finaliser: a bijection that spreads nearby inputs across all 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
