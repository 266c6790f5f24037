package dev.specgate.gateway;

import dev.specgate.routing.Route;

import java.util.Locale;

/**
 * How a generation is decoded; {@link #wireName()} is how the API and metrics spell it. Each mode serves one
 * routing-policy {@link Route}.
 */
public enum DecodeMode {
    /** Draft proposes, verifier checks: output equals the verifier's. */
    SPECULATIVE("speculative"),
    /** The small model alone: the offline fallback, also selectable on purpose. */
    DRAFT_ONLY("draft-only"),
    /** The large model alone, without speculation. */
    VERIFIER_ONLY("verifier-only");

    private final String wireName;

    DecodeMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The route this mode serves: draft-only is local, speculative hybrid, verifier-only cloud. */
    public Route route() {
        return switch (this) {
            case DRAFT_ONLY -> Route.LOCAL;
            case SPECULATIVE -> Route.HYBRID;
            case VERIFIER_ONLY -> Route.CLOUD;
        };
    }

    /** The mode that serves {@code route}. */
    public static DecodeMode of(Route route) {
        return switch (route) {
            case LOCAL -> DRAFT_ONLY;
            case HYBRID -> SPECULATIVE;
            case CLOUD -> VERIFIER_ONLY;
        };
    }

    /** Parses {@code speculative}, {@code draft-only} or {@code verifier-only} (also with underscores); null if unknown. */
    public static DecodeMode parse(String text) {
        if (text == null) {
            return null;
        }
        String normalized = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (DecodeMode mode : values()) {
            if (mode.wireName.equals(normalized)) {
                return mode;
            }
        }
        return null;
    }
}
