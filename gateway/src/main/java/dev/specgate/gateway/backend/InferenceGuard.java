package dev.specgate.gateway.backend;

import io.vertx.core.Context;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts model calls made on a Vert.x event-loop thread. There should be none: inference belongs on the
 * inference executor. Tests assert the count stays 0; production only pays a thread-local lookup per call.
 */
public final class InferenceGuard {
    private static final AtomicLong EVENT_LOOP_CALLS = new AtomicLong();

    private InferenceGuard() {
    }

    /** Call before each forward pass. */
    public static void check() {
        if (Context.isOnEventLoopThread()) {
            EVENT_LOOP_CALLS.incrementAndGet();
        }
    }

    public static long eventLoopCalls() {
        return EVENT_LOOP_CALLS.get();
    }
}
