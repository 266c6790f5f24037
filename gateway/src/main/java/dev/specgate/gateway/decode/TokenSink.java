package dev.specgate.gateway.decode;

/** Receives tokens as they are committed, in order, each token exactly once (for streaming). */
@FunctionalInterface
public interface TokenSink {
    TokenSink NONE = tokens -> { };

    /** A batch of newly committed tokens (one speculation round's worth, or one Generate message). */
    void accept(int[] tokens);
}
