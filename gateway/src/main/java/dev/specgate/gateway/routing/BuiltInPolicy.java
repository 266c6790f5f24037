package dev.specgate.gateway.routing;

import dev.specgate.gateway.GatewayConfig;
import dev.specgate.routing.KBounds;
import dev.specgate.routing.Route;
import dev.specgate.routing.config.InvalidPolicyException;
import dev.specgate.routing.config.PolicyCodec;
import dev.specgate.routing.config.PolicyConfig;
import dev.specgate.routing.config.SpeculationSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The policy a gateway starts with: its {@code policy} file, or without one the routing-policy module's defaults
 * with the gateway config's {@code default_mode} as {@code default_route} and its {@code k} as {@code k_initial}.
 */
final class BuiltInPolicy {
    private BuiltInPolicy() {
    }

    static PolicyConfig initial(GatewayConfig config) throws IOException {
        if (config.k < 1 || config.k > KBounds.HARD_MAX) {
            throw new IllegalArgumentException("k must be within 1.." + KBounds.HARD_MAX + ", got " + config.k);
        }
        Route defaultRoute = config.defaultDecodeMode().route();
        if (config.policy == null || config.policy.isBlank()) {
            return builtIn(defaultRoute, config.k);
        }
        Path file = Path.of(config.policy);
        PolicyConfig fromFile;
        try {
            fromFile = PolicyCodec.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (InvalidPolicyException e) {
            throw new IllegalArgumentException("policy file " + file + ": " + e.getMessage(), e);
        }
        if (config.defaultMode != null && fromFile.defaultRoute() != defaultRoute) {
            throw new IllegalArgumentException("default_mode '" + config.defaultMode + "' (route "
                    + defaultRoute.label() + ") contradicts default_route '" + fromFile.defaultRoute().label()
                    + "' in the policy file " + file + ": set the default route in one place, the policy file");
        }
        return fromFile;
    }

    private static PolicyConfig builtIn(Route defaultRoute, int k) {
        PolicyConfig defaults = PolicyConfig.defaults();
        SpeculationSettings s = defaults.speculation();
        SpeculationSettings speculation = s.withK(Math.min(s.kMin(), k), Math.max(s.kMax(), k), k);
        return new PolicyConfig(defaultRoute, defaults.thresholds(), speculation, defaults.ewma(), defaults.tenants());
    }
}
