package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Checks of the local route when the policy chose it from the draft's entropy (the draft read the prompt first). */
final class LocalRouting {
    static final String PROMPT = "And the LORD spake unto Moses, saying,";

    private LocalRouting() {
    }

    /** A policy under which every draft is confident enough: requests without a hint route local. */
    static Path confidentDraftPolicy(Path dir) throws IOException {
        Path policy = dir.resolve("confident.yaml");
        Files.writeString(policy, "thresholds: {entropy_local_nats: 100, entropy_cloud_nats: 200}\n");
        return policy;
    }

    /**
     * A request the policy routes local after the draft read its prompt (going on from that read) answers exactly
     * as one forced local (read afresh), greedy and sampled.
     */
    static void assertLocalAfterReadEqualsDraftOnly(Gateway g) throws Exception {
        for (String sampling : new String[] {"\"temperature\":0", "\"temperature\":1,\"seed\":11"}) {
            String body = "{\"model\":\"" + g.modelName() + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":12,"
                    + sampling;
            JsonNode routed = complete(g, body + "}");
            assertEquals("local", routed.at("/usage/specgate/route").asText(), routed.toString());
            assertEquals("draft_confident", routed.at("/usage/specgate/reason").asText(), routed.toString());
            JsonNode forced = complete(g, body + ",\"specgate_route\":\"local\"}");
            assertEquals("forced_by_request", forced.at("/usage/specgate/reason").asText(), forced.toString());
            assertEquals(forced.at("/choices/0/text").asText(), routed.at("/choices/0/text").asText(), sampling);
            assertEquals(12, routed.at("/usage/completion_tokens").asInt(), routed.toString());
        }
    }

    private static JsonNode complete(Gateway g, String body) throws Exception {
        Http.Response r = Http.post(g.baseUrl() + "/completions", body);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }
}
