package dev.specgate.verifier;

import dev.specgate.engine.model.KVCacheMemoryException;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.model.SequenceInput;
import dev.specgate.engine.tensor.ComputePriority;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gathers the pending rounds of all sessions into batched forward passes, on one thread.
 *
 * <p>When work arrives the loop waits up to {@code maxBatchWait} for more, then takes queued items in arrival
 * order up to the token budget (an item bigger than the budget runs alone), at most one per session, runs
 * ONE forward pass for them all and lets each item consume its logits. The wait is cut short when every
 * session that was served recently is already queued: nobody else is expected, so waiting would only add
 * latency (a lone client never pays it).
 *
 * <p>Owning every cache mutation on this thread is what keeps sessions lock-free; the request threads only
 * append to the queue.
 */
final class VerificationScheduler implements AutoCloseable {
    /** How long a served session counts as "active" when deciding whether to wait for it. */
    private static final long ACTIVE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Model model;
    private final SessionStore store;
    private final int tokenBudget;
    private final long maxWaitNanos;
    private final int maxQueued;
    private final long sweepIntervalNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<BatchItem> queue = new ArrayDeque<>();  // guarded by lock
    private int queuedEstimatedRows;                                 // guarded by lock
    private boolean running = true;                                  // guarded by lock

    // Scheduler thread only.
    private final Map<Object, Long> recentOwners = new IdentityHashMap<>();
    private long nextSweepNanos;

    private volatile long batches;
    private volatile long items;
    private volatile long rows;
    private volatile long forwardNanos;
    private volatile int lastBatchSessions;
    private volatile int lastBatchRows;
    private volatile int maxBatchSessions;
    private volatile BatchObserver batchObserver;

    private final Thread thread;

    VerificationScheduler(Model model, SessionStore store, VerifierConfig config) {
        this.model = model;
        this.store = store;
        this.tokenBudget = config.batchTokenBudget();
        this.maxWaitNanos = config.maxBatchWait().toNanos();
        this.maxQueued = config.maxQueuedRounds();
        this.sweepIntervalNanos = Math.clamp(config.sessionTtl().toNanos() / 4,
                TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(5));
        this.thread = Thread.ofPlatform().name("verifier-scheduler").daemon().unstarted(this::loop);
        thread.start();
    }

    /** Queues a new item; RESOURCE_EXHAUSTED when the queue is full, UNAVAILABLE after close. */
    void submit(BatchItem item) {
        lock.lock();
        try {
            if (!running) {
                throw Statuses.unavailable("the verifier is shutting down");
            }
            if (queue.size() >= maxQueued) {
                throw Statuses.resourceExhausted("verification queue is full (" + maxQueued + " rounds waiting)");
            }
            enqueue(item);
        } finally {
            lock.unlock();
        }
    }

    int queueDepth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    SchedulerStats stats() {
        return new SchedulerStats(batches, items, rows, lastBatchSessions, lastBatchRows, maxBatchSessions,
                queueDepth(), store.size(), store.usedBytes());
    }

    private void enqueue(BatchItem item) {
        queue.addLast(item);
        queuedEstimatedRows += item.estimatedRows();
        changed.signalAll();
    }

    private void loop() {
        ComputePriority.lowerCurrentThread(); // this thread runs the forward passes: requests and replies go first
        while (true) {
            maintainSessions();
            List<Refused> failed = new ArrayList<>();
            List<BatchItem> batch;
            try {
                batch = nextBatch(failed);
            } catch (InterruptedException e) {
                return;
            }
            failed.forEach(refused -> failQuietly(refused.item(), refused.error()));
            if (batch == null) {
                return;
            }
            if (!batch.isEmpty()) {
                run(batch);
            }
        }
    }

    private void maintainSessions() {
        long now = System.nanoTime();
        if (now - nextSweepNanos >= 0) {
            store.expire(now);
            nextSweepNanos = now + sweepIntervalNanos;
        }
        store.freeClosed();
    }

