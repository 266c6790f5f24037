package dev.specgate.verifier;

import dev.specgate.engine.model.MemoryBudget;
import dev.specgate.engine.model.Model;
import dev.specgate.proto.v1.VerifyResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The worker's sessions by id, their TTL and their share of the KV memory budget.
 *
 * <p>Membership changes under this object's lock. KV caches are freed only on the scheduler thread
 * ({@link #freeClosed}, {@link #evictIdle}), because a session dropped by a request thread may be inside the
 * forward pass running at that moment.
 */
final class SessionStore {
    private final Model model;
    private final MemoryBudget budget;
    private final long ttlNanos;
    private final Map<String, Session> sessions = new HashMap<>();
    private final ConcurrentLinkedQueue<Session> toFree = new ConcurrentLinkedQueue<>();

    SessionStore(Model model, MemoryBudget budget, long ttlNanos) {
        this.model = model;
        this.budget = budget;
        this.ttlNanos = ttlNanos;
    }

    /**
     * Where a round goes: to an answer that already exists (a retry), or to a new run on {@code session}.
     *
     * @param session the session the round runs on
     * @param answer  the round's future: complete already for a retry of an applied round
     * @param run     true when the caller must queue the round; false when it joins an existing answer
     */
    record Admission(Session session, CompletableFuture<VerifyResponse> answer, boolean run) {
    }

    /** Finds or (for offset 0) creates the session, and registers the round in it. */
    synchronized Admission admit(String id, long round, int committedOffset, long nowNanos) {
        Session session = sessions.get(id);
        if (session != null && expired(session, nowNanos)) {
            drop(session);
            session = null;
        }
        if (session != null) {
            CompletableFuture<VerifyResponse> existing = session.existingAnswer(round);
            if (existing != null) {
                return new Admission(session, existing, false);
            }
        } else if (committedOffset > 0) {
            throw Statuses.notFound("session '" + id + "' is not held by this worker (expired, evicted or the "
                    + "worker restarted); resend the round with committed_offset 0 and the full prefix");
        } else {
            session = new Session(id, model.newCache(model.config().contextLength(), budget), nowNanos);
            sessions.put(id, session);
        }
        CompletableFuture<VerifyResponse> answer = new CompletableFuture<>();
        session.startRound(round, answer, nowNanos);
        return new Admission(session, answer, true);
    }

    /** Drops a session; true when it was held. Queued rounds of it then fail with NOT_FOUND. */
    synchronized boolean release(String id) {
        Session session = sessions.get(id);
        if (session == null) {
            return false;
        }
        drop(session);
        return true;
    }

    /** Drops idle sessions unused for longer than the TTL. */
    synchronized void expire(long nowNanos) {
        for (Session session : List.copyOf(sessions.values())) {
            if (expired(session, nowNanos)) {
                drop(session);
            }
        }
    }

    /**
     * Scheduler thread: frees the least recently used idle session not in {@code busy}, to make room in the
     * KV budget. False when there is nothing left to evict.
     */
    boolean evictIdle(Set<Object> busy) {
        Session victim;
        synchronized (this) {
            victim = null;
            for (Session s : sessions.values()) {
                if (!busy.contains(s) && s.idle() && (victim == null || s.lastUsedNanos() < victim.lastUsedNanos())) {
                    victim = s;
                }
            }
            if (victim == null) {
                return false;
            }
            sessions.remove(victim.id);
            victim.markClosed();
        }
        victim.cache.close();
        return true;
    }

    /** Scheduler thread: frees the caches of sessions released or expired since the last call. */
    void freeClosed() {
        for (Session s; (s = toFree.poll()) != null; ) {
            s.cache.close();
        }
    }

    synchronized int size() {
        return sessions.size();
    }

    synchronized boolean contains(String id) {
        return sessions.containsKey(id);
    }

    long usedBytes() {
        return budget.usedBytes();
    }

    /** Drops every session (shutdown); call {@link #freeClosed} afterwards from the thread owning the caches. */
    synchronized void dropAll() {
        for (Session s : new ArrayList<>(sessions.values())) {
            drop(s);
        }
    }

    private boolean expired(Session session, long nowNanos) {
        return session.idle() && nowNanos - session.lastUsedNanos() > ttlNanos;
    }

    private void drop(Session session) {
        sessions.remove(session.id);
        session.markClosed();
        toFree.add(session);
    }
}
