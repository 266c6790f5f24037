package dev.specgate.gateway;

import dev.specgate.routing.Route;
import dev.specgate.routing.Reason;

/**
 * How a generation was routed and decoded: returned in {@code usage.specgate}.
 *
 * @param mode            the mode the generation ended in (draft-only after a fallback)
 * @param route           the routing decision's route
 * @param reason          why that route (a {@link Reason#label()} in the report and in metrics)
 * @param rounds          speculation rounds the verifier answered
 * @param draftedTokens   draft tokens sent to the verifier
 * @param acceptedTokens  of those, accepted
 * @param k               the speculation lengths chosen round by round ({@link KSummary#NONE} off the hybrid route)
 * @param fallback        true when the verifier was wanted but (part of) the output came from the draft alone
 */
public record SpeculationReport(DecodeMode mode, Route route, Reason reason, long rounds, long draftedTokens,
                                long acceptedTokens, KSummary k, boolean fallback) {

    /** A generation the draft produced alone. */
    public static SpeculationReport draftOnly(Route route, Reason reason, boolean fallback) {
        return new SpeculationReport(DecodeMode.DRAFT_ONLY, route, reason, 0, 0, 0, KSummary.NONE, fallback);
    }

    /**
     * Tokens committed per verifier round: accepted drafts plus the verifier's own token, averaged over rounds
     * (the usual "mean acceptance length"; 1.0 means no draft token was ever accepted). 0 without rounds.
     */
    public double meanAcceptanceLength() {
        return rounds == 0 ? 0.0 : (double) (acceptedTokens + rounds) / rounds;
    }
}
