package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The routing policy in the gateway, end to end: a real verifier worker on a loopback gRPC port, the shared
 * models, a real HTTP client. Decisions in the report and in {@code /metrics}, the route hint, tenants from API
 * keys, adaptive k, the policy file and {@code /admin/policy}, and offline routing while the verifier is down.
 */
class RoutingGatewayTest {
    private static final String PROMPT = "And God said";
    private static final String ADMIN_KEY = "adm-secret";
    private static Model verifierModel;
    private static VerifierEngine engine;

    @BeforeAll
    static void load() throws Exception {
        verifierModel = Model.load(TestModels.path(TestGateway.VERIFIER));
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
    }

    private static Gateway start(VerifierServer verifier, java.util.function.Consumer<GatewayConfig> customize)
            throws Exception {
        return TestGateway.start(c -> {
            c.verifier = "grpc://127.0.0.1:" + verifier.port();
            c.defaultMode = null; // the built-in policy's default route: hybrid
            customize.accept(c);
        });
    }

    private static String body(Gateway g, int maxTokens, String extra) {
        return "{\"model\":\"" + g.modelName() + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":" + maxTokens
                + ",\"temperature\":0" + extra + "}";
    }

    private static JsonNode complete(Gateway g, String body, String... headers) throws Exception {
        Http.Response r = Http.post(g.baseUrl() + "/completions", body, headers);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static JsonNode report(JsonNode response) {
        return response.at("/usage/specgate");
    }

    private static String metrics(Gateway g) throws Exception {
        return Http.get(g.baseUrl().replace("/v1", "") + "/metrics").body();
    }

    /** The value of {@code specgate_decisions_total{route,reason}}, 0 when the series does not exist. */
    private static double decisions(String metrics, String route, String reason) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith("specgate_decisions_total{") && line.contains("route=\"" + route + "\"")
                    && line.contains("reason=\"" + reason + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Sends {@code body} until the report satisfies {@code until}; fails after {@code seconds}. */
    private static JsonNode completeUntil(Gateway g, String body, Predicate<JsonNode> until, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            JsonNode r = complete(g, body);
            if (until.test(report(r))) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                fail("never reached the expected route: " + r);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void everyRequestCarriesItsDecisionInTheReportAndInMetrics() throws Exception {
        try (VerifierServer verifier = VerifierServer.start(engine, 0);
             Gateway g = start(verifier, c -> { })) {
            // No hint: the policy decides from the signals (here the draft's entropy on the prompt).
            JsonNode auto = report(complete(g, body(g, 8, "")));
            assertFalse(auto.get("route").asText().isEmpty(), auto.toString());
            assertFalse(auto.get("reason").asText().isEmpty(), auto.toString());
            assertEquals(DecodeMode.of(dev.specgate.routing.Route.fromLabel(auto.get("route").asText())).wireName(),
                    auto.get("mode").asText(), "the route's decode mode ran: " + auto);

            // The hint, in the body or a header; the decode-mode names and the old field name mean the same.
            JsonNode local = report(complete(g, body(g, 8, ",\"specgate_route\":\"local\"")));
            assertEquals(List.of("local", "forced_by_request", "draft-only"), routeReasonMode(local));
            assertFalse(local.get("fallback").asBoolean());
            JsonNode cloud = report(complete(g, body(g, 8, ""), "X-Specgate-Route", "cloud"));
            assertEquals(List.of("cloud", "forced_by_request", "verifier-only"), routeReasonMode(cloud));
            JsonNode hybrid = report(complete(g, body(g, 8, ",\"specgate_mode\":\"speculative\"")));
            assertEquals(List.of("hybrid", "forced_by_request", "speculative"), routeReasonMode(hybrid));
            JsonNode bodyWins = report(complete(g, body(g, 8, ",\"specgate_route\":\"draft-only\""),
                    "X-Specgate-Route", "cloud"));
            assertEquals("local", bodyWins.get("route").asText());
            Http.Response contradiction = Http.post(g.baseUrl() + "/completions",
                    body(g, 8, ",\"specgate_route\":\"local\",\"specgate_mode\":\"verifier-only\""));
            assertEquals(400, contradiction.status());
            assertEquals("specgate_mode", contradiction.json().at("/error/param").asText());
            Http.Response unknown = Http.post(g.baseUrl() + "/completions", body(g, 8, ",\"specgate_route\":\"edge\""));
            assertEquals(400, unknown.status());
            assertEquals("specgate_route", unknown.json().at("/error/param").asText());

            // Streamed: the finishing chunk's report and the usage chunk carry the decision too.
            Http.Stream s = Http.stream(g.baseUrl() + "/completions", body(g, 8,
                    ",\"specgate_route\":\"cloud\",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
            List<JsonNode> events = s.jsonEvents();
            JsonNode finishing = events.stream().filter(e -> e.has("specgate")).findFirst().orElseThrow();
            assertEquals("cloud", finishing.at("/specgate/route").asText());
            assertEquals("forced_by_request", events.getLast().at("/usage/specgate/reason").asText());

            String m = metrics(g);
            assertEquals(2, decisions(m, "local", "forced_by_request"), 1e-9, m);
            assertEquals(2, decisions(m, "cloud", "forced_by_request"), 1e-9, m);
            assertEquals(1, decisions(m, "hybrid", "forced_by_request"), 1e-9, m);
            assertEquals(1, decisions(m, auto.get("route").asText(), auto.get("reason").asText()), 1e-9, m);
        }
    }

    private static List<String> routeReasonMode(JsonNode report) {
        return List.of(report.get("route").asText(), report.get("reason").asText(), report.get("mode").asText());
    }

    @Test
    void adaptiveKChangesKRoundByRoundAndTheOutputStaysTheVerifiers(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "speculation: {k_min: 0, k_max: 8, k_initial: 8}\n");
        try (VerifierServer verifier = VerifierServer.start(engine, 0);
             Gateway g = start(verifier, c -> c.policy = policy.toString())) {
            JsonNode spec = complete(g, body(g, 96, ",\"specgate_route\":\"hybrid\""));
            JsonNode only = complete(g, body(g, 96, ",\"specgate_route\":\"cloud\""));
            assertEquals(only.at("/choices/0/text").asText(), spec.at("/choices/0/text").asText(),
                    "greedy speculation with adaptive k says exactly what the verifier says");
            JsonNode report = report(spec);
            System.out.println("adaptive k, 96 greedy tokens: " + report);
            assertEquals("speculative", report.get("mode").asText(), report.toString());
            JsonNode k = report.get("k");
            assertTrue(report.get("rounds").asInt() > 1, report.toString());
            assertEquals(8, k.get("max").asInt(), "the first round uses k_initial: " + report);
            assertTrue(k.get("changes").asInt() >= 1 && k.get("min").asInt() < 8,
                    "adaptive k moved away from k_initial as rounds were measured: " + report);
            assertTrue(k.get("mean").asDouble() >= k.get("min").asInt() && k.get("mean").asDouble() <= 8);
            String m = metrics(g);
            Matcher count = Pattern.compile("specgate_speculation_k_count (\\S+)").matcher(m);
            assertTrue(count.find(), m);
            assertTrue(Double.parseDouble(count.group(1)) >= report.get("rounds").asInt(),
                    "one k observed per round: " + m);
        }
    }

    @Test
    void aConfidentDraftAnswersFromThePromptItReadForRouting(@TempDir Path dir) throws Exception {
        Path policy = LocalRouting.confidentDraftPolicy(dir);
        try (VerifierServer verifier = VerifierServer.start(engine, 0);
             Gateway g = start(verifier, c -> c.policy = policy.toString())) {
            LocalRouting.assertLocalAfterReadEqualsDraftOnly(g);
        }
    }

    @Test
    void tenantsComeFromApiKeysAndThePolicyFileIsHotReloaded(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "tenants:\n  acme: {allowed_routes: [cloud], force: cloud}\n");
        try (VerifierServer verifier = VerifierServer.start(engine, 0);
             Gateway g = start(verifier, c -> {
                 c.policy = policy.toString();
                 c.apiKeys = List.of(GatewayConfig.ApiKey.of("sk-acme", "acme"), GatewayConfig.ApiKey.of("sk-plain"));
             })) {
            JsonNode acme = report(complete(g, body(g, 8, ",\"specgate_route\":\"local\""),
                    "Authorization", "Bearer sk-acme"));
            assertEquals(List.of("cloud", "tenant_policy", "verifier-only"), routeReasonMode(acme));
            JsonNode plain = report(complete(g, body(g, 8, ",\"specgate_route\":\"local\""),
                    "Authorization", "Bearer sk-plain"));
            assertEquals(List.of("local", "forced_by_request", "draft-only"), routeReasonMode(plain));

            // The file changes: the new policy applies without a restart; an invalid version is ignored.
            Files.writeString(policy, "tenants:\n  acme: {allowed_routes: [local], force: local}\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!report(complete(g, body(g, 4, ""), "Authorization", "Bearer sk-acme")).get("route").asText()
                    .equals("local")) {
                assertTrue(System.nanoTime() < deadline, "the policy file was not reloaded");
                Thread.sleep(100);
            }
            Files.writeString(policy, "tenants:\n  acme: {allowed_routes: [local], force: cloud}\n");
            Thread.sleep(2_500); // longer than the watcher's fallback poll
            JsonNode kept = report(complete(g, body(g, 4, ""), "Authorization", "Bearer sk-acme"));
            assertEquals(List.of("local", "tenant_policy", "draft-only"), routeReasonMode(kept));
        }
    }

    @Test
    void adminPolicyNeedsTheAdminKeyAndRejectsAnInvalidPolicyKeepingTheOldOne() throws Exception {
        try (VerifierServer verifier = VerifierServer.start(engine, 0);
             Gateway g = start(verifier, c -> c.adminKeys = List.of(ADMIN_KEY))) {
            String url = g.baseUrl().replace("/v1", "") + "/admin/policy";
            Http.Response missing = Http.get(url);
            assertEquals(401, missing.status());
            assertEquals("invalid_api_key", missing.json().at("/error/code").asText());
            Http.Response wrong = Http.get(url, "Authorization", "Bearer not-the-key");
            assertEquals(403, wrong.status());
            assertEquals("forbidden", wrong.json().at("/error/code").asText());
            assertEquals(403, put(url, "default_route: local\n", "Bearer not-the-key").status());

            Http.Response yaml = Http.get(url, "Authorization", "Bearer " + ADMIN_KEY);
            assertEquals(200, yaml.status());
            assertTrue(yaml.header("Content-Type").startsWith("application/yaml"), yaml.header("Content-Type"));
            assertTrue(yaml.body().contains("default_route: hybrid"), yaml.body());
            Http.Response json = Http.get(url, "Authorization", "Bearer " + ADMIN_KEY, "Accept", "application/json");
            assertEquals(8, json.json().at("/speculation/k_max").asInt(), json.body());

            Http.Response invalid = put(url, "speculation: {k_min: 3, k_max: 2, k_initial: 3}\n", "Bearer " + ADMIN_KEY);
            assertEquals(400, invalid.status(), invalid.body());
            assertEquals("speculation.k_max", invalid.json().at("/error/param").asText(), invalid.body());
            assertEquals("invalid_policy", invalid.json().at("/error/code").asText());
            Http.Response syntax = put(url, "tenants: [unclosed\n", "Bearer " + ADMIN_KEY);
            assertEquals(400, syntax.status());
            assertEquals(yaml.body(), Http.get(url, "Authorization", "Bearer " + ADMIN_KEY).body(),
                    "the policy in force is unchanged");

            Http.Response ok = put(url, "tenants:\n  anonymous: {allowed_routes: [local], force: local}\n",
                    "Bearer " + ADMIN_KEY);
            assertEquals(200, ok.status(), ok.body());
            assertTrue(ok.body().contains("anonymous"), ok.body());
            JsonNode routed = report(complete(g, body(g, 4, "")));
            assertEquals(List.of("local", "tenant_policy", "draft-only"), routeReasonMode(routed));
            assertNotEquals(yaml.body(), Http.get(url, "Authorization", "Bearer " + ADMIN_KEY).body());
        }
    }

    private static Http.Response put(String url, String body, String authorization) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(Duration.ofSeconds(30)).PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/yaml").header("Authorization", authorization).build();
        var r = java.net.http.HttpClient.newHttpClient().send(request,
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new Http.Response(r.statusCode(), r.headers().map(), r.body());
    }

    @Test
    void anUnreachableVerifierRoutesEverythingLocalUntilItIsBack() throws Exception {
        VerifierServer verifier = VerifierServer.start(engine, 0);
        int port = verifier.port();
        try (Gateway g = start(verifier, c -> {
            c.resilience.openWaitMs = 300;
            c.resilience.roundTimeoutMs = 1000;
        })) {
            JsonNode before = report(complete(g, body(g, 8, "")));
            assertNotEquals("verifier_unreachable", before.get("reason").asText(), before.toString());

            verifier.shutdown(Duration.ZERO);
            // The first requests find out (their rounds fail and they fall back); then the breaker opens.
            completeUntil(g, body(g, 8, ""), r -> r.get("reason").asText().equals("verifier_unreachable"), 60);
            for (String extra : List.of("", ",\"specgate_route\":\"cloud\"", ",\"specgate_route\":\"hybrid\"")) {
                JsonNode r = report(complete(g, body(g, 8, extra)));
                assertEquals(List.of("local", "verifier_unreachable", "draft-only"), routeReasonMode(r));
                assertTrue(r.get("fallback").asBoolean(), "the verifier was wanted: " + r);
            }
            JsonNode wantedLocal = report(complete(g, body(g, 8, ",\"specgate_route\":\"local\"")));
            assertEquals("verifier_unreachable", wantedLocal.get("reason").asText());
            assertFalse(wantedLocal.get("fallback").asBoolean(), "asked for local: not a fallback");
            String down = metrics(g);
            assertTrue(decisions(down, "local", "verifier_unreachable") >= 4, down);
            Http.Response ready = Http.get(g.baseUrl().replace("/v1", "") + "/health/ready");
            assertFalse(ready.json().at("/verifier/reachable").asBoolean(), ready.body());

            // Back on the same port: the half-open probe closes the breaker with no user request as the probe.
            try (VerifierServer restarted = VerifierServer.start(engine, port)) {
                JsonNode back = completeUntil(g, body(g, 8, ""),
                        r -> !r.get("reason").asText().equals("verifier_unreachable"), 60);
                assertNotEquals("draft-only", report(back).get("mode").asText(), back.toString());
                assertFalse(report(back).get("fallback").asBoolean());
                JsonNode hybrid = report(complete(g, body(g, 8, ",\"specgate_route\":\"hybrid\"")));
                assertEquals(List.of("hybrid", "forced_by_request", "speculative"), routeReasonMode(hybrid));
                String up = metrics(g);
                assertTrue(decisions(up, report(back).get("route").asText(), report(back).get("reason").asText()) >= 1, up);
            }
        } finally {
            verifier.close();
        }
    }
}
