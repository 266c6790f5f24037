package dev.specgate.gateway.backend;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The log of generations that fell back to the draft, bounded: the first fallback of a quiet spell is logged at
 * once, later ones within {@code interval} are only counted, and the next line logged says how many there were
 * (and the last cause). A verifier outage under load gives a line per interval, not one per request; the exact
 * count is {@code specgate_fallbacks_total}.
 */
final class FallbackLog {
    static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Consumer<String> sink;
    private final LongSupplier clock;
    private final long intervalNanos;
    private boolean logged;
    private long lastLogNanos;
    private int suppressed;
    private String lastSuppressed;

    FallbackLog(Consumer<String> sink, LongSupplier clock, long intervalNanos) {
        this.sink = sink;
        this.clock = clock;
        this.intervalNanos = intervalNanos;
    }

    /** Logs as WARNING through {@code logger}. */
    static FallbackLog to(System.Logger logger) {
        return new FallbackLog(line -> logger.log(System.Logger.Level.WARNING, line), System::nanoTime,
                DEFAULT_INTERVAL_NANOS);
    }

    /** Generation {@code id} fell back after {@code committed} verified tokens because of {@code cause}
     *  (the verifier, or a remote draft's proposal, failed). */
    void fellBack(String id, int committed, Object cause) {
        String line = "speculation failed for " + id + " after " + committed + " tokens (" + cause
                + "); continuing draft-only";
        String message;
        synchronized (this) {
            long now = clock.getAsLong();
            if (logged && now - lastLogNanos < intervalNanos) {
                suppressed++;
                lastSuppressed = String.valueOf(cause);
                return;
            }
            message = suppressed == 0 ? line : line + "; " + suppressed + " more generations fell back in the last "
                    + TimeUnit.NANOSECONDS.toSeconds(now - lastLogNanos) + " s (last cause: " + lastSuppressed + ")";
            logged = true;
            lastLogNanos = now;
            suppressed = 0;
            lastSuppressed = null;
        }
        sink.accept(message);
    }
}
