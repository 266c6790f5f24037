package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;

import java.lang.foreign.MemorySegment;

/**
 * Base for the register-tiled kernels (F32, Q8_0, Q4_0): four weight rows at a time, times four batch rows
 * (16 accumulators: each weight vector decoded feeds four FMAs and each activation vector four) or times one
 * batch row (decoding, and the batch rows left over after groups of four). The four rows stream from memory once
 * per call; later groups of batch rows re-read them from L1.
 *
 * <p>Each output has exactly one accumulator, fed in column order and summed by {@link Simd#reduce4}: the same
 * adds in the same order whatever the tile and the batch, so a batch row's result does not depend on the batch it
 * came in (verifying k drafts in one pass must give what k decode steps give).
 */
abstract class TiledMatrix extends WeightMatrix {
    static final int L = Simd.L;

    TiledMatrix(String name, int rows, int cols, MemorySegment data, GGMLType type) {
        super(name, rows, cols, data, type);
    }

    /**
     * Weight rows at byte offsets p0..p3 times the four batch rows starting at {@code x[x0]} ({@code cols}
     * apart): the accumulator of weight row i and batch row j goes to {@code acc[(4 * j + i) * L ..]}.
     * (The reduction runs in the caller: inlined into the kernel it pushes the kernel over the JIT's node budget.)
     */
    abstract void tile4x4(long p0, long p1, long p2, long p3, float[] x, int x0, float[] acc);

    /** {@link #tile4x4} for the one batch row at {@code x[x0]}: accumulators to {@code acc[i * L ..]}. */
    abstract void tile4x1(long p0, long p1, long p2, long p3, float[] x, int x0, float[] acc);

    /** Adds the columns not covered by whole vectors to {@code out[o]} (row at byte offset p); only F32 has them. */
    void addTail(long p, float[] x, int x0, float[] out, int o) {
    }

    @Override
    protected final void matmulRows(float[] x, int batch, float[] out, int from, int to) {
        float[] acc = new float[16 * L]; // a tile's accumulators, on their way to Simd.reduce4
        for (int r = from; r < to; r += 4) {
            // A ragged last group repeats its last row; only the valid results are stored.
            int valid = Math.min(4, to - r);
            long p0 = r * rowBytes;
            long p1 = (r + Math.min(1, valid - 1)) * rowBytes;
            long p2 = (r + Math.min(2, valid - 1)) * rowBytes;
            long p3 = (r + Math.min(3, valid - 1)) * rowBytes;
            int b = 0;
            for (; b + 4 <= batch; b += 4) {
                tile4x4(p0, p1, p2, p3, x, b * cols, acc);
                for (int j = 0; j < 4; j++) {
                    Simd.reduce4(acc, j, out, (b + j) * rows + r, valid);
                }
            }
            for (; b < batch; b++) {
                tile4x1(p0, p1, p2, p3, x, b * cols, acc);
                Simd.reduce4(acc, 0, out, b * rows + r, valid);
            }
            if (cols % L != 0) {
                for (b = 0; b < batch; b++) {
                    for (int i = 0; i < valid; i++) {
                        addTail((r + i) * rowBytes, x, b * cols, out, b * rows + r + i);
                    }
                }
            }
        }
    }
}
