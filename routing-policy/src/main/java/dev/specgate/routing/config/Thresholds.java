package dev.specgate.routing.config;

/**
 * The numbers the routing rules compare signals against. Pairs of enter/release values give hysteresis:
 * a state is entered at one value and left only at a safer one, so a signal hovering at a threshold does
 * not flip routes on every request.
 *
 * @param entropyLocalNats          draft entropy at or below which the draft answers alone
 * @param entropyCloudNats          draft entropy at or above which the verifier answers alone
 * @param acceptanceFloor           token acceptance below which a tenant's speculation counts as not paying
 * @param acceptanceRelease         acceptance at or above which that state is left again (>= floor)
 * @param acceptanceMinRounds       effective rounds of evidence before the acceptance rule may fire
 * @param acceptanceProbeEvery      while acceptance is low, every N-th would-be hybrid request still speculates,
 *                                  so the estimate can recover (0 = never probe)
 * @param maxLocalPromptTokens      longest prompt the draft may answer alone
 * @param longGenerationTokens      largest max_tokens the draft may answer alone
 * @param overloadQueueDepth        verifier queue depth at which it counts as overloaded
 * @param overloadReleaseQueueDepth queue depth at or below which it stops counting as overloaded
 * @param overloadRttMs             round-trip time at which the verifier counts as overloaded
 * @param overloadReleaseRttMs      round-trip time at or below which it stops counting as overloaded
 */
public record Thresholds(
        double entropyLocalNats,
        double entropyCloudNats,
        double acceptanceFloor,
        double acceptanceRelease,
        double acceptanceMinRounds,
        int acceptanceProbeEvery,
        int maxLocalPromptTokens,
        int longGenerationTokens,
        int overloadQueueDepth,
        int overloadReleaseQueueDepth,
        double overloadRttMs,
        double overloadReleaseRttMs) {

    public static Thresholds defaults() {
        return new Thresholds(0.8, 2.5, 0.35, 0.45, 20, 20, 2048, 1024, 64, 32, 500, 250);
    }
}