    /**
     * Waits for work, gathers, and takes the next batch. Items that cannot run go to {@code failed}, to be
     * failed outside the lock. Null when the scheduler is closed.
     */
    private List<BatchItem> nextBatch(List<Refused> failed) throws InterruptedException {
        lock.lock();
        try {
            if (queue.isEmpty()) {
                changed.awaitNanos(sweepIntervalNanos);
            }
            if (!running) {
                return null;
            }
            if (queue.isEmpty()) {
                return List.of();
            }
            long deadline = queue.peekFirst().enqueuedNanos() + maxWaitNanos;
            while (running && queuedEstimatedRows < tokenBudget && !everyActiveOwnerQueued()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            return take(failed);
        } finally {
            lock.unlock();
        }
    }

    private boolean everyActiveOwnerQueued() {
        long now = System.nanoTime();
        recentOwners.values().removeIf(seen -> now - seen > ACTIVE_WINDOW_NANOS);
        // A released or evicted session sends no more rounds: do not wait for it.
        recentOwners.keySet().removeIf(owner -> owner instanceof Session session && session.closed());
        Set<Object> queued = Collections.newSetFromMap(new IdentityHashMap<>());
        for (BatchItem item : queue) {
            queued.add(item.owner());
        }
        return queued.containsAll(recentOwners.keySet());
    }

    /** An item whose {@link BatchItem#plan()} refused to run. */
    private record Refused(BatchItem item, RuntimeException error) {
    }

    private List<BatchItem> take(List<Refused> failed) {
        List<BatchItem> batch = new ArrayList<>();
        Set<Object> owners = Collections.newSetFromMap(new IdentityHashMap<>());
        int batchRows = 0;
        for (Iterator<BatchItem> it = queue.iterator(); it.hasNext() && batchRows < tokenBudget; ) {
            BatchItem item = it.next();
            if (owners.contains(item.owner())) {
                continue; // a later round of a session already in this pass waits for the next one
            }
            int itemRows;
            try {
                itemRows = item.plan();
            } catch (RuntimeException e) {
                it.remove();
                queuedEstimatedRows -= item.estimatedRows();
                failed.add(new Refused(item, e));
                continue;
            }
            if (!batch.isEmpty() && batchRows + itemRows > tokenBudget) {
                break;
            }
            it.remove();
            queuedEstimatedRows -= item.estimatedRows();
            batch.add(item);
            owners.add(item.owner());
            batchRows += itemRows;
        }
        return batch;
    }

    /** One forward pass for the batch; on a full KV budget, evicts idle sessions or splits the batch. */
    private void run(List<BatchItem> batch) {
        Set<Object> busy = Collections.newSetFromMap(new IdentityHashMap<>());
        batch.forEach(item -> busy.add(item.owner()));
        List<SequenceInput> inputs = new ArrayList<>(batch.size());
        for (BatchItem item : batch) {
            inputs.add(item.prepare());
        }
        long start = System.nanoTime();
        float[][] logits;
        try {
            logits = forwardEvicting(inputs, busy);
        } catch (KVCacheMemoryException e) {
            if (batch.size() > 1) {
                for (BatchItem item : batch) {
                    run(List.of(item)); // isolate whoever does not fit; the others still run
                }
            } else {
                failQuietly(batch.getFirst(), Statuses.resourceExhausted(e.getMessage()
                        + "; no idle session left to evict"));
            }
            return;
        } catch (RuntimeException e) {
            batch.forEach(item -> failQuietly(item, e));
            return;
        }
        long forwardNanos = System.nanoTime() - start;
        this.forwardNanos += forwardNanos; // this thread is the only writer
        int batchRows = inputs.stream().mapToInt(in -> in.tokens().length).sum();
        record(batch.size(), batchRows);
        BatchInfo info = new BatchInfo(batchRows, batch.size(), start, forwardNanos, queueDepth());

        List<BatchItem> again = new ArrayList<>();
        long now = System.nanoTime();
        for (int i = 0; i < batch.size(); i++) {
            BatchItem item = batch.get(i);
            recentOwners.put(item.owner(), now);
            try {
                if (item.complete(logits[i], info)) {
                    again.add(item);
                }
            } catch (RuntimeException e) {
                failQuietly(item, e);
            }
            if (item.ownerDone()) {
                // A finished generation sends nothing more: waiting for it would delay every other session.
                recentOwners.remove(item.owner());
            }
        }
        if (!again.isEmpty()) {
            requeue(again);
        }
    }

    private float[][] forwardEvicting(List<SequenceInput> inputs, Set<Object> busy) {
        while (true) {
            try {
                return model.forward(inputs);
            } catch (KVCacheMemoryException e) {
                // The pass reserves all caches before computing anything, so a retry is safe.
                if (!store.evictIdle(busy)) {
                    throw e;
                }
            }
        }
    }

    private void requeue(List<BatchItem> steps) {
        lock.lock();
        try {
            for (BatchItem step : steps) {
                if (step instanceof GenerateStream g) {
                    g.requeued();
                }
                if (running) {
                    enqueue(step);
                } else {
                    failQuietly(step, Statuses.unavailable("the verifier is shutting down"));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void record(int sessions, int batchRows) {
        batches++;
        items += sessions;
        rows += batchRows;
        lastBatchSessions = sessions;
        lastBatchRows = batchRows;
        maxBatchSessions = Math.max(maxBatchSessions, sessions);
        BatchObserver observer = batchObserver;
        if (observer != null) {
            observer.batch(sessions, batchRows);
        }
    }

    /** Total time spent in forward passes so far (the verifier's busy time). */
    long forwardNanos() {
        return forwardNanos;
    }

    void observeBatches(BatchObserver observer) {
        batchObserver = observer;
    }

    private void failQuietly(BatchItem item, Throwable error) {
        try {
            item.fail(error);
        } catch (RuntimeException ignored) {
            // The item's client is gone (e.g. a cancelled stream); nothing left to tell it.
        }
    }

    /** Stops the loop and fails whatever is still queued with UNAVAILABLE. */
    @Override
    public void close() {
        List<BatchItem> left;
        lock.lock();
        try {
            running = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            left = new ArrayList<>(queue);
            queue.clear();
            queuedEstimatedRows = 0;
        } finally {
            lock.unlock();
        }
        left.forEach(item -> failQuietly(item, Statuses.unavailable("the verifier shut down")));
        store.freeClosed();
    }
}
