package dev.specgate.gateway.backend;

import dev.specgate.routing.BreakerState;
import dev.specgate.routing.SystemSignals;
import dev.specgate.routing.stats.Ewma;

/**
 * What the routing policy knows about the verifier besides the breaker: the recent round-trip time of
 * verification rounds as the gateway sees them (network, queueing and compute: what a slow or overloaded
 * verifier makes longer), exponentially averaged, and the queue depth the verifier reported last.
 *
 * <p>Both expire: once nothing was measured for {@code staleAfterMillis}, they read as 0 (nothing known). That
 * matters because a verifier judged overloaded gets no rounds, so without expiry it would stay "overloaded" for
 * good; after expiry requests reach it again and measure afresh. Thread-safe.
 */
final class VerifierHealth {
    /** Half-life of the round-trip average, in rounds (of all sessions together). */
    private static final double HALF_LIFE_ROUNDS = 16;

    private final long staleAfterNanos;
    private Ewma roundTripMicros = new Ewma(HALF_LIFE_ROUNDS);
    private int queueDepth;
    private long lastNanos;
    private boolean measured;

    VerifierHealth(long staleAfterMillis) {
        this.staleAfterNanos = Math.max(1, staleAfterMillis) * 1_000_000L;
    }

    /** One answered round: its wall time at the gateway and the queue depth the verifier reported with it. */
    synchronized void round(long roundTripNanos, int reportedQueueDepth) {
        long now = System.nanoTime();
        if (stale(now)) {
            roundTripMicros = new Ewma(HALF_LIFE_ROUNDS);
        }
        roundTripMicros.add(roundTripNanos / 1000.0);
        queueDepth = Math.max(0, reportedQueueDepth);
        lastNanos = now;
        measured = true;
    }

    /** The signals with the given breaker state. */
    synchronized SystemSignals signals(BreakerState breaker) {
        if (stale(System.nanoTime())) {
            return new SystemSignals(breaker, 0, 0);
        }
        return new SystemSignals(breaker, Math.round(roundTripMicros.meanOr(0)), queueDepth);
    }

    private boolean stale(long now) {
        return !measured || now - lastNanos > staleAfterNanos;
    }
}
