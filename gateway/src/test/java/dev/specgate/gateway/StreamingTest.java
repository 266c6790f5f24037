package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.engine.Generator;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.engine.tokenizer.TokenDecoder;
import dev.specgate.gateway.backend.InferenceGuard;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SSE framing, usage, stop sequences across token boundaries, UTF-8 safety and 100 concurrent streams. */
class StreamingTest {
    private static Gateway gateway;
    private static Model draft;
    private static final AtomicInteger BLOCKED_EVENTS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        // A blocked-thread checker four times stricter than Vert.x's default (2 s). Tighter limits trip on a loaded
        // 2-core machine from scheduling alone; inference on an event loop is caught directly by the check that no
        // forward pass runs on an event-loop thread.
        VertxOptions options = new VertxOptions().setBlockedThreadCheckInterval(50)
                .setMaxEventLoopExecuteTime(500).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS);
        gateway = TestGateway.start(c -> c.maxInFlight = 200, options);
        ((VertxInternal) gateway.vertx()).blockedThreadChecker().setThreadBlockedHandler(event -> {
            BLOCKED_EVENTS.incrementAndGet();
            System.err.println("BLOCKED: " + event.thread().getName() + " for " + event.duration() / 1_000_000 + " ms");
        });
        draft = Model.load(TestModels.path(TestGateway.DRAFT));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (draft != null) {
            draft.close();
        }
    }

    private static String completion(String prompt, int maxTokens, String extra) {
        return "{\"model\":\"" + gateway.modelName() + "\",\"prompt\":" + Http.JSON.valueToTree(prompt)
                + ",\"max_tokens\":" + maxTokens + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static String streamedText(Http.Stream s, boolean chat) {
        StringBuilder text = new StringBuilder();
        for (JsonNode e : s.jsonEvents()) {
            for (JsonNode c : e.get("choices")) {
                JsonNode t = chat ? c.path("delta").path("content") : c.get("text");
                if (t.isTextual()) {
                    text.append(t.asText());
                }
            }
        }
        return text.toString();
    }

    @Test
    void sseFramingDoneAndUsage() throws Exception {
        Http.Stream s = Http.stream(gateway.baseUrl() + "/completions",
                completion("In the beginning", 12, "\"temperature\":0,\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}"));
        assertEquals(200, s.status());
        assertEquals("[DONE]", new String(s.events().getLast(), StandardCharsets.UTF_8));
        List<JsonNode> events = s.jsonEvents();
        JsonNode usageChunk = events.getLast();
        assertEquals(0, usageChunk.get("choices").size());
        assertEquals(12, usageChunk.at("/usage/completion_tokens").asInt());
        assertEquals("draft-only", usageChunk.at("/usage/specgate/mode").asText());
        JsonNode finish = events.get(events.size() - 2);
        assertEquals("length", finish.at("/choices/0/finish_reason").asText());
        assertTrue(finish.has("specgate"));
        for (JsonNode e : events.subList(0, events.size() - 2)) {
            assertTrue(e.at("/choices/0/finish_reason").isNull());
            assertFalse(e.has("usage") && !e.get("usage").isNull());
        }

        // Without include_usage: no usage chunk, the finishing chunk is last before [DONE].
        Http.Stream plain = Http.stream(gateway.baseUrl() + "/completions",
                completion("In the beginning", 5, "\"temperature\":0,\"stream\":true"));
        List<JsonNode> plainEvents = plain.jsonEvents();
        assertEquals("length", plainEvents.getLast().at("/choices/0/finish_reason").asText());

        // Chat: first chunk announces the role.
        Http.Stream chat = Http.stream(gateway.baseUrl() + "/chat/completions", "{\"model\":\"" + gateway.modelName()
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":5,\"stream\":true}");
        assertEquals("assistant", chat.jsonEvents().getFirst().at("/choices/0/delta/role").asText());
        assertEquals("chat.completion.chunk", chat.jsonEvents().getFirst().get("object").asText());
    }

    @Test
    void stopSequenceAcrossTokenBoundaries() throws Exception {
        String prompt = "And God said";
        int[] promptIds = draft.tokenizer().encode(prompt);
        int[] ids = Generator.generate(draft, promptIds, 40, SamplingParams.GREEDY).ids();
        // Per-token text, to place a stop sequence that starts inside one token and ends inside a later one.
        TokenDecoder decoder = draft.tokenizer().newDecoder();
        List<Integer> boundaries = new ArrayList<>();
        StringBuilder full = new StringBuilder();
        for (int id : ids) {
            full.append(decoder.push(id));
            boundaries.add(full.length());
        }
        String text = full.toString();
        String stop = null;
        for (int b = 3; b < boundaries.size() - 2 && stop == null; b++) {
            int end = boundaries.get(b);
            int start = boundaries.get(b - 1);
            if (end - start >= 2 && end + 2 <= text.length()) {
                String candidate = text.substring(end - 1, end + 2); // last char of one token + next token(s)
                if (text.indexOf(candidate) == end - 1 && !candidate.isBlank()) {
                    stop = candidate;
                }
            }
        }
        assertTrue(stop != null, "found a stop sequence spanning tokens in: " + text);
        String expected = text.substring(0, text.indexOf(stop));
        String extra = "\"temperature\":0,\"stop\":[\"zzzz\"," + Http.JSON.valueToTree(stop) + "]";

        JsonNode blocking = Http.post(gateway.baseUrl() + "/completions", completion(prompt, 40, extra)).json();
        assertEquals(expected, blocking.at("/choices/0/text").asText());
        assertEquals("stop", blocking.at("/choices/0/finish_reason").asText());

        Http.Stream s = Http.stream(gateway.baseUrl() + "/completions",
                completion(prompt, 40, extra + ",\"stream\":true"));
        assertEquals(expected, streamedText(s, false));
        for (JsonNode e : s.jsonEvents()) {
            for (JsonNode c : e.get("choices")) {
                assertFalse(c.get("text").asText().contains(stop), "the stop sequence is never sent");
            }
        }
        assertEquals("stop", s.jsonEvents().getLast().at("/choices/0/finish_reason").asText());
    }

    @Test
    void streamedChunksAreValidUtf8AndEqualTheBlockingText() throws Exception {
        // Multi-byte prompt text and sampling at high temperature draw byte-level tokens, whose UTF-8 sequences
        // split over several tokens; every chunk must still be whole characters.
        for (int seed = 1; seed <= 6; seed++) {
            String extra = "\"temperature\":1.5,\"seed\":" + seed;
            String prompt = "Él dijo: «¡Hágase la luz!» — 光 ✓";
            String blocking = Http.post(gateway.baseUrl() + "/completions", completion(prompt, 40, extra)).json()
                    .at("/choices/0/text").asText();
            Http.Stream s = Http.stream(gateway.baseUrl() + "/completions",
                    completion(prompt, 40, extra + ",\"stream\":true"));
            for (byte[] event : s.events()) {
                String json = Http.strictUtf8(event);
                assertFalse(json.contains("\\ud8") || json.contains("\\udc"), "no lone surrogates: " + json);
            }
            for (JsonNode e : s.jsonEvents()) {
                String t = e.at("/choices/0/text").asText();
                assertFalse(t.contains("\uFFFD"), "chunk has a replacement character: " + t);
            }
            assertEquals(blocking, streamedText(s, false));
        }
    }

    @Test
    void hundredConcurrentStreamsComplete() throws Exception {
        long guardBefore = InferenceGuard.eventLoopCalls();
        ExecutorService clients = Executors.newFixedThreadPool(100);
        try {
            List<Future<Http.Stream>> streams = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String body = completion("And the LORD spake unto Moses", 24,
                        "\"temperature\":0.8,\"seed\":" + i + ",\"stream\":true");
                streams.add(clients.submit(() -> Http.stream(gateway.baseUrl() + "/completions", body)));
            }
            for (Future<Http.Stream> f : streams) {
                Http.Stream s = f.get(180, TimeUnit.SECONDS);
                assertEquals(200, s.status());
                assertEquals("[DONE]", new String(s.events().getLast(), StandardCharsets.UTF_8));
            }
        } finally {
            clients.shutdownNow();
        }
        assertEquals(guardBefore, InferenceGuard.eventLoopCalls(), "no forward pass ran on an event loop");
        assertEquals(0, BLOCKED_EVENTS.get(), "Vert.x blocked-thread checker stayed quiet");
        String metrics = Http.get(gateway.baseUrl().replace("/v1", "") + "/metrics").body();
        assertTrue(metrics.contains("specgate_requests_total{mode=\"draft-only\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("specgate_time_to_first_token_seconds_bucket"), metrics);
    }
}
