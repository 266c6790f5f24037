package dev.specgate.routing;

import java.util.Locale;

/** The request's own say: a route, or {@code auto} to let the policy decide. */
public enum RouteHint {
    LOCAL, HYBRID, CLOUD, AUTO;

    /** The route the hint asks for; empty for {@code AUTO}. */
    public java.util.Optional<Route> route() {
        return switch (this) {
            case LOCAL -> java.util.Optional.of(Route.LOCAL);
            case HYBRID -> java.util.Optional.of(Route.HYBRID);
            case CLOUD -> java.util.Optional.of(Route.CLOUD);
            case AUTO -> java.util.Optional.empty();
        };
    }

    /** Parses the API field; null or blank means {@code AUTO}. Throws IllegalArgumentException for anything else. */
    public static RouteHint parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown route hint '" + value + "' (expected local, hybrid, cloud or auto)");
        }
    }
}
