package dev.specgate.verifier;

/**
 * What one batched forward pass did.
 *
 * @param rows         tokens fed, all sequences together
 * @param sessions     sequences in the pass
 * @param startNanos   when the pass started ({@link System#nanoTime()})
 * @param forwardNanos duration of the forward pass
 * @param queueDepth   items still waiting when the pass ended
 */
record BatchInfo(int rows, int sessions, long startNanos, long forwardNanos, int queueDepth) {
}
