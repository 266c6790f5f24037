package dev.specgate.routing;

import dev.specgate.routing.config.Thresholds;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the verifier counts as overloaded. It becomes overloaded when its queue depth or the round trip
 * reaches the overload threshold, and stops only when both are back at or below the (lower) release
 * thresholds; in between it keeps its previous state, so a queue hovering at the threshold does not flip
 * every other request between local and remote. Shared by all requests; a race between two updates only
 * delays a flip by one request.
 */
final class OverloadHysteresis {

    private final AtomicBoolean overloaded = new AtomicBoolean();

    boolean update(SystemSignals signals, Thresholds t) {
        double rttMs = signals.rttMicros() / 1000.0;
        boolean now = overloaded.get()
                ? !(signals.verifierQueueDepth() <= t.overloadReleaseQueueDepth() && rttMs <= t.overloadReleaseRttMs())
                : signals.verifierQueueDepth() >= t.overloadQueueDepth() || rttMs >= t.overloadRttMs();
        overloaded.set(now);
        return now;
    }

    boolean overloaded() {
        return overloaded.get();
    }
}
