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

    /** Published by {@link #rest()}: no work in it, and workers that see it park at once instead of spinning. */
    private static final Step REST = new Step(null, null, null, null, 0, false, null, 0);

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
            runStep(new Step(null, null, null, null, 0, false, rangeBody, n), minChunk, 1);
        } finally {
            TEAM.unlock();
        }
    }

    /**
     * One step for several matrices over the same input: {@code outs[i] = ms[i] · x}, their rows split over the team
     * as one range (Wq, Wk and Wv: one hand-off instead of three, and no thread idles at the end of the small
     * ones). With {@code swiglu}, {@code ms} is {gate, up} and each chunk ends with
     * {@code outs[0] = silu(outs[0]) * outs[1]} on its rows, while they are still in cache.
     */
    static void matmuls(WeightMatrix[] ms, float[][] outs, float[] x, int batch, boolean swiglu, int minRows) {
        int total = 0;
        int[] ends = new int[ms.length];
        for (int i = 0; i < ms.length; i++) {
            total += swiglu ? 0 : ms[i].rows;
            ends[i] = total;
        }
        if (swiglu) {
            total = ms[0].rows;
            ends[0] = ends[1] = total;
        }
        Step step = new Step(ms, ends, outs, x, batch, swiglu, null, total);
        if (THREADS == 1 || total < 2 * minRows || IS_WORKER.get() || !TEAM.tryLock()) {
            step.run(0, total);
            return;
        }
        try {
            runStep(step, minRows, 4);
        } finally {
            TEAM.unlock();
        }
    }

    /**
     * Tells the team that no step follows soon (a forward pass has ended): workers park now rather than spin for
     * the next step. Between passes the cores belong to whatever uses the result (a network reply, the gateway,
     * the draft); a worker spinning there held one of two cores for up to {@code SPIN_NANOS} after every pass.
     * Skipped while another caller's step is running (without taking the lock: a step starting at that moment
     * must not run inline because of it; one that slips in and is overwritten is finished by its caller).
     */
    public static void rest() {
        if (THREADS > 1 && !IS_WORKER.get() && !TEAM.isLocked()) {
            current = REST;
        }
    }

    /** Runs {@code step} on the team in chunks of at least {@code minChunk}, a multiple of {@code granule}. */
    private static void runStep(Step step, int minChunk, int granule) {
        // A multiple of the team's size, so equal threads finish together; more chunks than threads, so a thread
        // slowed by a neighbour process hands its share to the others.
        int chunks = Math.clamp(step.total / minChunk, THREADS, THREADS * CHUNKS_PER_THREAD) / THREADS * THREADS;
        int chunk = (step.total + chunks - 1) / chunks;
        step.start((chunk + granule - 1) / granule * granule);
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

    /**
     * One parallel step: matmuls (called directly) or a range body, cut into chunks claimed atomically. Rows of
     * several matrices are numbered one after the other ({@code ends[i]}: one past matrix i's last row).
     */
    private static final class Step {
        final WeightMatrix[] matrices;
        final int[] ends;
        final float[][] outs;
        final float[] x;
        final int batch;
        final boolean swiglu;
        final RangeBody body;
        final int total;
        final AtomicInteger nextChunk = new AtomicInteger();
        final AtomicInteger pendingChunks = new AtomicInteger();
        int chunk;
        volatile Throwable failure;

        Step(WeightMatrix[] matrices, int[] ends, float[][] outs, float[] x, int batch, boolean swiglu, RangeBody body,
             int total) {
            this.matrices = matrices;
            this.ends = ends;
            this.outs = outs;
            this.x = x;
            this.batch = batch;
            this.swiglu = swiglu;
            this.body = body;
            this.total = total;
        }

        /** Sets the chunk size before the step is published (the volatile write of {@code current}). */
        void start(int chunk) {
            this.chunk = chunk;
            pendingChunks.set((total + chunk - 1) / chunk);
        }

        /** Claims and runs chunks until none are left. */
        void work() {
            int c;
            while ((c = nextChunk.getAndIncrement()) * (long) chunk < total) {
                int from = c * chunk;
                try {
                    run(from, Math.min(total, from + chunk));
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    pendingChunks.decrementAndGet();
                }
            }
        }

        void run(int from, int to) {
            if (body != null) {
                body.run(from, to);
            } else if (swiglu) {
                matrices[0].matmulRows(x, batch, outs[0], from, to);
                matrices[1].matmulRows(x, batch, outs[1], from, to);
                Activations.swiglu(outs[0], outs[1], matrices[0].rows, batch, from, to);
            } else {
                int start = 0;
                for (int i = 0; i < matrices.length; i++) {
                    int lo = Math.max(from, start);
                    int hi = Math.min(to, ends[i]);
                    if (lo < hi) {
                        matrices[i].matmulRows(x, batch, outs[i], lo - start, hi - start);
                    }
                    start = ends[i];
                }
            }
        }
    }

    private static void workerLoop() {
        IS_WORKER.set(true);
        ComputePriority.lowerCurrentThread();
        Step seen = null;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            Step step;
            while ((step = current) == seen) {
                if (step != REST && System.nanoTime() < spinUntil) {
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
