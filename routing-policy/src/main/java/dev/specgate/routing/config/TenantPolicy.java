package dev.specgate.routing.config;

import dev.specgate.routing.KBounds;
import dev.specgate.routing.Route;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What one tenant may get.
 *
 * @param allowedRoutes routes the tenant may be served on (never empty)
 * @param force         a route every request of the tenant takes, if set (must be allowed)
 * @param kMin          the tenant's own lower k bound, else the global one
 * @param kMax          the tenant's own upper k bound, else the global one
 */
public record TenantPolicy(Set<Route> allowedRoutes, Optional<Route> force, OptionalInt kMin, OptionalInt kMax) {

    public TenantPolicy {
        Objects.requireNonNull(force, "force");
        Objects.requireNonNull(kMin, "kMin");
        Objects.requireNonNull(kMax, "kMax");
        allowedRoutes = allowedRoutes.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(allowedRoutes));
    }

    /** The policy of a tenant the file does not name: every route, nothing forced, global k bounds. */
    public static TenantPolicy unrestricted() {
        return new TenantPolicy(EnumSet.allOf(Route.class), Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    public boolean allows(Route route) {
        return allowedRoutes.contains(route);
    }

    /** The tenant's k bounds, each side falling back to the global speculation settings. */
    public KBounds kBounds(SpeculationSettings global) {
        return new KBounds(kMin.orElse(global.kMin()), kMax.orElse(global.kMax()));
    }
}
