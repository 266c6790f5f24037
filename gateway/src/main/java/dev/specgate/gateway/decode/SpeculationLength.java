package dev.specgate.gateway.decode;

/**
 * Chooses how many tokens the draft proposes in each round of one generation, and learns from what each round
 * measured. One instance per generation; called from the generation's own thread only.
 *
 * <p>Whatever it chooses, the output is the verifier's: k only changes how many tokens a round may commit. A k of
 * 0 makes the round a verifier-only step (Verify with no draft tokens commits the verifier's own next token).
 */
public interface SpeculationLength {

    /** Tokens to draft in the next round, 0 .. the request's k (values outside are clamped). */
    int next();

    /** The round that just finished. */
    void observe(RoundMeasurement round);

    /** The same k every round, learning nothing. */
    static SpeculationLength fixed(int k) {
        return new SpeculationLength() {
            @Override
            public int next() {
                return k;
            }

            @Override
            public void observe(RoundMeasurement round) {
            }
        };
    }
}
