package dev.specgate.engine.gguf;

/** A GGUF file that this reader cannot use: malformed, truncated, or of a kind it does not support. */
public class GGUFFormatException extends RuntimeException {
    public GGUFFormatException(String message) {
        super(message);
    }

    public GGUFFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
