package dev.specgate.routing.speculation;

import dev.specgate.routing.Reason;

/**
 * The k for the next round.
 *
 * @param k                      tokens to draft; 0 = no speculation, a verifier-only round
 * @param expectedTokensPerSecond modelled goodput of this k (NaN before anything was measured)
 * @param reason                 {@code LOW_ACCEPTANCE} when speculation is off (or probing while off), else
 *                               {@code DEFAULT}
 * @param probe                  true for a one-token probe round taken while speculation is off
 * @param explanation            the numbers behind the choice
 */
public record SpeculationChoice(int k, double expectedTokensPerSecond, Reason reason, boolean probe, String explanation) {
}
