package dev.specgate.routing.config;

/**
 * A policy text that cannot be used. The message starts with the field path that is wrong, e.g.
 * {@code tenants.acme.k_max: must be >= k_min (2)}; {@link #fieldPath()} is that path alone
 * ({@code ""} for problems with the document as a whole, such as a syntax error).
 */
public final class InvalidPolicyException extends IllegalArgumentException {

    private final String fieldPath;

    public InvalidPolicyException(String fieldPath, String problem) {
        super((fieldPath.isEmpty() ? "policy" : fieldPath) + ": " + problem);
        this.fieldPath = fieldPath;
    }

    public String fieldPath() {
        return fieldPath;
    }
}
