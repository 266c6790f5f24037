package dev.specgate.engine.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One fixed team of daemon threads, one per processor (the caller counts as one), shared by every kernel.
 *
 * <p>A forward pass is a chain of short parallel steps (tens to hundreds of microseconds each). Handing each to
 * a fork/join pool cost more than the step itself here: waking a parked thread on a virtual machine takes tens
 * of microseconds. So workers spin briefly between steps before they park, the caller works on chunks too, and
 * chunks are claimed from an atomic counter. Matmuls are dispatched to {@link WeightMatrix#matmulRows} directly
 * rather than through a lambda: a call site shared by every kind of work kept the JIT from compiling the kernels
 * well (measured: half the memory bandwidth).
 *
 * <p>One step runs on the team at a time; a caller that finds the team busy (another sequence's forward pass)
 * runs its step inline, which keeps both cores busy without queueing. A step started from a worker runs inline.
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
    /** How long an idle worker spins for the next step before parking. */
    private static final long SPIN_NANOS = 200_000;

    private static final ReentrantLock TEAM = new ReentrantLock();
    private static final Thread[] WORKERS = new Thread[THREADS - 1];
    private static final ThreadLocal<Boolean> IS_WORKER = ThreadLocal.withInitial(() -> false);

    /** The step the team works on now; each step carries its own counters, so a worker that wakes late
     *  for a finished step finds no chunk left in it and cannot disturb the next one. */
    private static volatile Step current;

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = Thread.ofPlatform().daemon().name("specgate-kernel-" + (i + 1)).unstarted(Parallel::workerLoop);
            WORKERS[i].start();
        }
    }

    private Parallel() {
    }

    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code minChunk} indices, in parallel
     * when there are at least two such chunks, and returns when all are done. Exceptions propagate to the caller.
     */
    public static void forRange(int n, int minChunk, RangeBody rangeBody) {
        if (n <= 0) {
            return;
        }
        minChunk = Math.max(1, minChunk);
        if (THREADS == 1 || n < 2 * minChunk || IS_WORKER.get() || !TEAM.tryLock()) {
            rangeBody.run(0, n);
            return;
        }
        try {
            runStep(null, null, null, 0, rangeBody, n, minChunk);
        } finally {
            TEAM.unlock();
        }
    }

    /** {@code m.matmulRows} over all its rows, split like {@link #forRange}. */
    static void matmul(WeightMatrix m, float[] in, int rows, float[] result, int batchRows, int minRows) {
        if (THREADS == 1 || rows < 2 * minRows || IS_WORKER.get() || !TEAM.tryLock()) {
            m.matmulRows(in, batchRows, result, 0, rows);
            return;
        }
        try {
            runStep(m, in, result, batchRows, null, rows, minRows);
        } finally {
            TEAM.unlock();
        }
    }

    private static void runStep(WeightMatrix m, float[] in, float[] result, int batchRows, RangeBody rangeBody,
                                int n, int minChunk) {
        int chunks = Math.min(n / minChunk, THREADS * CHUNKS_PER_THREAD);
        Step step = new Step(m, in, result, batchRows, rangeBody, n, (n + chunks - 1) / chunks);
        current = step;
        for (Thread w : WORKERS) {
            LockSupport.unpark(w);
        }
        step.work();
        while (step.pendingChunks.get() > 0) {
            Thread.onSpinWait();
        }
        Throwable t = step.failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    /** One parallel step: a matmul (called directly) or a range body, cut into chunks claimed atomically. */
    private static final class Step {
        final WeightMatrix matrix;
        final float[] x;
        final float[] out;
        final int batch;
        final RangeBody body;
        final int total;
        final int chunk;
        final AtomicInteger nextChunk = new AtomicInteger();
        final AtomicInteger pendingChunks;
        volatile Throwable failure;

        Step(WeightMatrix matrix, float[] x, float[] out, int batch, RangeBody body, int total, int chunk) {
            this.matrix = matrix;
            this.x = x;
            this.out = out;
            this.batch = batch;
            this.body = body;
            this.total = total;
            this.chunk = chunk;
            this.pendingChunks = new AtomicInteger((total + chunk - 1) / chunk);
        }

        /** Claims and runs chunks until none are left. */
        void work() {
            int c;
            while ((c = nextChunk.getAndIncrement()) * (long) chunk < total) {
                int from = c * chunk;
                int to = Math.min(total, from + chunk);
                try {
                    if (matrix != null) {
                        matrix.matmulRows(x, batch, out, from, to);
                    } else {
                        body.run(from, to);
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    pendingChunks.decrementAndGet();
                }
            }
        }
    }

    private static void workerLoop() {
        IS_WORKER.set(true);
        Step seen = null;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            Step step;
            while ((step = current) == seen) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park();
                }
            }
            seen = step;
            step.work();
        }
    }
}
