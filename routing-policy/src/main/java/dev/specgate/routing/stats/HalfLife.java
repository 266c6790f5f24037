package dev.specgate.routing.stats;

/** Converts a half-life in rounds into the per-round decay factor of an exponentially weighted sum. */
public final class HalfLife {

    private HalfLife() {
    }

    /** The factor {@code d} with {@code d^halfLife = 1/2}: after {@code halfLife} rounds a weight has halved. */
    public static double decayPerRound(double halfLifeRounds) {
        if (!(halfLifeRounds > 0)) {
            throw new IllegalArgumentException("half-life must be > 0, got " + halfLifeRounds);
        }
        return Math.pow(0.5, 1.0 / halfLifeRounds);
    }
}
