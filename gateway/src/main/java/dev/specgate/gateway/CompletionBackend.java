package dev.specgate.gateway;

import dev.specgate.engine.tokenizer.Tokenizer;

/**
 * The generation engine the HTTP layer drives. Implementations never run inference on the caller's thread:
 * {@link #generate} returns at once and the listener hears from inference threads.
 */
public interface CompletionBackend extends AutoCloseable {

    /** Starts a generation; the request has already been validated against {@link #contextLength()}. */
    GenerationHandle generate(GenerationRequest request, GenerationListener listener);

    /** The tokenizer the draft and verifier share. */
    Tokenizer tokenizer();

    /** Most tokens (prompt plus output) one generation can hold. */
    int contextLength();

    /** The GGUF chat template ({@code tokenizer.chat_template}), or null when the model has none. */
    String chatTemplate();

    /** Whether the draft (the model that always answers) is loaded. */
    boolean ready();

    /** Whether a verifier is configured and its circuit is not open. */
    boolean verifierReachable();

    /** Whether a verifier is configured at all. */
    boolean hasVerifier();

    @Override
    void close();
}
