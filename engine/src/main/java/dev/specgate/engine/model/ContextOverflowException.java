package dev.specgate.engine.model;

/** A sequence would grow beyond its KV cache's capacity (at most the model's context length). */
public class ContextOverflowException extends RuntimeException {
    public ContextOverflowException(String message) {
        super(message);
    }
}
