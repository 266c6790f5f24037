package dev.specgate.routing.speculation;

import dev.specgate.routing.Reason;

import java.util.function.Supplier;

/**
 * The k for the next round.
 *
 * @param k                      tokens to draft; 0 = no speculation, a verifier-only round
 * @param expectedTokensPerSecond modelled goodput of this k (NaN before anything was measured)
 * @param reason                 {@code LOW_ACCEPTANCE} when speculation is off (or probing while off), else
 *                               {@code DEFAULT}
 * @param probe                  true for a one-token probe round taken while speculation is off
 * @param explainer              writes {@link #explanation()}
 */
public record SpeculationChoice(int k, double expectedTokensPerSecond, Reason reason, boolean probe,
                                Supplier<String> explainer) {

    /**
     * The numbers behind the choice. Written only when asked (every round of every session chooses, and formatting
     * them each time cost more than the choice), from the estimates of that moment: ask right after the choice.
     */
    public String explanation() {
        return explainer.get();
    }
}
