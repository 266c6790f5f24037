package dev.specgate.draft;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sessions by id with a time-to-live and a least-recently-used cap. Dropped sessions are closed outside the
 * store's lock so that a slow call in progress on one session never blocks lookups of the others.
 */
final class SessionStore {
    private final int maxSessions;
    private final long ttlNanos;
    private final LinkedHashMap<String, DraftSession> sessions = new LinkedHashMap<>(16, 0.75f, true);

    SessionStore(int maxSessions, Duration ttl) {
        this.maxSessions = maxSessions;
        this.ttlNanos = ttl.toNanos();
    }

    /** The live session, or null. */
    DraftSession get(String id) {
        List<DraftSession> dropped = new ArrayList<>();
        DraftSession s;
        synchronized (this) {
            expire(dropped);
            s = sessions.get(id);
            if (s != null) {
                s.lastUsedNanos = System.nanoTime();
            }
        }
        dropped.forEach(DraftSession::close);
        return s;
    }

    /** A fresh session under {@code id}, replacing (and closing) any previous one. */
    DraftSession create(String id, Function<String, DraftSession> factory) {
        List<DraftSession> dropped = new ArrayList<>();
        DraftSession s = factory.apply(id);
        synchronized (this) {
            expire(dropped);
            DraftSession old = sessions.put(id, s);
            if (old != null) {
                dropped.add(old);
            }
            Iterator<DraftSession> lru = sessions.values().iterator();
            while (sessions.size() > maxSessions && lru.hasNext()) {
                DraftSession victim = lru.next();
                if (victim != s) {
                    lru.remove();
                    dropped.add(victim);
                }
            }
        }
        dropped.forEach(DraftSession::close);
        return s;
    }

    /** Removes only this exact session object (not a newer one under the same id). */
    boolean remove(DraftSession session) {
        boolean removed;
        synchronized (this) {
            removed = sessions.remove(session.id, session);
        }
        session.close();
        return removed;
    }

    /** Drops this exact session object without closing it (its cache was handed over). */
    void forget(DraftSession session) {
        synchronized (this) {
            sessions.remove(session.id, session);
        }
    }

    DraftSession remove(String id) {
        DraftSession s;
        synchronized (this) {
            s = sessions.remove(id);
        }
        if (s != null) {
            s.close();
        }
        return s;
    }

    synchronized int size() {
        return sessions.size();
    }

    void clear() {
        List<DraftSession> all;
        synchronized (this) {
            all = new ArrayList<>(sessions.values());
            sessions.clear();
        }
        all.forEach(DraftSession::close);
    }

    private void expire(List<DraftSession> dropped) {
        long now = System.nanoTime();
        // Access order: the oldest entries come first, so stop at the first live one.
        for (Iterator<Map.Entry<String, DraftSession>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            DraftSession s = it.next().getValue();
            if (now - s.lastUsedNanos < ttlNanos) {
                break;
            }
            it.remove();
            dropped.add(s);
        }
    }
}
