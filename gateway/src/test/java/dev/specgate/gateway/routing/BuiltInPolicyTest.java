package dev.specgate.gateway.routing;

import dev.specgate.gateway.GatewayConfig;
import dev.specgate.routing.Route;
import dev.specgate.routing.config.PolicyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the gateway's initial policy comes from: the policy file, else the module defaults with default_mode and k. */
class BuiltInPolicyTest {

    @Test
    void withoutAFileTheDefaultsTakeDefaultModeAndK() throws Exception {
        GatewayConfig config = new GatewayConfig();
        PolicyConfig policy = BuiltInPolicy.initial(config);
        assertEquals(Route.HYBRID, policy.defaultRoute());
        assertEquals(4, policy.speculation().kInitial());
        assertEquals(PolicyConfig.defaults().thresholds(), policy.thresholds());

        config.defaultMode = "verifier-only";
        config.k = 12;
        policy = BuiltInPolicy.initial(config);
        assertEquals(Route.CLOUD, policy.defaultRoute());
        assertEquals(12, policy.speculation().kInitial());
        assertEquals(12, policy.speculation().kMax(), "k_max widened to hold k");

        config.k = 0;
        assertThrows(IllegalArgumentException.class, () -> BuiltInPolicy.initial(config));
    }

    @Test
    void aPolicyFileDecidesAndMayNotContradictDefaultMode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, "default_route: local\nspeculation: {k_max: 3, k_initial: 2}\n");
        GatewayConfig config = new GatewayConfig();
        config.policy = file.toString();
        PolicyConfig policy = BuiltInPolicy.initial(config);
        assertEquals(Route.LOCAL, policy.defaultRoute());
        assertEquals(2, policy.speculation().kInitial());

        config.defaultMode = "draft-only"; // the same route: fine
        assertEquals(Route.LOCAL, BuiltInPolicy.initial(config).defaultRoute());
        config.defaultMode = "speculative";
        IllegalArgumentException conflict = assertThrows(IllegalArgumentException.class,
                () -> BuiltInPolicy.initial(config));
        assertTrue(conflict.getMessage().contains("default_route"), conflict.getMessage());

        config.defaultMode = null;
        Files.writeString(file, "speculation: {k_min: 4, k_max: 2}\n");
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> BuiltInPolicy.initial(config));
        assertTrue(invalid.getMessage().contains("speculation.k_max"), invalid.getMessage());
    }
}
