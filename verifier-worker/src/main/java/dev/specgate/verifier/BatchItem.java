package dev.specgate.verifier;

import dev.specgate.engine.model.SequenceInput;

/**
 * One sequence's share of a batched forward pass: a verification round, or one step of a generation.
 * Every method runs on the scheduler thread, which is what lets items touch their session's cache unlocked.
 */
interface BatchItem {

    /** Whose KV cache the item feeds: a batch holds at most one item per owner. */
    Object owner();

    /**
     * True once the owner will send no more work (a finished generation): the scheduler then stops waiting
     * for it when gathering a batch. Verification rounds return false: their session goes on.
     */
    default boolean ownerDone() {
        return false;
    }

    /** When the item (or its latest step) entered the queue, {@link System#nanoTime()}. */
    long enqueuedNanos();

    /** An upper bound of {@link #plan()} known without touching the session, for the gathering heuristic. */
    int estimatedRows();

    /**
     * Checks the item against its session's current state and returns how many rows it would feed now.
     * Must not change anything the scheduler could not undo by simply not running the item.
     *
     * @throws io.grpc.StatusRuntimeException when the item cannot run (the scheduler then {@link #fail}s it)
     */
    int plan();

    /** Brings the cache to the state {@link #plan()} assumed and returns the input; safe to call again. */
    SequenceInput prepare();

    /**
     * Consumes the item's logits.
     *
     * @return true when the item wants another step (a generation not yet finished)
     */
    boolean complete(float[] logits, BatchInfo batch);

    /** Ends the item with an error (a status, or an exception mapped to one). */
    void fail(Throwable error);
}
