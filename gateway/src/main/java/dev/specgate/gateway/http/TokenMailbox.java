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
        }
        context.runOnContext(v -> deliver.accept(take()));
    }

    private synchronized int[] take() {
        int[] tokens = pending;
        pending = EMPTY;
        queued = false;
        return tokens;
    }
}
