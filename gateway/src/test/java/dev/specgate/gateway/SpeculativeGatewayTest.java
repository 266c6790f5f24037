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
import java.util.concurrent.TimeUnit;

import static dev.specgate.gateway.GreedyReference.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway with a real verifier worker on a loopback gRPC port: speculative output equals the verifier's,
 * and killing the verifier mid-stream degrades every stream to the draft without an error.
 */
class SpeculativeGatewayTest {
    private static GreedyReference ref;
    private static VerifierEngine engine;

    @BeforeAll
    static void load() throws Exception {
        ref = GreedyReference.load();
        engine = new VerifierEngine(ref.verifierModel, VerifierConfig.defaults());
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
        if (ref != null) {
            ref.close();
        }
    }

    @Test
    void speculativeEqualsVerifierOnlyGreedy() throws Exception {
        try (VerifierServer server = VerifierServer.start(engine, 0);
             Gateway g = TestGateway.start(c -> {
                 c.verifier = "grpc://127.0.0.1:" + server.port();
                 c.defaultMode = "speculative";
             })) {
            JsonNode spec = Http.post(g.baseUrl() + "/completions", body(g, 48, "speculative", false)).json();
            JsonNode only = Http.post(g.baseUrl() + "/completions", body(g, 48, "verifier-only", false)).json();
            String specText = spec.at("/choices/0/text").asText();
            assertEquals(only.at("/choices/0/text").asText(), specText);
            assertEquals(ref.verifierText(48), specText);
            JsonNode report = spec.at("/usage/specgate");
            assertEquals("speculative", report.get("mode").asText(), spec.toString());
            assertFalse(report.get("fallback").asBoolean());
            assertTrue(report.get("drafted_tokens").asLong() > 0);
            assertTrue(report.get("mean_acceptance_length").asDouble() >= 1.0);
            assertEquals("verifier-only", only.at("/usage/specgate/mode").asText());
            String metrics = Http.get(g.baseUrl().replace("/v1", "") + "/metrics").body();
            assertTrue(metrics.contains("specgate_accepted_tokens_by_position_total{position=\"1\"}"), metrics);
        }
    }

    @Test
    void killingTheVerifierMidStreamFallsBackToTheDraft() throws Exception {
        VerifierServer server = VerifierServer.start(engine, 0);
        int port = server.port();
        int maxTokens = 200;
        try (Gateway g = TestGateway.start(c -> {
            c.verifier = "grpc://127.0.0.1:" + port;
            c.defaultMode = "speculative";
            c.resilience.openWaitMs = 300;
            c.resilience.roundTimeoutMs = 1000;
        })) {
            List<Http.Stream> streams = ConcurrentStreams.run(g, 8, body(g, maxTokens, "speculative", true),
                    () -> server.shutdown(Duration.ZERO));
            int fallbacks = ref.assertEachVerifiedOrValidFallback(streams, maxTokens);
            assertTrue(fallbacks >= 1, "at least one stream was cut over to the draft");

            // Verifier back on the same port: once the breaker's half-open probe succeeds, requests speculate again.
            try (VerifierServer restarted = VerifierServer.start(engine, port)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    JsonNode r = Http.post(g.baseUrl() + "/completions", body(g, 16, "speculative", false)).json();
                    JsonNode report = r.at("/usage/specgate");
                    if (report.get("mode").asText().equals("speculative") && !report.get("fallback").asBoolean()) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        fail("requests never became speculative again: " + r);
                    }
                    Thread.sleep(200);
                }
            }
        } finally {
            server.close();
        }
    }
}
