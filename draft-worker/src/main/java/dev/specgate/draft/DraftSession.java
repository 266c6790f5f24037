package dev.specgate.draft;

import dev.specgate.engine.model.KVCache;
import dev.specgate.proto.v1.ProposeResponse;

import java.util.Arrays;

/**
 * One caller's sequence on the draft model: the tokens in its KV cache (committed ones plus the draft's own
 * proposals fed back in) and the answer to the last round, for retries.
 *
 * <p>Invariant: {@code tokens[0 .. length)} are exactly the positions held by {@code cache}. Callers hold the
 * session's monitor while using it; that is what serialises the calls of one session.
 */
final class DraftSession {
    final String id;
    final KVCache cache;
    private int[] tokens = new int[64];
    private int length;
    long lastRound = -1;
    ProposeResponse lastResponse;
    volatile long lastUsedNanos;
    boolean closed;

    DraftSession(String id, KVCache cache) {
        this.id = id;
        this.cache = cache;
        this.lastUsedNanos = System.nanoTime();
    }

    int length() {
        return length;
    }

    int[] tokens() {
        return Arrays.copyOf(tokens, length);
    }

    int token(int i) {
        return tokens[i];
    }

    /** Keeps the first {@code n} tokens (the cache is truncated by the caller to match). */
    void truncate(int n) {
        length = n;
    }

    void append(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[length++] = token;
    }

    /**
     * Ends the session without freeing its cache, which the caller then owns: only if the session holds exactly
     * {@code expected} (else null, and the session stays as it is).
     */
    synchronized KVCache handOver(int[] expected) {
        if (closed || length != expected.length || !Arrays.equals(tokens, 0, length, expected, 0, length)) {
            return null;
        }
        closed = true; // later calls find it gone (NOT_FOUND); close() no longer frees the cache
        return cache;
    }

    /** Frees the cache; waits for a call in progress on this session to finish first. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            cache.close();
        }
    }
}
