package dev.specgate.engine.model;

/** The configured KV-cache memory budget has no room left for another allocation. */
public class KVCacheMemoryException extends RuntimeException {
    public KVCacheMemoryException(String message) {
        super(message);
    }
}
