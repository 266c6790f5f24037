package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.draft.DraftConfig;
import dev.specgate.draft.DraftServer;
import dev.specgate.engine.Generator;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static dev.specgate.gateway.GreedyReference.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway with a remote draft ({@code grpc://}, a real {@link DraftServer} on loopback) and a remote verifier:
 * speculation, draft-only through the draft channel, fallback when the verifier dies mid-stream, and a gateway
 * started while its verifier is down.
 */
class RemoteDraftGatewayTest {
    private static GreedyReference ref;
    private static VerifierEngine engine;
    private static DraftServer draftServer;

    @BeforeAll
    static void load() throws Exception {
        ref = GreedyReference.load();
        engine = new VerifierEngine(ref.verifierModel, VerifierConfig.defaults());
        draftServer = DraftServer.start(TestModels.path(TestGateway.DRAFT).toString(), 0, DraftConfig.DEFAULT);
    }

    @AfterAll
    static void close() {
        if (draftServer != null) {
            draftServer.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (ref != null) {
            ref.close();
        }
    }

    private static Gateway start(Consumer<GatewayConfig> customize) throws IOException {
        return TestGateway.start(c -> {
            c.draft = "grpc://127.0.0.1:" + draftServer.port();
            customize.accept(c);
        });
    }

    @Test
    void speculativeWithARemoteDraftEqualsVerifierGreedy() throws Exception {
        try (VerifierServer verifier = VerifierServer.start(engine, "127.0.0.1", 0);
             Gateway g = start(c -> {
                 c.verifier = "grpc://127.0.0.1:" + verifier.port();
                 c.defaultMode = "speculative";
             })) {
            assertEquals(ref.verifierModel.name(), g.modelName());
            JsonNode spec = Http.post(g.baseUrl() + "/completions", body(g, 48, "speculative", false)).json();
            assertEquals(ref.verifierText(48), spec.at("/choices/0/text").asText());
            JsonNode report = spec.at("/usage/specgate");
            assertEquals("speculative", report.get("mode").asText(), spec.toString());
            assertFalse(report.get("fallback").asBoolean());
            assertTrue(report.get("drafted_tokens").asLong() > 0);
            JsonNode only = Http.post(g.baseUrl() + "/completions", body(g, 48, "verifier-only", false)).json();
            assertEquals(spec.at("/choices/0/text").asText(), only.at("/choices/0/text").asText());
        }
    }

    @Test
    void aConfidentRemoteDraftAnswersFromThePromptItReadForRouting(@TempDir Path dir) throws Exception {
        Path policy = LocalRouting.confidentDraftPolicy(dir);
        try (VerifierServer verifier = VerifierServer.start(engine, "127.0.0.1", 0);
             Gateway g = start(c -> {
                 c.verifier = "grpc://127.0.0.1:" + verifier.port();
                 c.defaultMode = null; // the policy file's default route
                 c.policy = policy.toString();
             })) {
            LocalRouting.assertLocalAfterReadEqualsDraftOnly(g);
        }
    }

    @Test
    void draftOnlyRunsThroughTheRemoteDraft() throws Exception {
        int before = draftServer.engine().sessionCount();
        try (Gateway g = start(c -> { })) {
            assertEquals(ref.draftModel.name(), g.modelName());
            JsonNode r = Http.post(g.baseUrl() + "/completions", body(g, 40, null, false)).json();
            int[] reference = Generator.generate(ref.draftModel, ref.prompt(), 40, SamplingParams.GREEDY).ids();
            assertEquals(ref.decode(reference), r.at("/choices/0/text").asText(), r.toString());
            assertEquals(reference.length, r.at("/usage/completion_tokens").asInt());
            assertEquals("draft-only", r.at("/usage/specgate/mode").asText());
            assertFalse(r.at("/usage/specgate/fallback").asBoolean());

            // Streamed: the chunks add up to the same text.
            Http.Stream s = Http.stream(g.baseUrl() + "/completions", body(g, 40, null, true));
            assertEquals(200, s.status());
            assertEquals(ref.decode(reference), s.text());

            // Sampled: what the draft samples, reproducibly for a seed.
            String sampled = "{\"model\":\"" + g.modelName() + "\",\"prompt\":\"" + GreedyReference.PROMPT
                    + "\",\"max_tokens\":30,\"temperature\":0.9,\"seed\":7}";
            String a = Http.post(g.baseUrl() + "/completions", sampled).json().at("/choices/0/text").asText();
            String b = Http.post(g.baseUrl() + "/completions", sampled).json().at("/choices/0/text").asText();
            assertEquals(a, b);

            JsonNode ready = Http.get(g.baseUrl().replace("/v1", "") + "/health/ready").json();
            assertTrue(ready.get("draft_loaded").asBoolean());
        }
        // Sessions are released when generations end.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (draftServer.engine().sessionCount() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before, draftServer.engine().sessionCount());
    }

    @Test
    void aMissingTokenizerFileIsAClearStartupError() {
        IOException e = assertThrows(IOException.class, () -> start(c -> c.tokenizer = "/nonexistent/tok.gguf"));
        assertTrue(e.getMessage().contains("tokenizer"), e.getMessage());
    }

    @Test
    void theTokenizerSettingIsCheckedAgainstTheDraft() throws Exception {
        // The verifier's file carries the same tokenizer: accepted.
        try (Gateway g = start(c -> c.tokenizer = TestModels.path(TestGateway.VERIFIER).toString())) {
            JsonNode r = Http.post(g.baseUrl() + "/completions", body(g, 8, null, false)).json();
            assertEquals(ref.draftText(8), r.at("/choices/0/text").asText());
        }
        // Another model's tokenizer: refused at startup.
        String other = TestModels.path("stories260K.gguf").toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> start(c -> c.tokenizer = other));
        assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
    }

    @Test
    void anUnreachableDraftFailsStartup() throws Exception {
        int port = freePort();
        IOException e = assertThrows(IOException.class,
                () -> TestGateway.start(c -> c.draft = "grpc://127.0.0.1:" + port));
        assertTrue(e.getMessage().contains("draft"), e.getMessage());
    }

    @Test
    void killingTheVerifierMidStreamFallsBackToTheRemoteDraft() throws Exception {
        VerifierServer verifier = VerifierServer.start(engine, "127.0.0.1", 0);
        int maxTokens = 200;
        try (Gateway g = start(c -> {
            c.verifier = "grpc://127.0.0.1:" + verifier.port();
            c.defaultMode = "speculative";
            c.resilience.openWaitMs = 300;
            c.resilience.roundTimeoutMs = 1000;
        })) {
            List<Http.Stream> streams = ConcurrentStreams.run(g, 6, body(g, maxTokens, "speculative", true),
                    () -> verifier.shutdown(Duration.ZERO));
            int fallbacks = ref.assertEachVerifiedOrValidFallback(streams, maxTokens);
            assertTrue(fallbacks >= 1, "at least one stream was cut over to the draft");
        } finally {
            verifier.close();
        }
    }

    @Test
    void aDraftWorkerKilledMidStreamEndsTheStreamWithAnErrorEvent() throws Exception {
        // Its own draft worker (the shared one stays up), and speculation: slow enough to be cut mid-stream, and
        // after the draft dies nothing can continue the generation (the fallback needs the draft too).
        DraftServer doomed = DraftServer.start(TestModels.path(TestGateway.DRAFT).toString(), 0, DraftConfig.DEFAULT);
        AtomicBoolean killed = new AtomicBoolean();
        int maxTokens = 200;
        try (VerifierServer verifier = VerifierServer.start(engine, "127.0.0.1", 0);
             Gateway g = TestGateway.start(c -> {
                 c.draft = "grpc://127.0.0.1:" + doomed.port();
                 c.verifier = "grpc://127.0.0.1:" + verifier.port();
                 c.defaultMode = "speculative";
             })) {
            List<Http.Stream> streams = ConcurrentStreams.run(g, 4, body(g, maxTokens, "speculative", true), () -> {
                killed.set(true);
                doomed.close();
            });
            String verifierText = ref.verifierText(maxTokens);
            for (Http.Stream s : streams) {
                assertEquals(200, s.status(), "the stream had started");
                String text = s.text();
                assertFalse(text.isEmpty());
                assertTrue(verifierText.startsWith(text), "what came before the error is the verifier's: " + text);
                assertFalse(s.endsWithDone(), "no [DONE] after an error");
                JsonNode last = s.jsonEvents().getLast();
                assertEquals("server_error", last.at("/error/type").asText(), last.toString());
                assertEquals("internal_error", last.at("/error/code").asText(), last.toString());
                assertFalse(last.at("/error/message").asText().isEmpty());
                assertFalse(last.toString().contains("Exception"), "no stack trace or exception: " + last);
            }
        } finally {
            if (!killed.get()) {
                doomed.close();
            }
        }
    }

    @Test
    void aVerifierDownAtStartupIsUsedOnceItComesUp() throws Exception {
        int port = freePort();
        try (Gateway g = start(c -> {
            c.verifier = "grpc://127.0.0.1:" + port;
            c.defaultMode = "speculative";
            c.resilience.openWaitMs = 200;
        })) {
            String health = g.baseUrl().replace("/v1", "") + "/health/ready";
            Http.Response ready = Http.get(health);
            assertEquals(200, ready.status());
            assertFalse(ready.json().at("/verifier/reachable").asBoolean(), ready.body());
            assertTrue(ready.json().at("/verifier/configured").asBoolean(), ready.body());

            JsonNode r = Http.post(g.baseUrl() + "/completions", body(g, 24, "speculative", false)).json();
            assertEquals(ref.draftText(24), r.at("/choices/0/text").asText(), r.toString());
            assertEquals("draft-only", r.at("/usage/specgate/mode").asText());
            assertTrue(r.at("/usage/specgate/fallback").asBoolean());
            Http.Stream s = Http.stream(g.baseUrl() + "/completions", body(g, 24, "verifier-only", true));
            assertEquals(200, s.status());
            assertTrue(s.raw().contains("\"fallback\":true"), s.raw());

            try (VerifierServer verifier = VerifierServer.start(engine, "127.0.0.1", port)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                JsonNode spec;
                while (true) {
                    spec = Http.post(g.baseUrl() + "/completions", body(g, 24, "speculative", false)).json();
                    JsonNode report = spec.at("/usage/specgate");
                    if (report.get("mode").asText().equals("speculative") && !report.get("fallback").asBoolean()) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        fail("requests never became speculative: " + spec);
                    }
                    Thread.sleep(100);
                }
                assertEquals(ref.verifierText(24), spec.at("/choices/0/text").asText());
                assertTrue(Http.get(health).json().at("/verifier/reachable").asBoolean());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
