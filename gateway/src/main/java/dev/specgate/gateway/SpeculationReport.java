package dev.specgate.gateway;

/**
 * How a generation was decoded: returned in {@code usage.specgate}.
 *
 * @param mode            the mode the generation ended in (draft-only after a fallback)
 * @param rounds          speculation rounds the verifier answered
 * @param draftedTokens   draft tokens sent to the verifier
 * @param acceptedTokens  of those, accepted
 * @param fallback        true when the verifier was wanted but (part of) the output came from the draft alone
 */
public record SpeculationReport(DecodeMode mode, long rounds, long draftedTokens, long acceptedTokens,
                                boolean fallback) {

    public static SpeculationReport draftOnly(boolean fallback) {
        return new SpeculationReport(DecodeMode.DRAFT_ONLY, 0, 0, 0, fallback);
    }

    /**
     * Tokens committed per verifier round: accepted drafts plus the verifier's own token, averaged over rounds
     * (the usual "mean acceptance length"; 1.0 means no draft token was ever accepted). 0 without rounds.
     */
    public double meanAcceptanceLength() {
        return rounds == 0 ? 0.0 : (double) (acceptedTokens + rounds) / rounds;
    }

    /** The same counts, ending in {@code mode} with the given fallback flag. */
    public SpeculationReport withMode(DecodeMode newMode, boolean newFallback) {
        return new SpeculationReport(newMode, rounds, draftedTokens, acceptedTokens, newFallback);
    }
}
