package dev.specgate.engine.model;

import java.util.concurrent.atomic.AtomicLong;

/** A cap on the bytes all KV caches of one model may hold together; exceeding it is a clear error. */
public final class MemoryBudget {
    private final long limitBytes;
    private final AtomicLong usedBytes = new AtomicLong();

    public MemoryBudget(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("memory budget must be positive, got " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    public static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE);
    }

    public long limitBytes() {
        return limitBytes;
    }

    public long usedBytes() {
        return usedBytes.get();
    }

    void acquire(long bytes) {
        long now = usedBytes.addAndGet(bytes);
        if (now > limitBytes) {
            usedBytes.addAndGet(-bytes);
            throw new KVCacheMemoryException("KV cache memory limit of " + limitBytes + " bytes reached ("
                    + (now - bytes) + " in use, " + bytes + " more requested)");
        }
    }

    void release(long bytes) {
        usedBytes.addAndGet(-bytes);
    }
}
