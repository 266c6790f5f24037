package dev.specgate.engine.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fixed pool of daemon threads, one per processor, shared by every kernel.
 *
 * <p>A fork/join pool because joining inside it helps instead of blocking: a range split from a pool thread
 * (say, a worker that runs a whole forward pass inside the pool) cannot deadlock, and several threads may call
 * {@link #forRange} at once. Work too small to amortize a hand-off runs inline on the caller.
 */
public final class Parallel {

    /** Processes indices {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static final int THREADS = Runtime.getRuntime().availableProcessors();
    /** Chunks per thread: a few more than one so a thread slowed by a neighbour does not hold everyone up. */
    private static final int CHUNKS_PER_THREAD = 4;

    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, new DaemonFactory(), null, false);

    private Parallel() {
    }

    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code minChunk} indices, in parallel
     * when there are at least two such chunks, and returns when all are done. Exceptions propagate to the caller.
     */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        minChunk = Math.max(1, minChunk);
        if (THREADS == 1 || n < 2 * minChunk) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(n / minChunk, THREADS * CHUNKS_PER_THREAD);
        int chunk = (n + chunks - 1) / chunks;
        RangeTask task = new RangeTask(body, 0, n, chunk);
        if (ForkJoinTask.getPool() == POOL) {
            task.invoke(); // already a pool thread: split here, joins help
        } else {
            POOL.invoke(task);
        }
    }

    private static final class RangeTask extends RecursiveAction {
        private final RangeBody body;
        private final int from;
        private final int to;
        private final int chunk;

        RangeTask(RangeBody body, int from, int to, int chunk) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.chunk = chunk;
        }

        @Override
        protected void compute() {
            if (to - from <= chunk) {
                body.run(from, to);
                return;
            }
            // split on a chunk boundary so every leaf is a whole chunk (except the last)
            int chunksHere = (to - from + chunk - 1) / chunk;
            int mid = from + chunksHere / 2 * chunk;
            invokeAll(new RangeTask(body, from, mid, chunk), new RangeTask(body, mid, to, chunk));
        }
    }

    private static final class DaemonFactory implements ForkJoinPool.ForkJoinWorkerThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setDaemon(true);
            t.setName("specgate-kernel-" + count.incrementAndGet());
            return t;
        }
    }
}
