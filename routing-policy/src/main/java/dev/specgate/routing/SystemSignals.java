package dev.specgate.routing;

import java.util.Objects;

/**
 * The gateway's current view of the verifier.
 *
 * @param breaker            circuit-breaker state
 * @param rttMicros          recent network round-trip time to the verifier (an average the gateway keeps), µs
 * @param verifierQueueDepth queue depth the verifier last reported
 */
public record SystemSignals(BreakerState breaker, long rttMicros, int verifierQueueDepth) {

    public SystemSignals {
        Objects.requireNonNull(breaker, "breaker");
        if (rttMicros < 0 || verifierQueueDepth < 0) {
            throw new IllegalArgumentException("rtt and queue depth must be >= 0");
        }
    }

    /** A healthy, idle verifier with the given round-trip time. */
    public static SystemSignals healthy(long rttMicros) {
        return new SystemSignals(BreakerState.CLOSED, rttMicros, 0);
    }

    public SystemSignals withBreaker(BreakerState state) {
        return new SystemSignals(state, rttMicros, verifierQueueDepth);
    }

    public SystemSignals withQueueDepth(int depth) {
        return new SystemSignals(breaker, rttMicros, depth);
    }

    public SystemSignals withRttMicros(long micros) {
        return new SystemSignals(breaker, micros, verifierQueueDepth);
    }
}
