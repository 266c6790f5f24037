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
                api_keys: [sk-1, {key: sk-2, tenant: acme}]
                admin_keys: [adm-1]
                policy: /etc/specgate/policy.yaml
                entropy_window: 4
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
        assertEquals(List.of("sk-1", "sk-2"), c.apiKeys.stream().map(k -> k.key).toList());
        assertEquals(java.util.Arrays.asList(null, "acme"), c.apiKeys.stream().map(k -> k.tenant).toList());
        assertEquals(List.of("adm-1"), c.adminKeys);
        assertEquals("/etc/specgate/policy.yaml", c.policy);
        assertEquals(4, c.entropyWindow);
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
        assertThrows(Exception.class, () -> GatewayConfig.parse("api_keys: [{key: a, tennant: b}]\n"));
        assertEquals(DecodeMode.SPECULATIVE, new GatewayConfig().defaultDecodeMode());
        GatewayConfig c = GatewayConfig.parse("default_mode: fastest\n");
        assertThrows(IllegalArgumentException.class, c::defaultDecodeMode);
    }
}
