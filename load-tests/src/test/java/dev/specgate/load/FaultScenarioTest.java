package dev.specgate.load;

import dev.specgate.engine.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CI smoke run of every fault scenario (a few seconds each): a gateway and a verifier on loopback with the
 * network emulator between them, 4 streaming users; the fault hits at 1.5 s and is lifted at 3.5 s, leaving 5.5 s to recover. Invariants:
 * no failed request, no lost token, some request fell back, and requests were verified again after the heal.
 */
class FaultScenarioTest {
    private static final long ROUND_TIMEOUT_MS = 800; // a loaded 2-core machine can take 400 ms to re-send a prefix after a restart
    private static Testbed bed;
    private static StreamingClient client;

    @BeforeAll
    static void start() throws Exception {
        bed = Testbed.start(TestModels.path("kjv-draft-1m-q8_0.gguf").toString(),
                TestModels.path("kjv-verifier-14m-q8_0.gguf").toString(), c -> {
                    c.resilience.roundTimeoutMs = ROUND_TIMEOUT_MS;
                    c.resilience.openWaitMs = 300;
                    c.resilience.retries = 0;
                });
        bed.putPolicy(AdaptiveKSweep.speculationPolicy(Comparison.FIXED_K, Comparison.FIXED_K, Comparison.FIXED_K));
        client = new StreamingClient(bed.baseUrl(), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void noFailedRequestsAndNoLostTokens(Fault fault) throws Exception {
        LoadGenerator load = new LoadGenerator(client, PromptMix.load(TestModels.reference("prompts.txt")), false);
        Workload workload = Workload.closed(fault.name(), 4, 100_000, Duration.ofSeconds(9), 64,
                "speculative"); // bounded by time: quick draft-only requests during the fault must not end the run
        FaultScenario.Result result = FaultScenario.run(bed, load, workload, fault, Duration.ofMillis(1500),
                Duration.ofMillis(3500), ROUND_TIMEOUT_MS);
        CellSummary s = result.summary();
        System.out.printf("%s: %d requests, %d fallbacks, fallback %.0f ms, recovery %.0f ms, p95 ITL %.1f ms%n",
                fault, s.requests(), s.fallbacks(), result.fallbackMs(), result.recoveryMs(), s.itlP95());
        assertEquals(java.util.List.of(), result.violations(), "every request completes with all its tokens");
        assertTrue(s.requests() >= 8, "the run did work: " + s);
        assertTrue(s.fallbacks() >= 1, "some stream fell back to the draft during " + fault.description());
        assertFalse(Double.isNaN(result.fallbackMs()), "streams kept producing tokens after the fault");
        assertFalse(Double.isNaN(result.recoveryMs()), "requests speculated again after the heal");
    }
}
