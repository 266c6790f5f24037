package dev.specgate.engine.tokenizer;

import java.util.function.IntConsumer;

/** The part of a tokenizer that differs between SentencePiece and byte-level BPE. */
interface TokenModel {

    /**
     * Encodes plain text that contains no special tokens.
     *
     * @param atStart true for the first piece of text and for text right after a special token, where
     *                SentencePiece puts its space prefix
     */
    void encode(String text, boolean atStart, IntConsumer out);

    /** The bytes of a normal or byte token. */
    byte[] pieceBytes(int id);

    /** Whether {@link #encode} puts a space before the text that decoding should take away again. */
    boolean addsSpacePrefix();
}
