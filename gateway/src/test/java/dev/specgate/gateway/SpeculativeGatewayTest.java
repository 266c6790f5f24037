package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway with a real verifier worker on a loopback gRPC port: speculative output equals the verifier's,
 * and killing the verifier mid-stream degrades every stream to the draft without an error.
 */
class SpeculativeGatewayTest {
    private static final String PROMPT = "And God said";
    private static Model verifierModel;
    private static Model draftModel;
    private static VerifierEngine engine;

    @BeforeAll
    static void load() throws Exception {
        verifierModel = Model.load(TestModels.path(TestGateway.VERIFIER));
        draftModel = Model.load(TestModels.path(TestGateway.DRAFT));
        engine = new VerifierEngine(verifierModel, VerifierConfig.defaults());
    }

    @AfterAll
    static void close() {
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
            int[] prompt = verifierModel.tokenizer().encode(PROMPT);
            int[] reference = Generator.generate(verifierModel, prompt, 48, SamplingParams.GREEDY).ids();
            assertEquals(decode(reference), specText);
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
            int streams = 8;
            CountDownLatch started = new CountDownLatch(streams);
            ExecutorService clients = Executors.newFixedThreadPool(streams);
            List<Future<Http.Stream>> results = new ArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < streams; i++) {
                results.add(clients.submit(() -> readStream(http, g, body(g, maxTokens, "speculative", true), started)));
            }
            assertTrue(started.await(60, TimeUnit.SECONDS), "every stream produced a token");
            server.shutdown(Duration.ZERO);
            int[] prompt = verifierModel.tokenizer().encode(PROMPT);
            int[] verifierRef = Generator.generate(verifierModel, prompt, maxTokens, SamplingParams.GREEDY).ids();
            int fallbacks = 0;
            for (Future<Http.Stream> f : results) {
                Http.Stream s = f.get(120, TimeUnit.SECONDS);
                assertEquals(200, s.status());
                List<JsonNode> events = s.jsonEvents();
                StringBuilder text = new StringBuilder();
                JsonNode usage = null;
                for (JsonNode e : events) {
                    assertFalse(e.has("error"), "no error event: " + e);
                    if (e.has("usage") && !e.get("usage").isNull()) {
                        usage = e.get("usage");
                    }
                    for (JsonNode c : e.get("choices")) {
                        text.append(c.get("text").asText());
                    }
                }
                assertTrue(new String(s.events().getLast(), StandardCharsets.UTF_8).equals("[DONE]"));
                JsonNode report = usage.get("specgate");
                if (report.get("fallback").asBoolean()) {
                    fallbacks++;
                    assertEquals("draft-only", report.get("mode").asText());
                    assertValidFallback(prompt, verifierRef, text.toString(), usage.get("completion_tokens").asInt());
                } else {
                    assertEquals(decode(verifierRef), text.toString());
                }
            }
            clients.shutdownNow();
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

    /** The text is the verifier's first j tokens followed by the draft's greedy continuation, for some j. */
    private static void assertValidFallback(int[] prompt, int[] verifierRef, String text, int completionTokens) {
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
