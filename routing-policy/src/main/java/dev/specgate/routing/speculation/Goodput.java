package dev.specgate.routing.speculation;

/**
 * The speculation cost model, as plain functions.
 *
 * <p>A round drafts k tokens one after another (k · t_draft_step), then one verification checks them
 * (t_verify(k)) across the network (rtt). The verifier accepts a prefix and always adds one token of its own
 * (the correction or the bonus token), so a round commits 1 + (accepted prefix) tokens:
 * E[tokens | k] = 1 + Σ_{i=1..k} Π_{j≤i} α_j. With k = 0 there is no draft and every round is one
 * verifier-only token costing t_verify(0) + rtt, which the same formulas give.
 */
public final class Goodput {

    private Goodput() {
    }

    /** E[committed tokens per round | k] for per-position acceptance α_1..α_k (array may be longer). */
    public static double expectedTokens(double[] alpha, int k) {
        double expected = 1;
        double allAcceptedSoFar = 1;
        for (int i = 0; i < k; i++) {
            allAcceptedSoFar *= alpha[i];
            expected += allAcceptedSoFar;
        }
        return expected;
    }

    /** Wall time of one round, µs. */
    public static double roundMicros(int k, double draftStepMicros, double verifyMicros, double rttMicros) {
        return k * draftStepMicros + verifyMicros + rttMicros;
    }

    /** Committed tokens per second. */
    public static double tokensPerSecond(double expectedTokens, double roundMicros) {
        return roundMicros > 0 ? expectedTokens * 1e6 / roundMicros : Double.POSITIVE_INFINITY;
    }
}
