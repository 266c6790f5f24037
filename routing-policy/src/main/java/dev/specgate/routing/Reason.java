package dev.specgate.routing;

import java.util.Locale;

/**
 * Why a route (or a speculation length) was chosen. A closed set on purpose: the labels are metric label
 * values ({@code decisions_total{route,reason}}), so adding one is an API change, and the strings never change.
 */
public enum Reason {
    /** The circuit breaker says the verifier cannot be reached: everything is served locally. */
    VERIFIER_UNREACHABLE,
    /** The request's explicit hint ({@code local|hybrid|cloud}) decided. */
    FORCED_BY_REQUEST,
    /** The tenant's policy decided: a forced route, or the route the rules wanted is not allowed. */
    TENANT_POLICY,
    /** The draft's entropy on the prompt is low: the draft alone is good enough. */
    DRAFT_CONFIDENT,
    /** The draft's entropy on the prompt is high: speculation would mostly be rejected. */
    DRAFT_UNCERTAIN,
    /** Observed acceptance for this traffic is below the floor: speculation does not pay. */
    LOW_ACCEPTANCE,
    /** The verifier reports a deep queue or slow round trips: keep load off it. */
    VERIFIER_OVERLOADED,
    /** The request is too long (prompt or max_tokens) to be answered by the draft alone. */
    LONG_GENERATION,
    /** No rule fired: the configured default. */
    DEFAULT;

    /** Stable snake_case label, e.g. {@code verifier_unreachable}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
