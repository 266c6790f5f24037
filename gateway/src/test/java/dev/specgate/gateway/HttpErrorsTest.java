package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every error the API documents, in OpenAI's shape, over real HTTP. */
class HttpErrorsTest {
    private static final String KEY = "sk-errors-test";
    private static Gateway gateway;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(c -> {
            c.apiKeys = List.of(GatewayConfig.ApiKey.of("sk-other"), GatewayConfig.ApiKey.of(KEY));
            c.bodyLimitBytes = 16 * 1024;
        });
        url = gateway.baseUrl();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static Http.Response post(String path, String body) throws Exception {
        return Http.post(url + path, body, "Authorization", "Bearer " + KEY);
    }

    private static String body(String extra) {
        return "{\"model\":\"" + gateway.modelName() + "\",\"prompt\":\"And God said\",\"max_tokens\":4"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** Asserts the OpenAI error shape and returns the error object. */
    private static JsonNode error(Http.Response r, int status) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
        JsonNode error = r.json().get("error");
        assertNotNull(error, r.body());
        assertTrue(error.get("message").isTextual());
        assertTrue(error.get("type").isTextual());
        assertTrue(error.has("param") && error.has("code"));
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "no stack traces: " + r.body());
        return error;
    }

    @Test
    void malformedJsonIs400() throws Exception {
        JsonNode e = error(post("/completions", "{\"model\": "), 400);
        assertEquals("invalid_request_error", e.get("type").asText());
        error(post("/completions", "[1,2]"), 400);
    }

    @Test
    void unknownModelIs404() throws Exception {
        JsonNode e = error(post("/completions", "{\"model\":\"gpt-17\",\"prompt\":\"x\"}"), 404);
        assertEquals("model_not_found", e.get("code").asText());
        assertEquals("model", e.get("param").asText());
    }

    @Test
    void invalidParametersAre400NamingTheParameter() throws Exception {
        assertEquals("temperature", error(post("/completions", body("\"temperature\":5")), 400).get("param").asText());
        assertEquals("n", error(post("/completions", body("\"n\":2")), 400).get("param").asText());
        assertEquals("top_p", error(post("/completions", body("\"top_p\":\"high\"")), 400).get("param").asText());
        assertEquals("stop", error(post("/completions", body("\"stop\":[1]")), 400).get("param").asText());
        assertEquals("specgate_mode",
                error(post("/completions", body("\"specgate_mode\":\"fast\"")), 400).get("param").asText());
        assertEquals("X-Specgate-Mode", error(Http.post(url + "/completions", body(""), "Authorization",
                "Bearer " + KEY, "X-Specgate-Mode", "turbo"), 400).get("param").asText());
        assertEquals("stream_options",
                error(post("/completions", body("\"stream_options\":{\"include_usage\":true}")), 400)
                        .get("param").asText());
        String zero = "{\"model\":\"" + gateway.modelName() + "\",\"prompt\":\"x\",\"max_tokens\":0}";
        assertEquals("max_tokens", error(post("/completions", zero), 400).get("param").asText());
        assertEquals("messages", error(post("/chat/completions",
                "{\"model\":\"" + gateway.modelName() + "\",\"messages\":[]}"), 400).get("param").asText());
    }

    @Test
    void promptBeyondTheContextIs400() throws Exception {
        String longPrompt = "And it came to pass ".repeat(200); // far more than 256 tokens, well under 16 KiB
        JsonNode e = error(post("/completions", "{\"model\":\"" + gateway.modelName() + "\",\"prompt\":\""
                + longPrompt + "\"}"), 400);
        assertEquals("context_length_exceeded", e.get("code").asText());
        assertEquals("prompt", e.get("param").asText());
    }

    @Test
    void bodiesParsedOffTheEventLoopAnswerAlike() throws Exception {
        // Bodies past CompletionHandler.INLINE_PARSE_BYTES (4 KiB) are parsed on a worker thread, smaller ones on
        // the event loop: the same answers either way, errors included. JSON whitespace makes a body large.
        String padding = " ".repeat(8 * 1024);
        Http.Response ok = post("/completions", body("\"temperature\":0") + padding);
        assertEquals(200, ok.status(), ok.body());
        assertEquals(4, ok.json().get("usage").get("completion_tokens").asInt(), ok.body());
        assertEquals(ok.json().get("choices").get(0).get("text").asText(),
                post("/completions", body("\"temperature\":0")).json().get("choices").get(0).get("text").asText());
        assertEquals("temperature",
                error(post("/completions", body("\"temperature\":5") + padding), 400).get("param").asText());
        error(post("/completions", "{\"model\": " + padding), 400);
    }

    @Test
    void bodyTooLargeIs413() throws Exception {
        String huge = "x".repeat(64 * 1024);
        JsonNode e = error(post("/completions", "{\"model\":\"" + gateway.modelName() + "\",\"prompt\":\"" + huge
                + "\"}"), 413);
        assertEquals("request_too_large", e.get("code").asText());
    }

    @Test
    void missingOrWrongKeyIs401() throws Exception {
        error(Http.post(url + "/completions", body("")), 401);
        error(Http.post(url + "/completions", body(""), "Authorization", "Bearer sk-wrong"), 401);
        error(Http.get(url + "/models"), 401);
        assertEquals(200, Http.get(url + "/models", "Authorization", "Bearer sk-other").status());
        // Health and metrics stay open for probes and scrapers.
        String root = url.substring(0, url.length() - 3);
        assertEquals(200, Http.get(root + "/health/live").status());
        assertEquals(200, Http.get(root + "/metrics").status());
    }

    @Test
    void unknownPathIs404InOpenAiShape() throws Exception {
        error(post("/embeddings", "{}"), 404);
    }

    @Test
    void overRateLimitIs429WithRetryAfter() throws Exception {
        try (Gateway limited = TestGateway.start(c -> {
            c.rateLimit.requestsPerSecond = 0.2;
            c.rateLimit.burst = 2;
        })) {
            String b = "{\"model\":\"" + limited.modelName() + "\",\"prompt\":\"And\",\"max_tokens\":1}";
            assertEquals(200, Http.post(limited.baseUrl() + "/completions", b).status());
            assertEquals(200, Http.post(limited.baseUrl() + "/completions", b).status());
            Http.Response r = Http.post(limited.baseUrl() + "/completions", b);
            JsonNode e = error(r, 429);
            assertEquals("rate_limit_exceeded", e.get("code").asText());
            assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1);
        }
    }

    @Test
    void overloadIs503() throws Exception {
        try (Gateway small = TestGateway.start(c -> {
            c.maxInFlight = 1;
            c.inferenceThreads = 1;
        })) {
            String b = "{\"model\":\"" + small.modelName() + "\",\"prompt\":\"And\",\"max_tokens\":200,"
                    + "\"temperature\":0}";
            ExecutorService clients = Executors.newFixedThreadPool(12);
            try {
                List<Future<Http.Response>> responses = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    responses.add(clients.submit((Callable<Http.Response>) () ->
                            Http.post(small.baseUrl() + "/completions", b)));
                }
                int ok = 0;
                int overloaded = 0;
                for (Future<Http.Response> f : responses) {
                    Http.Response r = f.get();
                    if (r.status() == 200) {
                        ok++;
                    } else {
                        assertEquals("overloaded", error(r, 503).get("code").asText());
                        overloaded++;
                    }
                }
                assertTrue(ok >= 1, "at least one generation ran");
                assertTrue(overloaded >= 1, "at least one request was refused with 503");
            } finally {
                clients.shutdownNow();
            }
        }
    }
}
