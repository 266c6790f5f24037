package dev.specgate.gateway;

import java.util.Locale;

/** How a generation is decoded; {@link #wireName()} is how the API and metrics spell it. */
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
