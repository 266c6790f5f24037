package dev.specgate.gateway;

/**
 * Receives a generation's output. Calls come from inference threads, one at a time, in order: any number of
 * {@link #onTokens}, then exactly one of {@link #onComplete} or {@link #onError}.
 */
public interface GenerationListener {

    /** Tokens that are final (verified, or produced in draft-only mode), in order; never repeated. */
    void onTokens(int[] committedIds);

    /** Generation ended (end of sequence, max tokens, context full, or cancelled). */
    void onComplete(SpeculationReport report);

    /** Generation failed; tokens already delivered stay valid. */
    void onError(Throwable error);
}
