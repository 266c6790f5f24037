package dev.specgate.engine.tokenizer;

import dev.specgate.engine.gguf.GGUFFile;
import dev.specgate.engine.gguf.GGUFFormatException;

/** Builds tokenizers from GGUF metadata or from a hand-made {@link Vocabulary}. */
public final class Tokenizers {
    private Tokenizers() {}

    /** The tokenizer a GGUF file describes under {@code tokenizer.ggml.*}. */
    public static Tokenizer fromGGUF(GGUFFile gguf) {
        return of(vocabulary(gguf));
    }

    /** A tokenizer for a vocabulary; its {@code model} picks SentencePiece ("llama") or byte-level BPE ("gpt2"). */
    public static Tokenizer of(Vocabulary vocab) {
        TokenModel model = switch (vocab.model()) {
            case "llama" -> new SentencePieceModel(vocab);
            case "gpt2" -> new ByteLevelBpeModel(vocab);
            default -> throw new IllegalArgumentException("unsupported tokenizer model '" + vocab.model()
                    + "' (tokenizer.ggml.model); supported: llama (SentencePiece), gpt2 (byte-level BPE)");
        };
        return new VocabularyTokenizer(vocab, model);
    }

    /** Reads the vocabulary, with llama.cpp's defaults for keys a file leaves out. */
    public static Vocabulary vocabulary(GGUFFile gguf) {
        String name = gguf.path().getFileName().toString();
        String model = gguf.metadataString("tokenizer.ggml.model", null);
        if (model == null) {
            throw new GGUFFormatException(name + " has no tokenizer (no tokenizer.ggml.model)");
        }
        String[] tokens = gguf.metadataArray("tokenizer.ggml.tokens", String[].class);
        if (tokens == null) {
            throw new GGUFFormatException(name + " has no tokenizer.ggml.tokens");
        }
        boolean spm = model.equals("llama");
        String pre = gguf.metadataString("tokenizer.ggml.pre", null);
        // llama.cpp: SentencePiece files default to BOS 1, EOS 2, <unk> 0, BOS added, space prefix on;
        // BPE ones to no BOS unless the pre-tokenizer is Llama 3's.
        boolean llama3 = pre != null && (pre.equals("llama3") || pre.equals("llama-v3") || pre.equals("llama-bpe")
                || pre.equals("falcon3"));
        try {
            return new Vocabulary(model, tokens,
                    gguf.metadataArray("tokenizer.ggml.scores", float[].class),
                    gguf.metadataArray("tokenizer.ggml.token_type", int[].class),
                    gguf.metadataArray("tokenizer.ggml.merges", String[].class),
                    specialId(gguf, "tokenizer.ggml.bos_token_id", spm ? 1 : -1, tokens.length),
                    specialId(gguf, "tokenizer.ggml.eos_token_id", spm ? 2 : -1, tokens.length),
                    specialId(gguf, "tokenizer.ggml.unknown_token_id", spm ? 0 : -1, tokens.length),
                    specialId(gguf, "tokenizer.ggml.padding_token_id", -1, tokens.length),
                    gguf.metadataBool("tokenizer.ggml.add_bos_token", spm || llama3),
                    gguf.metadataBool("tokenizer.ggml.add_eos_token", false),
                    gguf.metadataBool("tokenizer.ggml.add_space_prefix", spm),
                    pre);
        } catch (IllegalArgumentException e) {
            throw new GGUFFormatException(name + ": " + e.getMessage(), e);
        }
    }

    /** A special token id; ids outside the vocabulary (some converters write -1 or 2^32-1 for "none") mean none. */
    private static int specialId(GGUFFile gguf, String key, int fallback, int vocabSize) {
        long id = gguf.metadata().get(key) instanceof Number n ? n.longValue() : fallback;
        return id >= 0 && id < vocabSize ? (int) id : -1;
    }
}
