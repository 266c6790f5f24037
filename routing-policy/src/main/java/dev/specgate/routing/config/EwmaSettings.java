package dev.specgate.routing.config;

/**
 * Memory of the exponentially weighted averages, as half-lives in rounds: an observation {@code h} rounds old
 * weighs half as much as the newest one.
 *
 * @param acceptanceHalfLifeRounds per-tenant and per-session acceptance estimates
 * @param timingHalfLifeRounds     draft step, verification and round-trip timings (these move faster)
 */
public record EwmaSettings(double acceptanceHalfLifeRounds, double timingHalfLifeRounds) {

    public static EwmaSettings defaults() {
        return new EwmaSettings(64, 16);
    }
}
