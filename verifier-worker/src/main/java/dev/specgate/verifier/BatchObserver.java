package dev.specgate.verifier;

/** Told about every batched forward pass, on the scheduler thread: must be quick and must not throw. */
@FunctionalInterface
public interface BatchObserver {
    /** One forward pass over {@code sessions} sequences (rounds and generation steps) and {@code rows} tokens. */
    void batch(int sessions, int rows);
}
