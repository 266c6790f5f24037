package dev.specgate.gateway.backend;

import dev.specgate.routing.BreakerState;
import dev.specgate.routing.SystemSignals;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routing signals of the verifier: averaged round trip, last queue depth, both forgotten when stale. */
class VerifierHealthTest {

    @Test
    void averagesRoundTripsKeepsTheLastQueueDepthAndForgetsBothWhenStale() throws Exception {
        VerifierHealth health = new VerifierHealth(200);
        assertEquals(new SystemSignals(BreakerState.CLOSED, 0, 0), health.signals(BreakerState.CLOSED),
                "nothing measured yet");
        health.round(2_000_000, 5);
        health.round(4_000_000, 7);
        SystemSignals now = health.signals(BreakerState.HALF_OPEN);
        assertEquals(BreakerState.HALF_OPEN, now.breaker());
        assertEquals(7, now.verifierQueueDepth());
        assertTrue(now.rttMicros() > 2_000 && now.rttMicros() < 4_000, "between the two rounds: " + now);

        Thread.sleep(300);
        assertEquals(new SystemSignals(BreakerState.CLOSED, 0, 0), health.signals(BreakerState.CLOSED),
                "stale signals read as unknown");
        health.round(1_000_000, 0);
        assertEquals(1_000, health.signals(BreakerState.CLOSED).rttMicros(), "a fresh start, not the old average");
    }
}
