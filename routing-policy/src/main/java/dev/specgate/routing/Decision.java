package dev.specgate.routing;

import java.util.Objects;

/**
 * The routing answer for one request.
 *
 * @param route       where to serve it
 * @param reason      why, as a stable metrics label ({@link Reason#label()})
 * @param k           the speculation length to start with: the policy's initial k within {@code kBounds} for
 *                    {@code HYBRID}, 0 for {@code LOCAL} and {@code CLOUD}
 * @param kBounds     the bounds the session's {@code AdaptiveK} must stay within (tenant's, else global)
 * @param explanation human-readable sentence with the numbers that drove the decision (logs, debug headers)
 */
public record Decision(Route route, Reason reason, int k, KBounds kBounds, String explanation) {

    public Decision {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(kBounds, "kBounds");
        Objects.requireNonNull(explanation, "explanation");
        if (route != Route.HYBRID && k != 0) {
            throw new IllegalArgumentException("k must be 0 unless the route is hybrid");
        }
    }

    @Override
    public String toString() {
        return route.label() + " (" + reason.label() + (route == Route.HYBRID ? ", k=" + k : "") + "): " + explanation;
    }
}
