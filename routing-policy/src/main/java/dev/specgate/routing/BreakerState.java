package dev.specgate.routing;

/**
 * The gateway's circuit-breaker state for the verifier. Only {@code CLOSED} counts as reachable: while
 * {@code HALF_OPEN} the breaker's own trial calls (health checks) probe the verifier, and user traffic waits
 * until the breaker has closed again rather than being the probe.
 */
public enum BreakerState {
    CLOSED, OPEN, HALF_OPEN;

    public boolean verifierReachable() {
        return this == CLOSED;
    }
}
