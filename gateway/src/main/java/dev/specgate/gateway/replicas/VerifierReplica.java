package dev.specgate.gateway.replicas;

import dev.specgate.gateway.decode.VerifierChannel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One verifier replica: the channel to one address, how many sessions it holds, and whether it recently failed
 * ({@code down} until a moment; new sessions avoid it until then) or left the address set ({@code retired}).
 */
final class VerifierReplica {
    private final String address;
    private final VerifierChannel channel;
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile long downUntilNanos;
    private volatile boolean down;
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

    /** Takes sessions: not retired and not within a failure's down time. */
    boolean usable() {
        if (retired) {
            return false;
        }
        if (down && System.nanoTime() - downUntilNanos >= 0) {
            down = false;
            channel.resetConnectBackoff(); // its down time is over: try to connect at once
        }
        return !down;
    }

    /** Failed: skipped for {@code nanos}. True if it was usable until now. */
    boolean markDown(long nanos) {
        boolean was = !down;
        downUntilNanos = System.nanoTime() + nanos;
        down = true;
        return was;
    }

    boolean down() {
        return down && System.nanoTime() - downUntilNanos < 0;
    }

    void retire() {
        retired = true;
    }

    boolean retired() {
        return retired;
    }

    @Override
    public String toString() {
        return address;
    }
}
