package dev.specgate.gateway.backend;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Verification rounds of one generation, counted as verdicts arrive. Lives on after a verifier failure, so the
 * report of a generation that fell back still says how much speculation happened before.
 */
final class RoundStats {
    /** The generation running on the current decode thread (the decode loop calls the channel from there). */
    static final ThreadLocal<RoundStats> CURRENT = new ThreadLocal<>();

    final AtomicLong rounds = new AtomicLong();
    final AtomicLong drafted = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();

    void round(int draftedTokens, int acceptedTokens) {
        rounds.incrementAndGet();
        drafted.addAndGet(draftedTokens);
        accepted.addAndGet(acceptedTokens);
    }
}
