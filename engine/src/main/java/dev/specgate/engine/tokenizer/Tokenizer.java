package dev.specgate.engine.tokenizer;

/**
 * Text to token ids and back, built from a GGUF file's {@code tokenizer.*} metadata.
 *
 * <p>CONTRACT (implementation owned by the tokenizer work).
 */
public interface Tokenizer {

    /** Encodes as the model expects a prompt: BOS/EOS per {@code add_bos_token}/{@code add_eos_token},
     *  SentencePiece's space prefix per {@code add_space_prefix}; control-token text is treated as plain text. */
    int[] encode(String text);

    /**
     * @param addSpecial   add BOS/EOS as the model's metadata says
     * @param parseSpecial recognise control tokens written in the text (e.g. {@code <|im_start|>} in a chat
     *                     template) and emit their ids
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** The bytes token {@code id} stands for in output text (empty for control tokens like BOS/EOS). */
    byte[] tokenBytes(int id);

    /** Decodes ids to text; incomplete UTF-8 at the end is dropped, invalid bytes become U+FFFD. */
    String decode(int[] ids);

    /** An incremental decoder for streaming: emits text only once its UTF-8 characters are complete. */
    TokenDecoder newDecoder();

    int vocabSize();

    /** BOS id, or -1 if the model has none. */
    int bos();

    /** EOS id, or -1. */
    int eos();

    /** Control tokens (BOS, EOS, chat markers) that end or structure text rather than being text. */
    boolean isControl(int id);

    /** The vocabulary's token text, as in the GGUF file (for chat templates and diagnostics). */
    String tokenText(int id);

    /** A stable hash of the vocabulary and tokenizer settings: two models can share token ids only if equal. */
    String fingerprint();
}
