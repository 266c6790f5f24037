package dev.specgate.routing.config;

import dev.specgate.routing.KBounds;

/**
 * How speculation starts and how {@code AdaptiveK} learns.
 *
 * @param kMin              smallest k (0 lets AdaptiveK switch speculation off)
 * @param kMax              largest k
 * @param kInitial          k of a session's first round, before anything was measured
 * @param acceptancePrior   per-position acceptance assumed before evidence
 * @param priorWeightRounds how many rounds of evidence the prior is worth
 * @param probeEveryRounds  while AdaptiveK has switched speculation off, every N-th round drafts one token to
 *                          re-measure acceptance (0 = never)
 */
public record SpeculationSettings(int kMin, int kMax, int kInitial, double acceptancePrior,
                                  double priorWeightRounds, int probeEveryRounds) {

    public static SpeculationSettings defaults() {
        return new SpeculationSettings(0, 8, 4, 0.7, 4, 32);
    }

    /** These settings with other k bounds and first k; the learning settings stay. */
    public SpeculationSettings withK(int kMin, int kMax, int kInitial) {
        return new SpeculationSettings(kMin, kMax, kInitial, acceptancePrior, priorWeightRounds, probeEveryRounds);
    }

    public KBounds kBounds() {
        return new KBounds(kMin, kMax);
    }
}
