package dev.specgate.verifier;

import java.time.Duration;

/**
 * Tuning of one verifier worker.
 *
 * @param maxDraftTokens   most draft tokens one round may carry (k); larger rounds are INVALID_ARGUMENT
 * @param batchTokenBudget most rows (tokens fed) in one batched forward pass; a single round bigger than this
 *                         still runs, alone, so a long prompt is never refused for its size
 * @param maxBatchWait     how long the scheduler waits, after work arrives, for more rounds to share the pass:
 *                         trades a little latency for much better throughput under load
 * @param sessionTtl       idle sessions older than this are dropped (their clients get NOT_FOUND and resend)
 * @param kvMemoryBytes    cap on the KV-cache bytes of all sessions together
 * @param maxQueuedRounds  rounds and generations waiting for a batch; beyond it callers get RESOURCE_EXHAUSTED
 */
public record VerifierConfig(int maxDraftTokens, int batchTokenBudget, Duration maxBatchWait, Duration sessionTtl,
                             long kvMemoryBytes, int maxQueuedRounds) {

    public static final int DEFAULT_MAX_DRAFT_TOKENS = 16;
    public static final int DEFAULT_BATCH_TOKEN_BUDGET = 256;
    public static final Duration DEFAULT_MAX_BATCH_WAIT = Duration.ofMillis(2);
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(10);
    public static final long DEFAULT_KV_MEMORY_BYTES = 1L << 30;
    public static final int DEFAULT_MAX_QUEUED_ROUNDS = 4096;

    public VerifierConfig {
        require(maxDraftTokens >= 1 && maxDraftTokens <= 256, "maxDraftTokens must be in 1..256", maxDraftTokens);
        require(batchTokenBudget >= 1, "batchTokenBudget must be >= 1", batchTokenBudget);
        require(maxBatchWait != null && !maxBatchWait.isNegative(), "maxBatchWait must be >= 0", maxBatchWait);
        require(sessionTtl != null && sessionTtl.isPositive(), "sessionTtl must be positive", sessionTtl);
        require(kvMemoryBytes > 0, "kvMemoryBytes must be positive", kvMemoryBytes);
        require(maxQueuedRounds >= 1, "maxQueuedRounds must be >= 1", maxQueuedRounds);
    }

    public static VerifierConfig defaults() {
        return new VerifierConfig(DEFAULT_MAX_DRAFT_TOKENS, DEFAULT_BATCH_TOKEN_BUDGET, DEFAULT_MAX_BATCH_WAIT,
                DEFAULT_SESSION_TTL, DEFAULT_KV_MEMORY_BYTES, DEFAULT_MAX_QUEUED_ROUNDS);
    }

    public VerifierConfig withMaxDraftTokens(int value) {
        return new VerifierConfig(value, batchTokenBudget, maxBatchWait, sessionTtl, kvMemoryBytes, maxQueuedRounds);
    }

    public VerifierConfig withBatchTokenBudget(int value) {
        return new VerifierConfig(maxDraftTokens, value, maxBatchWait, sessionTtl, kvMemoryBytes, maxQueuedRounds);
    }

    public VerifierConfig withMaxBatchWait(Duration value) {
        return new VerifierConfig(maxDraftTokens, batchTokenBudget, value, sessionTtl, kvMemoryBytes, maxQueuedRounds);
    }

    public VerifierConfig withSessionTtl(Duration value) {
        return new VerifierConfig(maxDraftTokens, batchTokenBudget, maxBatchWait, value, kvMemoryBytes, maxQueuedRounds);
    }

    public VerifierConfig withKvMemoryBytes(long value) {
        return new VerifierConfig(maxDraftTokens, batchTokenBudget, maxBatchWait, sessionTtl, value, maxQueuedRounds);
    }

    public VerifierConfig withMaxQueuedRounds(int value) {
        return new VerifierConfig(maxDraftTokens, batchTokenBudget, maxBatchWait, sessionTtl, kvMemoryBytes, value);
    }

    private static void require(boolean ok, String message, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(message + ", got " + value);
        }
    }
}
