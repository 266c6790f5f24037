package dev.specgate.gateway.decode;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Identifiers for completions and worker sessions: a random 64-bit prefix drawn once per process and kind, then a
 * counter. {@code UUID.randomUUID()} drew from {@code SecureRandom} for every one, two or three times on the way to
 * a request's first token, some 20 us each with the caches cold after a forward pass. Completion ids are shown to
 * clients; session ids never are and have a prefix of their own, so a client cannot work out the name of another
 * request's session on a worker from the ids it sees.
 */
public final class Ids {
    /** Names of worker sessions (draft and verifier), shared by every gateway talking to a worker. */
    public static final Ids SESSIONS = new Ids();
    /** The {@code id} of a completion response. */
    public static final Ids COMPLETIONS = new Ids();

    private final String prefix = HexFormat.of().toHexDigits(new SecureRandom().nextLong());
    private final AtomicLong counter = new AtomicLong();

    private Ids() {
    }

    /** 32 hex digits, never the same twice in this process, nor, but for a 2^-64 chance, in another. */
    public String next() {
        return prefix + HexFormat.of().toHexDigits(counter.incrementAndGet());
    }
}
