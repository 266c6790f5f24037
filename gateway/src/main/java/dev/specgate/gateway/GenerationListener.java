package dev.specgate.gateway;

/**
 * Receives a generation's output. Calls come from inference threads, one at a time, in order: any number of
 * {@link #onTokens}, then exactly one of {@link #onComplete} or {@link #onError}.
 */
public interface GenerationListener {

    /** Tokens that are final (verified, or produced in draft-only mode), in order; never repeated. */
    void onTokens(int[] committedIds);

    /**
     * Waits, at most {@code maxNanos}, until the tokens passed so far are on their way to the client. A generation
     * about to compute its next round calls it: where the draft shares the machine's cores with the gateway, the
     * writer would otherwise wait for a core the next forward pass holds (measured: 0.7 ms to hand a committed
     * token to the event loop and 0.4 ms more to the client on 2 cores, about 0.05 ms when the cores are free).
     */
    default void awaitDelivery(long maxNanos) {
    }

    /** Generation ended (end of sequence, max tokens, context full, or cancelled). */
    void onComplete(SpeculationReport report);

    /** Generation failed; tokens already delivered stay valid. */
    void onError(Throwable error);
}
