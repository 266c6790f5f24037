package dev.specgate.gateway.http;

import io.vertx.core.Context;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Hands committed tokens from inference threads to a request's event loop. While a hand-over is already queued,
 * new tokens join it instead of queueing another task: a busy event loop then writes several tokens at once
 * rather than falling further behind, one task per token. Order is kept (tokens posted before a later
 * {@code runOnContext} are delivered before it).
 */
final class TokenMailbox {
    private static final int[] EMPTY = new int[0];

    private final Context context;
    private final Consumer<int[]> deliver;
    private int[] pending = EMPTY;
    private boolean queued;
    /** Hand-overs queued or running: a writer waiting in {@link #awaitDelivered} waits for 0. */
    private int inFlight;

    TokenMailbox(Context context, Consumer<int[]> deliver) {
        this.context = context;
        this.deliver = deliver;
    }

    /** Called on any thread. */
    void post(int[] tokens) {
        synchronized (this) {
            int old = pending.length;
            pending = Arrays.copyOf(pending, old + tokens.length);
            System.arraycopy(tokens, 0, pending, old, tokens.length);
            if (queued) {
                return;
            }
            queued = true;
            inFlight++;
        }
        context.runOnContext(v -> {
            try {
                deliver.accept(take());
            } finally {
                delivered();
            }
        });
    }

    /** Called on any thread but the event loop: waits at most {@code maxNanos} until every hand-over has run. */
    synchronized void awaitDelivered(long maxNanos) {
        long deadline = System.nanoTime() + maxNanos;
        long left;
        while (inFlight > 0 && (left = deadline - System.nanoTime()) > 0) {
            try {
                wait(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized void delivered() {
        inFlight--;
        notifyAll();
    }

    private synchronized int[] take() {
        int[] tokens = pending;
        pending = EMPTY;
        queued = false;
        return tokens;
    }
}
