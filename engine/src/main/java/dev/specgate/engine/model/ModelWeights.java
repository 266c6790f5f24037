package dev.specgate.engine.model;

import dev.specgate.engine.gguf.GGUFFile;
import dev.specgate.engine.gguf.GGUFFormatException;
import dev.specgate.engine.gguf.GGUFTensorInfo;
import dev.specgate.engine.tensor.WeightMatrix;

/**
 * All tensors of a model, read in place from the mapped GGUF file. Only the small 1-D tensors (norms, biases,
 * RoPE frequencies) are copied to the heap as float[].
 *
 * @param output          the output projection; {@code token_embd.weight} itself when the file has no
 *                        {@code output.weight} (tied embeddings)
 * @param ropeInvFreq     per rotated pair i: theta^(-2i/ropeDim), divided by {@code rope_freqs.weight} factors
 *                        when present (Llama 3.1 long-context scaling)
 */
record ModelWeights(WeightMatrix tokenEmbedding, LayerWeights[] layers, float[] outputNorm,
                    WeightMatrix output, float[] ropeInvFreq) {

    static ModelWeights load(GGUFFile gguf, ModelConfig c) {
        LayerWeights[] layers = new LayerWeights[c.nLayers()];
        for (int i = 0; i < c.nLayers(); i++) {
            String p = "blk." + i + ".";
            layers[i] = new LayerWeights(
                    vector(gguf, p + "attn_norm.weight", c.dim()),
                    matrix(gguf, p + "attn_q.weight", c.qDim(), c.dim()),
                    matrix(gguf, p + "attn_k.weight", c.kvDim(), c.dim()),
                    matrix(gguf, p + "attn_v.weight", c.kvDim(), c.dim()),
                    matrix(gguf, p + "attn_output.weight", c.dim(), c.qDim()),
                    c.qkvBias() ? vector(gguf, p + "attn_q.bias", c.qDim()) : null,
                    c.qkvBias() ? vector(gguf, p + "attn_k.bias", c.kvDim()) : null,
                    c.qkvBias() ? vector(gguf, p + "attn_v.bias", c.kvDim()) : null,
                    vector(gguf, p + "ffn_norm.weight", c.dim()),
                    matrix(gguf, p + "ffn_gate.weight", c.hiddenDim(), c.dim()),
                    matrix(gguf, p + "ffn_up.weight", c.hiddenDim(), c.dim()),
                    matrix(gguf, p + "ffn_down.weight", c.dim(), c.hiddenDim()));
        }
        WeightMatrix embedding = matrix(gguf, "token_embd.weight", c.vocabSize(), c.dim());
        WeightMatrix output = gguf.tensors().containsKey("output.weight")
                ? matrix(gguf, "output.weight", c.vocabSize(), c.dim())
                : embedding;
        return new ModelWeights(embedding, layers, vector(gguf, "output_norm.weight", c.dim()), output,
                ropeInverseFrequencies(gguf, c));
    }

    private static float[] ropeInverseFrequencies(GGUFFile gguf, ModelConfig c) {
        int pairs = c.ropeDim() / 2;
        float[] factors = gguf.tensors().containsKey("rope_freqs.weight")
                ? vector(gguf, "rope_freqs.weight", pairs) : null;
        float[] inv = new float[pairs];
        for (int i = 0; i < pairs; i++) {
            double f = Math.pow(c.ropeTheta(), -2.0 * i / c.ropeDim());
            inv[i] = (float) (factors == null ? f : f / factors[i]);
        }
        return inv;
    }

    private static WeightMatrix matrix(GGUFFile gguf, String name, int rows, int cols) {
        GGUFTensorInfo t = gguf.tensor(name);
        if (t.shape().length != 2 || t.shape()[0] != cols || t.shape()[1] != rows) {
            throw new GGUFFormatException(name + " has shape " + java.util.Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + "]");
        }
        return WeightMatrix.of(t, gguf.data(t));
    }

    private static float[] vector(GGUFFile gguf, String name, int length) {
        GGUFTensorInfo t = gguf.tensor(name);
        if (t.elementCount() != length) {
            throw new GGUFFormatException(name + " has " + t.elementCount() + " values, expected " + length);
        }
        return WeightMatrix.toFloatArray(t, gguf.data(t));
    }
}
