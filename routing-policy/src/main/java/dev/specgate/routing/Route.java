package dev.specgate.routing;

import java.util.Locale;

/**
 * Where a request is served. Ordered by how much of the verifier it uses, which is what
 * {@link RoutingPolicy} relies on when a tenant policy makes it pick the nearest allowed route.
 */
public enum Route {
    /** Draft model only: no verifier, the edge answers alone. */
    LOCAL,
    /** Speculative decoding: the draft proposes, the verifier checks in batches. */
    HYBRID,
    /** Verifier only: the cloud model generates everything. */
    CLOUD;

    /** Stable lower-case name, used in the policy file and as a metrics label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code local|hybrid|cloud} (case-insensitive); throws IllegalArgumentException otherwise. */
    public static Route fromLabel(String label) {
        for (Route route : values()) {
            if (route.label().equalsIgnoreCase(label.trim())) {
                return route;
            }
        }
        throw new IllegalArgumentException("unknown route '" + label + "' (expected local, hybrid or cloud)");
    }

    /** True when serving this route needs the verifier to be reachable. */
    public boolean needsVerifier() {
        return this != LOCAL;
    }
}
