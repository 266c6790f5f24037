package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.draft.DraftConfig;
import dev.specgate.draft.DraftServer;
import dev.specgate.engine.Generator;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.engine.tokenizer.TokenDecoder;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
    private static final String PROMPT = "And God said";
    private static Model verifierModel;
    private static Model draftModel;
    private static VerifierEngine engine;
    private static DraftServer draftServer;

    @BeforeAll
    static void load() throws Exception {
        verifierModel = Model.load(TestModels.path(TestGateway.VERIFIER));
        draftModel = Model.load(TestModels.path(TestGateway.DRAFT));
        engine = new VerifierEngine(verifierModel, VerifierConfig.defaults());
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
        if (verifierModel != null) {
            verifierModel.close();
        }
        if (draftModel != null) {
            draftModel.close();
        }
    }

    private static Gateway start(Consumer<GatewayConfig> customize) throws IOException {
        return TestGateway.start(c -> {
            c.draft = "grpc://127.0.0.1:" + draftServer.port();
            customize.accept(c);
        });
    }

    private static String body(Gateway g, int maxTokens, String mode, boolean stream) {
        return "{\"model\":\"" + g.modelName() + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":" + maxTokens
                + ",\"temperature\":0" + (mode == null ? "" : ",\"specgate_mode\":\"" + mode + "\"")
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
    }

    private static String decode(int[] ids) {
        TokenDecoder d = verifierModel.tokenizer().newDecoder();
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            if (!verifierModel.tokenizer().isControl(id)) {
                out.append(d.push(id));
            }
        }
        return out.toString();
    }

    private static int[] prompt() {
        return verifierModel.tokenizer().encode(PROMPT);
    }

    @Test
    void speculativeWithARemoteDraftEqualsVerifierGreedy() throws Exception {
        try (VerifierServer verifier = VerifierServer.start(engine, "127.0.0.1", 0);
             Gateway g = start(c -> {
                 c.verifier = "grpc://127.0.0.1:" + verifier.port();
                 c.defaultMode = "speculative";
             })) {
            assertEquals(verifierModel.name(), g.modelName());
            JsonNode spec = Http.post(g.baseUrl() + "/completions", body(g, 48, "speculative", false)).json();
            int[] reference = Generator.generate(verifierModel, prompt(), 48, SamplingParams.GREEDY).ids();
            assertEquals(decode(reference), spec.at("/choices/0/text").asText());
            JsonNode report = spec.at("/usage/specgate");
            assertEquals("speculative", report.get("mode").asText(), spec.toString());
            assertFalse(report.get("fallback").asBoolean());
            assertTrue(report.get("drafted_tokens").asLong() > 0);
            JsonNode only = Http.post(g.baseUrl() + "/completions", body(g, 48, "verifier-only", false)).json();
            assertEquals(spec.at("/choices/0/text").asText(), only.at("/choices/0/text").asText());
        }
    }

    @Test
    void draftOnlyRunsThroughTheRemoteDraft() throws Exception {
        int before = draftServer.engine().sessionCount();
        try (Gateway g = start(c -> { })) {
            assertEquals(draftModel.name(), g.modelName());
            JsonNode r = Http.post(g.baseUrl() + "/completions", body(g, 40, null, false)).json();
            int[] reference = Generator.generate(draftModel, prompt(), 40, SamplingParams.GREEDY).ids();
            assertEquals(decode(reference), r.at("/choices/0/text").asText(), r.toString());
            assertEquals(reference.length, r.at("/usage/completion_tokens").asInt());
            assertEquals("draft-only", r.at("/usage/specgate/mode").asText());
            assertFalse(r.at("/usage/specgate/fallback").asBoolean());

            // Streamed: the chunks add up to the same text.
            Http.Stream s = Http.stream(g.baseUrl() + "/completions", body(g, 40, null, true));
            assertEquals(200, s.status());
            StringBuilder text = new StringBuilder();
            for (JsonNode e : s.jsonEvents()) {
                for (JsonNode c : e.get("choices")) {
                    text.append(c.get("text").asText());
                }
            }
            assertEquals(decode(reference), text.toString());

            // Sampled: what the draft samples, reproducibly for a seed.
            String sampled = "{\"model\":\"" + g.modelName() + "\",\"prompt\":\"" + PROMPT
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
            int[] reference = Generator.generate(draftModel, prompt(), 8, SamplingParams.GREEDY).ids();
            assertEquals(decode(reference), r.at("/choices/0/text").asText());
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
            int streams = 6;
            CountDownLatch started = new CountDownLatch(streams);
            ExecutorService clients = Executors.newFixedThreadPool(streams);
            List<Future<Http.Stream>> results = new ArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < streams; i++) {
                results.add(clients.submit(() -> readStream(http, g, body(g, maxTokens, "speculative", true), started)));
            }
            assertTrue(started.await(60, TimeUnit.SECONDS), "every stream produced a token");
            verifier.shutdown(Duration.ZERO);
            int[] verifierRef = Generator.generate(verifierModel, prompt(), maxTokens, SamplingParams.GREEDY).ids();
            int fallbacks = 0;
            for (Future<Http.Stream> f : results) {
                Http.Stream s = f.get(120, TimeUnit.SECONDS);
                assertEquals(200, s.status());
                StringBuilder text = new StringBuilder();
                JsonNode usage = null;
                for (JsonNode e : s.jsonEvents()) {
                    assertFalse(e.has("error"), "no error event: " + e);
                    if (e.has("usage") && !e.get("usage").isNull()) {
                        usage = e.get("usage");
                    }
                    for (JsonNode c : e.get("choices")) {
                        text.append(c.get("text").asText());
                    }
                }
                assertEquals("[DONE]", new String(s.events().getLast(), StandardCharsets.UTF_8));
                JsonNode report = usage.get("specgate");
                if (report.get("fallback").asBoolean()) {
                    fallbacks++;
                    assertEquals("draft-only", report.get("mode").asText());
                    assertValidFallback(verifierRef, text.toString(), usage.get("completion_tokens").asInt());
                } else {
                    assertEquals(decode(verifierRef), text.toString());
                }
            }
            clients.shutdownNow();
            assertTrue(fallbacks >= 1, "at least one stream was cut over to the draft");
        } finally {
            verifier.close();
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
            int[] draftRef = Generator.generate(draftModel, prompt(), 24, SamplingParams.GREEDY).ids();
            assertEquals(decode(draftRef), r.at("/choices/0/text").asText(), r.toString());
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
                int[] verifierRef = Generator.generate(verifierModel, prompt(), 24, SamplingParams.GREEDY).ids();
                assertEquals(decode(verifierRef), spec.at("/choices/0/text").asText());
                assertTrue(Http.get(health).json().at("/verifier/reachable").asBoolean());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The text is the verifier's first j tokens followed by the draft's greedy continuation, for some j. */
    private static void assertValidFallback(int[] verifierRef, String text, int completionTokens) {
        int[] prompt = prompt();
        for (int j = verifierRef.length; j >= 0; j--) {
            int[] head = Arrays.copyOf(verifierRef, j);
            if (!text.startsWith(decode(head))) {
                continue;
            }
            int[] prefix = Arrays.copyOf(prompt, prompt.length + j);
            System.arraycopy(head, 0, prefix, prompt.length, j);
            int remaining = completionTokens - j;
            if (remaining <= 0) {
                continue;
            }
            int[] tail = Generator.generate(draftModel, prefix, remaining, SamplingParams.GREEDY).ids();
            int[] all = Arrays.copyOf(head, j + tail.length);
            System.arraycopy(tail, 0, all, j, tail.length);
            if (decode(all).equals(text)) {
                return;
            }
        }
        fail("text is not a verifier prefix plus a draft continuation: " + text);
    }

    private static Http.Stream readStream(HttpClient http, Gateway g, String body, CountDownLatch started)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(g.baseUrl() + "/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.util.stream.Stream<String>> r = http.send(request, HttpResponse.BodyHandlers.ofLines());
        List<byte[]> events = new ArrayList<>();
        boolean counted = false;
        for (String line : (Iterable<String>) r.body()::iterator) {
            if (line.startsWith("data: ")) {
                events.add(line.substring(6).getBytes(StandardCharsets.UTF_8));
                if (!counted && line.contains("\"text\":\"") && !line.contains("\"text\":\"\"")) {
                    counted = true;
                    started.countDown();
                }
            }
        }
        if (!counted) {
            started.countDown();
        }
        return new Http.Stream(r.statusCode(), events, "");
    }
}
