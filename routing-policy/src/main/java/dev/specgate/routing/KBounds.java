package dev.specgate.routing;

/** Inclusive bounds on the speculation length k; k = 0 means no speculation (verifier-only rounds). */
public record KBounds(int min, int max) {

    /** Upper limit for any k: keeps per-position arrays small and catches typos like k_max: 800. */
    public static final int HARD_MAX = 32;

    public KBounds {
        if (min < 0 || max < min || max > HARD_MAX) {
            throw new IllegalArgumentException("k bounds must satisfy 0 <= min <= max <= " + HARD_MAX + ", got " + min + ".." + max);
        }
    }

    public int clamp(int k) {
        return Math.max(min, Math.min(max, k));
    }

    public boolean allowsNoSpeculation() {
        return min == 0;
    }

    @Override
    public String toString() {
        return min + ".." + max;
    }
}
