package dev.specgate.gateway;

/** A running generation. */
@FunctionalInterface
public interface GenerationHandle {

    /**
     * Stops at the next token boundary (client gone, stop sequence reached). The listener still gets its one
     * {@link GenerationListener#onComplete} with the report so far. Idempotent.
     */
    void cancel();
}
