package dev.specgate.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

/**
 * A {@link Tokenizer} over a {@link Vocabulary}: special-token handling, BOS/EOS and decoding are shared; the
 * splitting of plain text is the {@link TokenModel}'s.
 *
 * <p>Decoding follows SentencePiece: when the model puts a space before the text, {@link #decode} removes the
 * leading space of the first token that yields text (control tokens such as BOS yield none). So decoding a prompt,
 * or a generated continuation on its own, gives the text without that space, as SentencePiece's own decoder does.
 * {@link #newDecoder()} instead keeps every space: it streams a continuation that is appended to a prompt, where
 * " the" after "God created" must keep its space.
 */
final class VocabularyTokenizer implements Tokenizer {
    private static final byte[] NONE = new byte[0];

    private final Vocabulary vocab;
    private final TokenModel model;
    private final SpecialTokenSplitter specials;
    private final byte[][] bytes; // what each token stands for in output text
    private final String fingerprint;

    VocabularyTokenizer(Vocabulary vocab, TokenModel model) {
        this.vocab = vocab;
        this.model = model;
        this.specials = new SpecialTokenSplitter(vocab);
        this.bytes = new byte[vocab.size()][];
        for (int id = 0; id < vocab.size(); id++) {
            bytes[id] = switch (vocab.type(id)) {
                case Vocabulary.NORMAL, Vocabulary.BYTE -> model.pieceBytes(id);
                case Vocabulary.USER_DEFINED -> vocab.tokens()[id].getBytes(StandardCharsets.UTF_8);
                default -> NONE; // control, unknown, unused: not text (llama.cpp prints them as nothing too)
            };
        }
        this.fingerprint = vocab.fingerprint();
    }

    Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encode(String text) {
        return encode(text, true, false);
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntStream.Builder out = IntStream.builder();
        if (addSpecial && vocab.addBos() && vocab.bos() >= 0) {
            out.add(vocab.bos());
        }
        boolean atStart = true; // llama.cpp: the space prefix goes at the start and after every special token
        for (SpecialTokenSplitter.Fragment f : specials.split(text, parseSpecial)) {
            if (f.isToken()) {
                out.add(f.token());
                atStart = true;
            } else {
                model.encode(f.text(), atStart, out);
                atStart = false;
            }
        }
        if (addSpecial && vocab.addEos() && vocab.eos() >= 0) {
            out.add(vocab.eos());
        }
        return out.build().toArray();
    }

    @Override
    public byte[] tokenBytes(int id) {
        return piece(id).clone();
    }

    private byte[] piece(int id) {
        if (id < 0 || id >= bytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + bytes.length);
        }
        return bytes[id];
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean stripSpace = model.addsSpacePrefix();
        for (int id : ids) {
            byte[] b = piece(id);
            if (stripSpace && b.length > 0) {
                stripSpace = false;
                if (b[0] == ' ') {
                    out.write(b, 1, b.length - 1);
                    continue;
                }
            }
            out.writeBytes(b);
        }
        // Not flushed: an incomplete character at the end is dropped, as the contract says.
        return new Utf8StreamDecoder(this::piece).pushBytes(out.toByteArray());
    }

    @Override
    public TokenDecoder newDecoder() {
        return new Utf8StreamDecoder(this::piece);
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int bos() {
        return vocab.bos();
    }

    @Override
    public int eos() {
        return vocab.eos();
    }

    @Override
    public boolean isControl(int id) {
        return id >= 0 && id < vocab.size() && vocab.type(id) == Vocabulary.CONTROL;
    }

    @Override
    public String tokenText(int id) {
        piece(id); // range check
        return vocab.tokens()[id];
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "Tokenizer[" + vocab.model() + ", " + vocab.size() + " tokens, " + fingerprint.substring(0, 12) + "]";
    }
}
