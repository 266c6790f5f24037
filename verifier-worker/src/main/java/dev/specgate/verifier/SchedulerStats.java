package dev.specgate.verifier;

/**
 * Counters of the batched forward passes, for metrics, tests and benchmarks.
 *
 * @param batches           forward passes run
 * @param items             rounds and generation steps served, all passes together
 * @param rows              tokens fed, all passes together
 * @param lastBatchSessions sequences in the latest pass
 * @param lastBatchRows     tokens in the latest pass
 * @param maxBatchSessions  most sequences one pass held so far
 * @param queueDepth        items waiting now
 * @param sessions          sessions held now
 * @param kvBytes           KV-cache bytes allocated now (sessions and generations)
 */
public record SchedulerStats(long batches, long items, long rows, int lastBatchSessions, int lastBatchRows,
                             int maxBatchSessions, int queueDepth, int sessions, long kvBytes) {

    /** Mean sequences per forward pass. */
    public double meanBatchSessions() {
        return batches == 0 ? 0 : (double) items / batches;
    }

    /** Mean tokens per forward pass. */
    public double meanBatchRows() {
        return batches == 0 ? 0 : (double) rows / batches;
    }
}
