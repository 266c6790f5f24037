package dev.specgate.verifier;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VerifierConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        VerifierConfig c = VerifierConfig.defaults();
        assertEquals(16, c.maxDraftTokens());
        assertEquals(256, c.batchTokenBudget());
        assertEquals(Duration.ofMillis(2), c.maxBatchWait());
        assertEquals(Duration.ofMinutes(10), c.sessionTtl());
        assertEquals(1L << 30, c.kvMemoryBytes());
    }

    @Test
    void nonsenseIsRefusedWithTheFieldNamed() {
        VerifierConfig c = VerifierConfig.defaults();
        assertThrows(IllegalArgumentException.class, () -> c.withMaxDraftTokens(0));
        assertThrows(IllegalArgumentException.class, () -> c.withBatchTokenBudget(0));
        assertThrows(IllegalArgumentException.class, () -> c.withMaxBatchWait(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> c.withSessionTtl(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> c.withKvMemoryBytes(0));
        var e = assertThrows(IllegalArgumentException.class, () -> c.withMaxQueuedRounds(0));
        assertEquals("maxQueuedRounds must be >= 1, got 0", e.getMessage());
    }
}
