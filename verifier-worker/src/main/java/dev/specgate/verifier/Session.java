package dev.specgate.verifier;

import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.sampling.Sampler;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.proto.v1.VerifyResponse;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One client generation as the worker holds it.
 *
 * <p>Two kinds of state with two owners. The sequence ({@link #tokens}, the KV cache, the sampler) is touched
 * only by the scheduler thread, so it needs no lock; its invariant is that the cache holds exactly
 * {@code tokens[0 .. cache.length())}. The round bookkeeping (last applied round, stored answer, rounds in
 * flight, idle time) is shared with request threads and guarded by the session's monitor.
 */
final class Session {
    final String id;
    final KVCache cache;

    // --- scheduler thread only ---
    private int[] tokens = new int[0];
    private Sampler sampler;

    // --- guarded by this ---
    private long lastRound;
    private VerifyResponse lastResponse;
    private final Map<Long, CompletableFuture<VerifyResponse>> inFlight = new HashMap<>();
    private long lastUsedNanos;
    private volatile boolean closed;

    Session(String id, KVCache cache, long nowNanos) {
        this.id = id;
        this.cache = cache;
        this.lastUsedNanos = nowNanos;
    }

    /** The committed sequence (a view: callers must not modify it). */
    int[] tokens() {
        return tokens;
    }

    void setTokens(int[] committed) {
        this.tokens = committed;
    }

    /** Keeps the sampler (and its vocabulary-sized scratch) while the client keeps the same settings. */
    Sampler sampler(SamplingParams params) {
        if (sampler == null || !sampler.params().equals(params)) {
            sampler = new Sampler(params);
        }
        return sampler;
    }

    /** What a request for {@code round} should get without queueing anything, or null to run it. */
    synchronized CompletableFuture<VerifyResponse> existingAnswer(long round) {
        if (lastResponse != null && round == lastRound) {
            return CompletableFuture.completedFuture(lastResponse);
        }
        return inFlight.get(round);
    }

    synchronized void startRound(long round, CompletableFuture<VerifyResponse> answer, long nowNanos) {
        inFlight.put(round, answer);
        lastUsedNanos = nowNanos;
    }

    /** Records the applied round so that a retry gets the same answer and nothing is applied twice. */
    synchronized void finishRound(long round, VerifyResponse response, long nowNanos) {
        inFlight.remove(round);
        lastRound = round;
        lastResponse = response;
        lastUsedNanos = nowNanos;
    }

    synchronized void abandonRound(long round, long nowNanos) {
        inFlight.remove(round);
        lastUsedNanos = nowNanos;
    }

    synchronized boolean idle() {
        return inFlight.isEmpty();
    }

    synchronized long lastUsedNanos() {
        return lastUsedNanos;
    }

    boolean closed() {
        return closed;
    }

    /** Marks the session dead; the scheduler frees its cache between batches (it may be in a pass right now). */
    void markClosed() {
        closed = true;
    }

    @Override
    public String toString() {
        return "Session[" + id + ", " + tokens.length + " tokens, cache " + cache.length() + "]";
    }

    static int[] concat(int[] a, int aLength, int[] b) {
        int[] out = Arrays.copyOf(a, aLength + b.length);
        System.arraycopy(b, 0, out, aLength, b.length);
        return out;
    }
}
