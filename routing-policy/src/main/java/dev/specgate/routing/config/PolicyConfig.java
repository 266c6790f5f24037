package dev.specgate.routing.config;

import dev.specgate.routing.Route;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The whole routing policy, as read from the policy file. Immutable; {@link PolicyStore} swaps whole instances.
 * Instances read through {@link PolicyCodec} are validated ({@link PolicyValidator}).
 */
public record PolicyConfig(Route defaultRoute, Thresholds thresholds, SpeculationSettings speculation,
                           EwmaSettings ewma, Map<String, TenantPolicy> tenants) {

    public PolicyConfig {
        Objects.requireNonNull(defaultRoute, "defaultRoute");
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(speculation, "speculation");
        Objects.requireNonNull(ewma, "ewma");
        // Keep the file's order so that a GET of the policy reads like the file that was PUT.
        tenants = Collections.unmodifiableMap(new LinkedHashMap<>(tenants));
    }

    public static PolicyConfig defaults() {
        return new PolicyConfig(Route.HYBRID, Thresholds.defaults(), SpeculationSettings.defaults(),
                EwmaSettings.defaults(), Map.of());
    }

    /** The default policy with speculation bounded to {@code kMin..kMax}, starting at {@code kInitial}. */
    public static PolicyConfig withK(int kMin, int kMax, int kInitial) {
        PolicyConfig d = defaults();
        return new PolicyConfig(d.defaultRoute(), d.thresholds(), d.speculation().withK(kMin, kMax, kInitial),
                d.ewma(), d.tenants());
    }

    /** The named tenant's policy, or {@link TenantPolicy#unrestricted()} for tenants the file does not name. */
    public TenantPolicy tenant(String name) {
        TenantPolicy policy = tenants.get(name);
        return policy != null ? policy : TenantPolicy.unrestricted();
    }
}
