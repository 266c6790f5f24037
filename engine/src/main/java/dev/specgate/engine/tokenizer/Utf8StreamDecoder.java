package dev.specgate.engine.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Turns token bytes into text as they arrive. A multi-byte UTF-8 character split over several byte tokens is
 * held back until its last byte comes; bytes that can never form a character become U+FFFD at once.
 */
final class Utf8StreamDecoder implements TokenDecoder {
    private final IntFunction<byte[]> tokenBytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private byte[] pending = new byte[0]; // the start of an incomplete character, at most 3 bytes

    Utf8StreamDecoder(IntFunction<byte[]> tokenBytes) {
        this.tokenBytes = tokenBytes;
    }

    @Override
    public String push(int id) {
        return pushBytes(tokenBytes.apply(id));
    }

    /** Adds raw bytes; returns the text they complete. */
    String pushBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.allocate(pending.length + bytes.length).put(pending).put(bytes).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        utf8.reset();
        // endOfInput=false: an incomplete sequence at the end is left in the buffer instead of replaced.
        utf8.decode(in, out, false);
        pending = new byte[in.remaining()];
        in.get(pending);
        return out.flip().toString();
    }

    @Override
    public String flush() {
        ByteBuffer in = ByteBuffer.wrap(pending);
        CharBuffer out = CharBuffer.allocate(pending.length + 1);
        utf8.reset();
        utf8.decode(in, out, true);
        utf8.flush(out);
        pending = new byte[0];
        return out.flip().toString();
    }
}
