package dev.specgate.verifier;

import dev.specgate.proto.v1.VerifyRequest;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.specgate.verifier.VerifierServiceTest.assertCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions leave by TTL and by LRU eviction when the KV budget is full; clients recover by resending. */
class SessionLifecycleTest {
    /** Bytes of the first KV allocation of a session of the 14M verifier: 64 positions. */
    private static final long FIRST_ALLOCATION = 2L * 8 * 64 * 128 * Float.BYTES;

    @Test
    void idleSessionsExpireAfterTheirTtl() throws Exception {
        try (Harness h = new Harness(VerifierConfig.defaults().withSessionTtl(Duration.ofMillis(300)))) {
            int[] prompt = Harness.PROMPTS[0];
            var r1 = h.stub.verify(Harness.round("ttl", 1, 0, prompt, new int[] {405}).build());
            assertTrue(h.engine.holdsSession("ttl"));
            assertTrue(h.engine.stats().kvBytes() > 0);
            Thread.sleep(800);
            assertFalse(h.engine.holdsSession("ttl"), "expired by the sweep");
            assertEquals(0, h.engine.stats().kvBytes(), "its cache is freed");
            VerifyRequest next = Harness.round("ttl", 2, prompt.length, new int[] {405, r1.getNextToken()},
                    new int[0]).build();
            assertCode(Status.Code.NOT_FOUND, () -> h.stub.verify(next));
        }
    }

    @Test
    void fullMemoryEvictsTheLeastRecentlyUsedIdleSession() throws Exception {
        VerifierConfig config = VerifierConfig.defaults().withKvMemoryBytes(2 * FIRST_ALLOCATION + 1000);
        try (Harness h = new Harness(config)) {
            int[] prompt = Harness.PROMPTS[1];
            h.stub.verify(Harness.round("a", 1, 0, prompt, new int[0]).build());
            h.stub.verify(Harness.round("b", 1, 0, prompt, new int[0]).build());
            h.stub.verify(Harness.round("a", 2, 0, prompt, new int[0]).build()); // a is now the most recent
            h.stub.verify(Harness.round("c", 1, 0, prompt, new int[0]).build());
            assertTrue(h.engine.holdsSession("a"));
            assertFalse(h.engine.holdsSession("b"), "b was the least recently used");
            assertTrue(h.engine.holdsSession("c"));
            assertCode(Status.Code.NOT_FOUND, () -> h.stub.verify(
                    Harness.round("b", 2, prompt.length, new int[] {1}, new int[0]).build()));
            assertTrue(h.engine.stats().kvBytes() <= config.kvMemoryBytes());
        }
    }

    @Test
    void noMemoryEvenAfterEvictionIsResourceExhausted() throws Exception {
        try (Harness h = new Harness(VerifierConfig.defaults().withKvMemoryBytes(FIRST_ALLOCATION / 2))) {
            VerifyRequest round = Harness.round("big", 1, 0, Harness.PROMPTS[0], new int[0]).build();
            assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> h.stub.verify(round));
            assertEquals(0, h.engine.stats().kvBytes());
        }
    }
}
