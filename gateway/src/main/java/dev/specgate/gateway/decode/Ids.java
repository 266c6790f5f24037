package dev.specgate.gateway.decode;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Identifiers for completions and worker sessions: a random 64-bit prefix drawn once per process and kind, then a
 * counter scrambled by a bijection (so ids never repeat, and do not read as a count of requests served).
 * {@code UUID.randomUUID()} drew from {@code SecureRandom} for every one, two or three times on the way to a
 * request's first token, some 20 us each with the caches cold after a forward pass. These ids are unique, not
 * secret: nothing is granted by knowing one. Completion ids are shown to clients; session ids never are and have a
 * prefix and scrambling of their own.
 */
public final class Ids {
    private static final SecureRandom SEEDS = new SecureRandom(); // before the instances, which draw from it
    /** Names of worker sessions (draft and verifier), shared by every gateway talking to a worker. */
    public static final Ids SESSIONS = new Ids();
    /** The {@code id} of a completion response. */
    public static final Ids COMPLETIONS = new Ids();

    private final String prefix = HexFormat.of().toHexDigits(SEEDS.nextLong());
    private final long salt = SEEDS.nextLong();
    private final AtomicLong counter = new AtomicLong();

    private Ids() {
    }

    /** 32 hex digits, never the same twice in this process, nor, but for a 2^-64 chance, in another. */
    public String next() {
        return prefix + HexFormat.of().toHexDigits(scramble(counter.incrementAndGet() ^ salt));
    }

    /** MurmurHash3's 64-bit finalizer: a bijection, so distinct counts give distinct ids. */
    private static long scramble(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }
}
