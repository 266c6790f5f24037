package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;
import dev.specgate.engine.gguf.GGUFTensorInfo;

import java.lang.foreign.MemorySegment;

/**
 * A 2-D weight tensor of {@code rows x cols} read in place from the mapped GGUF file (ggml shape
 * {@code [cols, rows]}: each row is contiguous).
 *
 * <p>CONTRACT (implementation owned by the kernels work): {@link #of} returns a type-specific subclass for
 * F32, F16, BF16, Q8_0, Q4_0, Q4_K and Q6_K and throws a clear error for other types.
 */
public abstract class WeightMatrix {

    public static WeightMatrix of(GGUFTensorInfo info, MemorySegment data) {
        throw new UnsupportedOperationException("kernels not written yet");
    }

    public abstract GGMLType type();

    /** Output dimension. */
    public abstract int rows();

    /** Input dimension (the contiguous one). */
    public abstract int cols();

    /**
     * {@code out[b * rows + r] = sum_c W[r][c] * x[b * cols + c]} for every {@code b < batch}.
     * Each weight row is read once for the whole batch; rows are split over {@link Parallel}'s pool.
     * Activations stay float32 (never quantized), so results match a float reference of the dequantized weights.
     */
    public abstract void matmul(float[] x, int batch, float[] out);

    /** Dequantizes row {@code r} into {@code dst[offset .. offset + cols)} (embedding lookup). */
    public abstract void dequantizeRow(int r, float[] dst, int offset);
}
