package dev.specgate.verifier;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The random generator of one round, derived from the session's seed and the round number alone: a retry, a
 * re-created session or another replica draws exactly the same numbers, so sampled output is reproducible.
 */
final class RoundRandom {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private RoundRandom() {
    }

    static RandomGenerator of(long seed, long round) {
        // SplittableRandom mixes its seed (MurmurHash3 finaliser), so neighbouring rounds get unrelated streams.
        return new SplittableRandom(seed + round * GOLDEN_GAMMA);
    }
}
