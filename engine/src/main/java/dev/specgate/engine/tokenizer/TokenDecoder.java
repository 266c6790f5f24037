package dev.specgate.engine.tokenizer;

/** Streaming detokenizer: bytes of a multi-byte UTF-8 character split over tokens are held until complete. */
public interface TokenDecoder {

    /** Adds one token; returns the text that became complete (possibly empty). */
    String push(int id);

    /** Text still held back (an incomplete UTF-8 sequence), rendered with U+FFFD; resets the decoder. */
    String flush();
}
