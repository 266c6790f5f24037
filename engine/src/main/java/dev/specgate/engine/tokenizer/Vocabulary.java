package dev.specgate.engine.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Everything a tokenizer needs, as a GGUF file stores it under {@code tokenizer.ggml.*}. Plain data, so tests can
 * build small vocabularies by hand; {@link Tokenizers#fromGGUF} just fills it in.
 *
 * <p>Arrays are not copied: treat them as read-only once passed in.
 *
 * @param model          {@code tokenizer.ggml.model}: "llama" (SentencePiece) or "gpt2" (byte-level BPE)
 * @param tokens         token text by id
 * @param scores         SentencePiece merge scores by id (may be null for BPE)
 * @param tokenTypes     {@link #NORMAL} ... {@link #BYTE} by id (null means all normal)
 * @param merges         BPE merges "left right", highest priority first (null for SentencePiece)
 * @param bos            BOS id or -1; likewise {@code eos}, {@code unk}, {@code pad}
 * @param addSpacePrefix SentencePiece's dummy prefix: a "▁" before the text
 * @param pre            {@code tokenizer.ggml.pre}: which pre-tokenizer split a BPE model uses (null = default)
 */
public record Vocabulary(String model, String[] tokens, float[] scores, int[] tokenTypes, String[] merges,
                         int bos, int eos, int unk, int pad,
                         boolean addBos, boolean addEos, boolean addSpacePrefix, String pre) {

    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;
    public static final int BYTE = 6;

    public Vocabulary {
        if (model == null || tokens == null) {
            throw new IllegalArgumentException("a vocabulary needs a model type and tokens");
        }
        if (tokenTypes == null) {
            tokenTypes = new int[tokens.length];
            Arrays.fill(tokenTypes, NORMAL);
        }
        if (tokenTypes.length != tokens.length || (scores != null && scores.length != tokens.length)) {
            throw new IllegalArgumentException("token types (" + tokenTypes.length + ") and scores ("
                    + (scores == null ? "none" : scores.length) + ") must match the " + tokens.length + " tokens");
        }
        for (int id : new int[] {bos, eos, unk, pad}) {
            if (id < -1 || id >= tokens.length) {
                throw new IllegalArgumentException("special token id " + id + " is outside the vocabulary of "
                        + tokens.length);
            }
        }
    }

    public int size() {
        return tokens.length;
    }

    public int type(int id) {
        return tokenTypes[id];
    }

    public float score(int id) {
        return scores == null ? 0f : scores[id];
    }

    /**
     * SHA-256 (hex) over what decides which id stands for which text and how text is split: model type, tokens,
     * token types, merges (BPE) or scores (SentencePiece), and the space prefix. File names, BOS/EOS choices and
     * other metadata are left out, so two files with the same vocabulary agree.
     */
    public String fingerprint() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        // Length-prefix every string so that ["ab","c"] and ["a","bc"] hash differently.
        putString(sha, model);
        putInt(sha, tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            putString(sha, tokens[i]);
            putInt(sha, tokenTypes[i]);
        }
        if (merges != null) {
            putInt(sha, merges.length);
            for (String m : merges) {
                putString(sha, m);
            }
        } else if (scores != null) {
            for (float s : scores) {
                // 0.0 and -0.0 are the same score; converters differ in which they write.
                putInt(sha, s == 0f ? 0 : Float.floatToIntBits(s));
            }
        }
        putInt(sha, addSpacePrefix ? 1 : 0);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void putInt(MessageDigest sha, int v) {
        sha.update(ByteBuffer.allocate(4).putInt(v).array());
    }

    private static void putString(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putInt(sha, b.length);
        sha.update(b);
    }
}
