package dev.specgate.draft;

import java.time.Duration;

/**
 * How a draft worker holds sessions and shapes its proposals.
 *
 * @param maxDraftTokens   most tokens one Propose may ask for (advertised as {@code max_draft_tokens})
 * @param maxSessions      sessions kept at once; the least recently used is dropped beyond this
 * @param sessionTtl       a session unused for this long is dropped (the caller then gets NOT_FOUND and resends)
 * @param maxSupport       at most this many token ids in each reported q (keeps messages small for big vocabularies)
 * @param supportMass      q keeps the most likely ids until they hold this much of the sampler's mass
 */
public record DraftConfig(int maxDraftTokens, int maxSessions, Duration sessionTtl, int maxSupport, double supportMass) {

    public static final DraftConfig DEFAULT = new DraftConfig(16, 1024, Duration.ofMinutes(10), 256, 1 - 1e-4);

    public DraftConfig {
        if (maxDraftTokens < 1 || maxSessions < 1 || maxSupport < 1) {
            throw new IllegalArgumentException("maxDraftTokens, maxSessions and maxSupport must be positive");
        }
        if (!(supportMass > 0 && supportMass <= 1)) {
            throw new IllegalArgumentException("supportMass must be in (0, 1]: " + supportMass);
        }
        if (sessionTtl.isNegative() || sessionTtl.isZero()) {
            throw new IllegalArgumentException("sessionTtl must be positive");
        }
    }

    public DraftConfig withMaxSessions(int sessions) {
        return new DraftConfig(maxDraftTokens, sessions, sessionTtl, maxSupport, supportMass);
    }

    public DraftConfig withSessionTtl(Duration ttl) {
        return new DraftConfig(maxDraftTokens, maxSessions, ttl, maxSupport, supportMass);
    }
}
