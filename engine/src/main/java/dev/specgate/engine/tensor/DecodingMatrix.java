package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Base for types whose values are cheapest to decode with scalar code (f16, bf16, the K-quants' packed scales):
 * a row is decoded one chunk of {@link #CHUNK} values at a time into a small per-call buffer that stays in L1,
 * and each chunk is dotted with every batch row before the next is decoded. Weights are read once per call and
 * a chunk is decoded once, however large the batch.
 */
abstract class DecodingMatrix extends WeightMatrix {
    /** Values decoded at a time: one K-quant super-block; 1 KB of floats. */
    static final int CHUNK = 256;

    DecodingMatrix(String name, int rows, int cols, MemorySegment data, GGMLType type) {
        super(name, rows, cols, data, type);
    }

    /**
     * Decodes values {@code [c0, c0 + n)} of row {@code r} into {@code dst[off ..]}. {@code c0} is a multiple of
     * {@link #CHUNK} and {@code n} is {@link #CHUNK} except at the end of the row.
     */
    abstract void decode(int r, int c0, int n, float[] dst, int off);

    @Override
    protected void matmulRows(float[] x, int batch, float[] out, int from, int to) {
        float[] buf = new float[CHUNK];
        float[] acc = new float[batch];
        for (int r = from; r < to; r++) {
            Arrays.fill(acc, 0f);
            for (int c0 = 0; c0 < cols; c0 += CHUNK) {
                int n = Math.min(CHUNK, cols - c0);
                decode(r, c0, n, buf, 0);
                for (int b = 0; b < batch; b++) {
                    acc[b] += Simd.dot(buf, 0, x, b * cols + c0, n);
                }
            }
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = acc[b];
            }
        }
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int offset) {
        for (int c0 = 0; c0 < cols; c0 += CHUNK) {
            decode(r, c0, Math.min(CHUNK, cols - c0), dst, offset + c0);
        }
    }
}
