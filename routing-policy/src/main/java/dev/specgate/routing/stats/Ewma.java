package dev.specgate.routing.stats;

/**
 * Exponentially weighted mean kept as a decayed sum and a decayed weight, so the first observations are not
 * biased towards an arbitrary starting value: the mean of one observation is that observation.
 * Not thread-safe.
 */
public final class Ewma {

    private final double decay;
    private double weightedSum;
    private double weight;

    public Ewma(double halfLifeRounds) {
        this.decay = HalfLife.decayPerRound(halfLifeRounds);
    }

    public void add(double value) {
        weightedSum = decay * weightedSum + value;
        weight = decay * weight + 1;
    }

    public boolean hasValue() {
        return weight > 0;
    }

    /** The weighted mean, or {@code fallback} before the first observation. */
    public double meanOr(double fallback) {
        return weight > 0 ? weightedSum / weight : fallback;
    }
}
