package dev.specgate.engine.model;

import java.util.Arrays;

/**
 * Keys and values of one sequence, per layer, for positions {@code 0 .. length()-1}.
 *
 * <p>Storage grows in steps up to {@link #capacity()} so that short sessions of a long-context model stay
 * small; every byte allocated is charged to a {@link MemoryBudget} shared by all caches of a worker, and
 * released by {@link #close()}. {@link #truncate(int)} rolls back rejected draft tokens without freeing.
 */
public final class KVCache implements AutoCloseable {
    private static final int GROWTH_STEP = 64;

    private final int nLayers;
    private final int kvDim;
    private final int capacity;
    private final MemoryBudget budget;
    private float[][] keys;   // [layer][position * kvDim + i]
    private float[][] values; // same layout
    private int allocatedPositions;
    private int length;
    private boolean closed;

    KVCache(ModelConfig config, int capacity, MemoryBudget budget) {
        if (capacity < 1 || capacity > config.contextLength()) {
            throw new IllegalArgumentException("KV cache capacity " + capacity
                    + " must be between 1 and the model's context length " + config.contextLength());
        }
        this.nLayers = config.nLayers();
        this.kvDim = config.kvDim();
        this.capacity = capacity;
        this.budget = budget;
        this.keys = new float[nLayers][0];
        this.values = new float[nLayers][0];
    }

    /** Positions filled so far: the next token goes to position {@code length()}. */
    public int length() {
        return length;
    }

    /** Most positions this cache can hold (at most the model's context length). */
    public int capacity() {
        return capacity;
    }

    /** Bytes of key/value storage allocated now. */
    public long bytes() {
        return bytesFor(allocatedPositions);
    }

    /** Forgets positions {@code position ..}: the next token is written at {@code position}. */
    public void truncate(int position) {
        if (position < 0 || position > length) {
            throw new IllegalArgumentException("cannot truncate a cache of length " + length + " to " + position);
        }
        length = position;
    }

    /** Makes room for {@code count} more positions; throws {@link ContextOverflowException} beyond capacity. */
    void reserve(int count) {
        ensureOpen();
        int needed = length + count;
        if (needed > capacity) {
            throw new ContextOverflowException("sequence would reach " + needed + " tokens, beyond the context of "
                    + capacity + " tokens");
        }
        if (needed <= allocatedPositions) {
            return;
        }
        int grown = Math.min(capacity, Math.max(needed, Math.max(GROWTH_STEP, allocatedPositions * 2)));
        budget.acquire(bytesFor(grown) - bytesFor(allocatedPositions));
        for (int l = 0; l < nLayers; l++) {
            keys[l] = Arrays.copyOf(keys[l], grown * kvDim);
            values[l] = Arrays.copyOf(values[l], grown * kvDim);
        }
        allocatedPositions = grown;
    }

    /** Marks {@code count} positions as written (after the forward pass stored them). */
    void advance(int count) {
        length += count;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    private long bytesFor(int positions) {
        return 2L * nLayers * positions * kvDim * Float.BYTES;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("KV cache is closed");
        }
    }

    /** Frees the storage and returns its bytes to the budget. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            budget.release(bytes());
            keys = null;
            values = null;
            allocatedPositions = 0;
            length = 0;
        }
    }
}
