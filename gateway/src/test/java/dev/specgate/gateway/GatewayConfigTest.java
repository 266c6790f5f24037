package dev.specgate.gateway;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** YAML configuration: snake_case keys, defaults for everything left out, unknown keys refused. */
class GatewayConfigTest {

    @Test
    void readsYamlOverDefaults() throws Exception {
        GatewayConfig c = GatewayConfig.parse("""
                port: 9090
                draft: grpc://d:3
                tokenizer: /models/draft.gguf
                verifier: grpc://a:1,grpc://b:2
                default_mode: draft-only
                api_keys: [sk-1, sk-2]
                rate_limit: {requests_per_second: 5}
                resilience:
                  round_timeout_ms: 250
                tls: {enabled: true, cert_path: c.pem, key_path: k.pem}
                """);
        assertEquals(9090, c.port);
        assertEquals("grpc://a:1,grpc://b:2", c.verifier);
        assertEquals("grpc://d:3", c.draft);
        assertEquals("/models/draft.gguf", c.tokenizer);
        assertEquals(DecodeMode.DRAFT_ONLY, c.defaultDecodeMode());
        assertEquals(List.of("sk-1", "sk-2"), c.apiKeys);
        assertEquals(5.0, c.rateLimit.requestsPerSecond);
        assertEquals(20, c.rateLimit.burst);
        assertEquals(250, c.resilience.roundTimeoutMs);
        assertEquals(3000, c.resilience.openWaitMs);
        assertEquals("k.pem", c.tls.keyPath);
        assertEquals(256, c.maxInFlight);
        assertFalse(c.logPrompts);
    }

    @Test
    void refusesUnknownKeysAndModes() throws Exception {
        assertThrows(Exception.class, () -> GatewayConfig.parse("prot: 1\n"));
        GatewayConfig c = GatewayConfig.parse("default_mode: fastest\n");
        assertThrows(IllegalArgumentException.class, c::defaultDecodeMode);
    }
}
