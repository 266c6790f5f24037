package dev.specgate.gateway.replicas;

import dev.specgate.gateway.decode.VerifierChannel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One verifier replica: the channel to one address, how many sessions it holds, and its health. A replica that
 * could not be reached is {@code down} for a while (new sessions avoid it and its sessions move away); one that
 * was too slow is {@code slow} for a while (new sessions avoid it, its sessions stay); one that left the address
 * set is {@code retired} for good.
 */
final class VerifierReplica {
    private enum Health { OK, SLOW, DOWN }

    private final String address;
    private final VerifierChannel channel;
    private final AtomicInteger sessions = new AtomicInteger();
    private Health health = Health.OK;
    private long untilNanos;
    private volatile boolean retired;

    VerifierReplica(String address, VerifierChannel channel) {
        this.address = address;
        this.channel = channel;
    }

    String address() {
        return address;
    }

    VerifierChannel channel() {
        return channel;
    }

    int sessions() {
        return sessions.get();
    }

    void sessionAdded() {
        sessions.incrementAndGet();
    }

    void sessionRemoved() {
        sessions.decrementAndGet();
    }

    /** Takes new sessions: not retired, neither down nor slow. */
    boolean usable() {
        return !retired && health() == Health.OK;
    }

    /** Keeps the sessions it has: not retired and not down. */
    boolean keepsSessions() {
        return !retired && health() != Health.DOWN;
    }

    /** Not taking new sessions after a failure (down or slow). */
    synchronized boolean avoided() {
        return !retired && health() != Health.OK;
    }

    /** Could not be reached: down for {@code nanos}. True if it was in better health until now. */
    synchronized boolean markDown(long nanos) {
        return mark(Health.DOWN, nanos);
    }

    /** Too slow: no new sessions for {@code nanos}. True if it was healthy until now. */
    synchronized boolean markSlow(long nanos) {
        return health() == Health.DOWN ? false : mark(Health.SLOW, nanos);
    }

    private boolean mark(Health to, long nanos) {
        boolean worse = health().ordinal() < to.ordinal();
        health = to;
        untilNanos = System.nanoTime() + nanos;
        return worse;
    }

    private synchronized Health health() {
        if (health != Health.OK && System.nanoTime() - untilNanos >= 0) {
            health = Health.OK;
            channel.resetConnectBackoff(); // its time out is over: try to connect at once
        }
        return health;
    }

    void retire() {
        retired = true;
    }

    @Override
    public String toString() {
        return address;
    }
}
