package dev.specgate.routing.acceptance;

/**
 * What the tracker knew about one (tenant, route) at one moment.
 *
 * @param tokenAcceptance accepted / drafted tokens, exponentially weighted
 * @param effectiveRounds weighted number of rounds behind it
 */
public record AcceptanceSnapshot(double tokenAcceptance, double effectiveRounds, PositionalAcceptance counts) {

    /** Per-position acceptance α_1..α_positions, shrunk towards {@code prior} with {@code priorWeight} rounds. */
    public double[] positionAcceptance(int positions, double prior, double priorWeight) {
        return counts.alphas(positions, prior, priorWeight, null);
    }
}
