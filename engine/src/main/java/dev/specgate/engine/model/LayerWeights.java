package dev.specgate.engine.model;

import dev.specgate.engine.tensor.WeightMatrix;

/** The tensors of one transformer block ({@code blk.N.*} in GGUF). Biases are null unless the model has them. */
record LayerWeights(
        float[] attnNorm,
        WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
        float[] bq, float[] bk, float[] bv,
        float[] ffnNorm,
        WeightMatrix wGate, WeightMatrix wUp, WeightMatrix wDown) {
}
