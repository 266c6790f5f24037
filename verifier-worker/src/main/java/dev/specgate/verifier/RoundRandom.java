package dev.specgate.verifier;

import dev.specgate.engine.sampling.RoundSeeds;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The random generator of one round, derived from the session's seed and the round number alone: a retry, a
 * re-created session or another replica draws exactly the same numbers, so sampled output is reproducible.
 */
final class RoundRandom {
    private RoundRandom() {
    }

    static RandomGenerator of(long seed, long round) {
        return new SplittableRandom(RoundSeeds.verifier(seed, round));
    }
}
