package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.specgate.gateway.GreedyReference.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real verifier workers behind one gateway ({@code grpc://a,grpc://b}): sessions spread over both, and
 * killing one mid-stream moves its sessions to the other by resending their prefixes. Every stream stays
 * exactly the verifier's greedy output, with no fallback to the draft.
 */
class ReplicaFailoverTest {
    private static GreedyReference ref;
    private static VerifierEngine first;
    private static VerifierEngine second;

    @BeforeAll
    static void load() throws Exception {
        ref = GreedyReference.load();
        first = new VerifierEngine(ref.verifierModel, VerifierConfig.defaults());
        second = new VerifierEngine(ref.verifierModel, VerifierConfig.defaults());
    }

    @AfterAll
    static void close() {
        for (AutoCloseable c : new AutoCloseable[] {first, second, ref}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing the rest anyway
            }
        }
    }

    @Test
    void killingOneReplicaMidStreamMovesItsSessionsToTheOther() throws Exception {
        int maxTokens = 200;
        try (VerifierServer a = VerifierServer.start(first, "127.0.0.1", 0);
             VerifierServer b = VerifierServer.start(second, "127.0.0.1", 0);
             Gateway g = TestGateway.start(c -> {
                 c.verifier = "grpc://127.0.0.1:" + a.port() + ", grpc://127.0.0.1:" + b.port();
                 c.defaultMode = "speculative";
                 c.resilience.roundTimeoutMs = 10_000; // a killed replica fails at once; slow rounds must not
                 c.resilience.openWaitMs = 30_000; // the killed replica stays down for the whole test
             })) {
            int[] onKilled = new int[1];
            List<Http.Stream> streams = ConcurrentStreams.run(g, 8, body(g, maxTokens, "speculative", true), () -> {
                onKilled[0] = first.stats().sessions();
                assertTrue(onKilled[0] > 0 && second.stats().sessions() > 0,
                        "sessions on both replicas: " + onKilled[0] + ", " + second.stats().sessions());
                a.shutdown(Duration.ZERO);
            });
            String expected = ref.verifierText(maxTokens);
            for (Http.Stream s : streams) {
                assertEquals(200, s.status());
                assertNull(s.error(), "no error event");
                assertTrue(s.endsWithDone());
                JsonNode report = s.usage().get("specgate");
                assertFalse(report.get("fallback").asBoolean(), report.toString());
                assertEquals("speculative", report.get("mode").asText());
                assertEquals(expected, s.text());
            }
            String metrics = Http.get(g.baseUrl().replace("/v1", "") + "/metrics").body();
            assertTrue(counter(metrics, "specgate_verifier_failovers_total") >= 1, metrics);
            assertEquals(0, counter(metrics, "specgate_fallbacks_total"), metrics);
            assertTrue(metrics.contains("specgate_verifier_replicas{state=\"down\"} 1"), metrics);

            // New requests keep speculating, on the replica that is left.
            long batches = second.stats().batches();
            JsonNode r = Http.post(g.baseUrl() + "/completions", body(g, 24, "speculative", false)).json();
            assertEquals(ref.verifierText(24), r.at("/choices/0/text").asText(), r.toString());
            assertEquals("speculative", r.at("/usage/specgate/mode").asText());
            assertFalse(r.at("/usage/specgate/fallback").asBoolean());
            assertTrue(second.stats().batches() > batches);
        }
    }

    private static double counter(String exposition, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
