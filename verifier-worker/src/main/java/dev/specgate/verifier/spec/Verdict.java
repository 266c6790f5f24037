package dev.specgate.verifier.spec;

import java.util.Arrays;

/**
 * Outcome of verifying one speculative round.
 *
 * <p>The verifier commits the first {@code acceptedCount} draft tokens and then {@code nextToken}: the correction
 * sampled at the first rejected position, or the bonus token when every draft token was accepted. So each round emits
 * {@code acceptedCount + 1} tokens, and the per-position accept flags are implied: positions before
 * {@code acceptedCount} were accepted, the one at {@code acceptedCount} (if it exists) was rejected, later ones were
 * never examined.
 *
 * @param acceptedCount how many draft tokens, from the front, were accepted (0..draftLength)
 * @param nextToken     the token emitted after them
 * @param draftLength   how many tokens the draft proposed (k)
 */
public record Verdict(int acceptedCount, int nextToken, int draftLength) {

    public Verdict {
        if (draftLength < 0 || acceptedCount < 0 || acceptedCount > draftLength) {
            throw new IllegalArgumentException("accepted " + acceptedCount + " of " + draftLength + " draft tokens");
        }
        if (nextToken < 0) {
            throw new IllegalArgumentException("token id must be non-negative: " + nextToken);
        }
    }

    /** True when every draft token was accepted, so {@link #nextToken} is the bonus token sampled from p_{k+1}. */
    public boolean bonus() {
        return acceptedCount == draftLength;
    }

    /** Tokens this round commits: {@code acceptedCount + 1}. */
    public int emittedCount() {
        return acceptedCount + 1;
    }

    /** The committed tokens: the accepted draft prefix followed by {@link #nextToken}. */
    public int[] emittedTokens(int[] draftTokens) {
        if (draftTokens.length != draftLength) {
            throw new IllegalArgumentException("verdict is for " + draftLength + " draft tokens, got " + draftTokens.length);
        }
        int[] emitted = Arrays.copyOf(draftTokens, acceptedCount + 1);
        emitted[acceptedCount] = nextToken;
        return emitted;
    }
}
