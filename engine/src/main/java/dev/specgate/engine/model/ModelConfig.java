package dev.specgate.engine.model;

import dev.specgate.engine.gguf.GGUFFile;
import dev.specgate.engine.gguf.GGUFFormatException;

import java.util.Set;

/**
 * Hyper-parameters of a decoder-only transformer, read from GGUF metadata ({@code <arch>.*} keys).
 *
 * @param architecture  {@code llama} or {@code qwen2}
 * @param dim           embedding width
 * @param hiddenDim     feed-forward width
 * @param headDim       width of one attention head
 * @param ropeDim       how many dims of each head RoPE rotates (usually headDim)
 * @param neoxRope      true: rotate (x[i], x[i + ropeDim/2]) (NeoX, qwen2); false: adjacent pairs (llama)
 * @param qkvBias       q/k/v projections have biases (qwen2)
 */
public record ModelConfig(String architecture, int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads,
                          int headDim, int ropeDim, int vocabSize, int contextLength, float rmsEps,
                          float ropeTheta, boolean neoxRope, boolean qkvBias) {

    /** Architectures whose GGUF layout this engine runs; others are refused by name. */
    public static final Set<String> SUPPORTED = Set.of("llama", "qwen2");

    public int kvDim() {
        return nKvHeads * headDim;
    }

    public int qDim() {
        return nHeads * headDim;
    }

    public static ModelConfig fromGGUF(GGUFFile gguf) {
        String arch = gguf.requireString("general.architecture");
        if (!SUPPORTED.contains(arch)) {
            throw new GGUFFormatException(gguf.path().getFileName() + ": architecture '" + arch
                    + "' is not supported (supported: " + String.join(", ", SUPPORTED.stream().sorted().toList()) + ")");
        }
        int dim = gguf.requireInt(arch + ".embedding_length");
        int nHeads = gguf.requireInt(arch + ".attention.head_count");
        int nKvHeads = gguf.metadataInt(arch + ".attention.head_count_kv", nHeads);
        int headDim = gguf.metadataInt(arch + ".attention.key_length", dim / nHeads);
        int vocab = gguf.has(arch + ".vocab_size")
                ? gguf.requireInt(arch + ".vocab_size")
                : (int) gguf.tensor("token_embd.weight").shape()[1];
        if (nHeads % nKvHeads != 0) {
            throw new GGUFFormatException("head_count " + nHeads + " is not a multiple of head_count_kv " + nKvHeads);
        }
        return new ModelConfig(
                arch,
                dim,
                gguf.requireInt(arch + ".feed_forward_length"),
                gguf.requireInt(arch + ".block_count"),
                nHeads,
                nKvHeads,
                headDim,
                gguf.metadataInt(arch + ".rope.dimension_count", headDim),
                vocab,
                gguf.requireInt(arch + ".context_length"),
                gguf.metadataFloat(arch + ".attention.layer_norm_rms_epsilon", 1e-5f),
                gguf.metadataFloat(arch + ".rope.freq_base", 10000f),
                arch.equals("qwen2"),
                arch.equals("qwen2"));
    }
}
