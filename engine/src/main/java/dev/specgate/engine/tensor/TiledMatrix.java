package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Base for the register-tiled kernels (F32, Q8_0, Q4_0), four weight rows at a time.
 *
 * <p>One batch row (decoding): {@link #tile4x1} streams the four rows, decoding blocks in registers, with four
 * independent FMA chains. Several batch rows: four batch rows at a time (16 accumulators, so each weight vector
 * feeds four FMAs and each activation vector four), then two, then one for the rest. F32 rows are read in place
 * ({@link #tile4x4}); quantized rows are first decoded once into a float stripe (L1/L2-resident) that every group of
 * batch rows then reads, so the decoding cost is paid once per call rather than once per group of four.
 *
 * <p>Each output has exactly one accumulator, fed in column order and summed by {@link Simd#reduce4}: the same adds
 * in the same order whatever the path, tile or batch, so a batch row's result does not depend on the batch it came
 * in (verifying k drafts in one pass gives what k decode steps give, bit for bit).
 */
abstract class TiledMatrix extends WeightMatrix {
    static final int L = Simd.L;
    private static final VectorSpecies<Float> F = Simd.F;

    /** Per thread: a tile's accumulators on their way to {@link Simd#reduce4}, and the decoded stripe. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[16 * L], new float[0]});

    TiledMatrix(String name, int rows, int cols, MemorySegment data, GGMLType type) {
        super(name, rows, cols, data, type);
    }

    /**
     * Weight rows at byte offsets p0..p3 times the one batch row at {@code x[x0]}, decoded in registers: the
     * accumulator of row i goes to {@code acc[i * L ..]}. (The reduction runs in the caller: inlined into the kernel
     * it pushes the kernel over the JIT's node budget, and vectors it then passes to methods get boxed.)
     */
    abstract void tile4x1(long p0, long p1, long p2, long p3, float[] x, int x0, float[] acc);

    /** True when the rows are plain floats read in place by {@link #tile4x4} (F32); false: {@link #decode4}. */
    abstract boolean inPlace();

    /** {@link #tile4x1} for four batch rows ({@code cols} apart): accumulator of row i, batch row j at {@code acc[(4j + i) L ..]}. */
    void tile4x4(long p0, long p1, long p2, long p3, float[] x, int x0, float[] acc) {
        throw new UnsupportedOperationException();
    }

    /** {@link #tile4x4} for two batch rows. */
    void tile4x2(long p0, long p1, long p2, long p3, float[] x, int x0, float[] acc) {
        throw new UnsupportedOperationException();
    }

    /** Decodes the rows at byte offsets p0..p3 into {@code stripe[i * cols ..]}, as {@link #tile4x1} decodes them. */
    void decode4(long p0, long p1, long p2, long p3, float[] stripe) {
        throw new UnsupportedOperationException();
    }

    /** Adds the columns not covered by whole vectors to {@code out[o]} (row at byte offset p); only F32 has them. */
    void addTail(long p, float[] x, int x0, float[] out, int o) {
    }

    @Override
    protected final void matmulRows(float[] x, int batch, float[] out, int from, int to) {
        float[][] scratch = SCRATCH.get();
        float[] acc = scratch[0];
        float[] stripe = null;
        if (batch > 1 && !inPlace()) {
            if (scratch[1].length < 4 * cols) {
                scratch[1] = new float[4 * cols];
            }
            stripe = scratch[1];
        }
        for (int r = from; r < to; r += 4) {
            // A ragged last group repeats its last row; only the valid results are stored.
            int valid = Math.min(4, to - r);
            long p0 = r * rowBytes;
            long p1 = (r + Math.min(1, valid - 1)) * rowBytes;
            long p2 = (r + Math.min(2, valid - 1)) * rowBytes;
            long p3 = (r + Math.min(3, valid - 1)) * rowBytes;
            if (batch == 1) {
                tile4x1(p0, p1, p2, p3, x, 0, acc);
                Simd.reduce4(acc, 0, out, r, valid);
            } else if (stripe == null) {
                int b = 0;
                for (; b + 4 <= batch; b += 4) {
                    tile4x4(p0, p1, p2, p3, x, b * cols, acc);
                    for (int j = 0; j < 4; j++) {
                        Simd.reduce4(acc, j, out, (b + j) * rows + r, valid);
                    }
                }
                if (b + 2 <= batch) {
                    tile4x2(p0, p1, p2, p3, x, b * cols, acc);
                    Simd.reduce4(acc, 0, out, b * rows + r, valid);
                    Simd.reduce4(acc, 1, out, (b + 1) * rows + r, valid);
                    b += 2;
                }
                if (b < batch) {
                    tile4x1(p0, p1, p2, p3, x, b * cols, acc);
                    Simd.reduce4(acc, 0, out, b * rows + r, valid);
                }
            } else {
                decode4(p0, p1, p2, p3, stripe);
                int b = 0;
                for (; b + 4 <= batch; b += 4) {
                    stripe4x4(stripe, cols, x, b * cols, acc);
                    for (int j = 0; j < 4; j++) {
                        Simd.reduce4(acc, j, out, (b + j) * rows + r, valid);
                    }
                }
                if (b + 2 <= batch) {
                    stripe4x2(stripe, cols, x, b * cols, acc);
                    Simd.reduce4(acc, 0, out, b * rows + r, valid);
                    Simd.reduce4(acc, 1, out, (b + 1) * rows + r, valid);
                    b += 2;
                }
                if (b < batch) {
                    stripe4x1(stripe, cols, x, b * cols, acc);
                    Simd.reduce4(acc, 0, out, b * rows + r, valid);
                }
            }
            if (cols % L != 0) {
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < valid; i++) {
                        addTail((r + i) * rowBytes, x, b * cols, out, b * rows + r + i);
                    }
                }
            }
        }
    }

    /** Four decoded rows ({@code w[i * cols ..]}) times four batch rows, like {@link #tile4x4}; cols % L == 0. */
    private static void stripe4x4(float[] w, int cols, float[] x, int x0, float[] acc) {
        int x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        FloatVector v;
        for (int c = 0; c < cols; c += L) {
            FloatVector w0 = FloatVector.fromArray(F, w, c), w1 = FloatVector.fromArray(F, w, cols + c);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * cols + c), w3 = FloatVector.fromArray(F, w, 3 * cols + c);
            v = FloatVector.fromArray(F, x, x0 + c);
            a00 = w0.fma(v, a00);
            a10 = w1.fma(v, a10);
            a20 = w2.fma(v, a20);
            a30 = w3.fma(v, a30);
            v = FloatVector.fromArray(F, x, x1 + c);
            a01 = w0.fma(v, a01);
            a11 = w1.fma(v, a11);
            a21 = w2.fma(v, a21);
            a31 = w3.fma(v, a31);
            v = FloatVector.fromArray(F, x, x2 + c);
            a02 = w0.fma(v, a02);
            a12 = w1.fma(v, a12);
            a22 = w2.fma(v, a22);
            a32 = w3.fma(v, a32);
            v = FloatVector.fromArray(F, x, x3 + c);
            a03 = w0.fma(v, a03);
            a13 = w1.fma(v, a13);
            a23 = w2.fma(v, a23);
            a33 = w3.fma(v, a33);
        }
        a00.intoArray(acc, 0);
        a10.intoArray(acc, 1 * L);
        a20.intoArray(acc, 2 * L);
        a30.intoArray(acc, 3 * L);
        a01.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a21.intoArray(acc, 6 * L);
        a31.intoArray(acc, 7 * L);
        a02.intoArray(acc, 8 * L);
        a12.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a32.intoArray(acc, 11 * L);
        a03.intoArray(acc, 12 * L);
        a13.intoArray(acc, 13 * L);
        a23.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
    }

    /** Four decoded rows times two batch rows. */
    private static void stripe4x2(float[] w, int cols, float[] x, int x0, float[] acc) {
        int x1 = x0 + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
        FloatVector v;
        for (int c = 0; c < cols; c += L) {
            FloatVector w0 = FloatVector.fromArray(F, w, c), w1 = FloatVector.fromArray(F, w, cols + c);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * cols + c), w3 = FloatVector.fromArray(F, w, 3 * cols + c);
            v = FloatVector.fromArray(F, x, x0 + c);
            a00 = w0.fma(v, a00);
            a10 = w1.fma(v, a10);
            a20 = w2.fma(v, a20);
            a30 = w3.fma(v, a30);
            v = FloatVector.fromArray(F, x, x1 + c);
            a01 = w0.fma(v, a01);
            a11 = w1.fma(v, a11);
            a21 = w2.fma(v, a21);
            a31 = w3.fma(v, a31);
        }
        a00.intoArray(acc, 0);
        a10.intoArray(acc, 1 * L);
        a20.intoArray(acc, 2 * L);
        a30.intoArray(acc, 3 * L);
        a01.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a21.intoArray(acc, 6 * L);
        a31.intoArray(acc, 7 * L);
    }

    /** Four decoded rows times one batch row. */
    private static void stripe4x1(float[] w, int cols, float[] x, int x0, float[] acc) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int c = 0; c < cols; c += L) {
            FloatVector v = FloatVector.fromArray(F, x, x0 + c);
            a0 = FloatVector.fromArray(F, w, c).fma(v, a0);
            a1 = FloatVector.fromArray(F, w, cols + c).fma(v, a1);
            a2 = FloatVector.fromArray(F, w, 2 * cols + c).fma(v, a2);
            a3 = FloatVector.fromArray(F, w, 3 * cols + c).fma(v, a3);
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, L);
        a2.intoArray(acc, 2 * L);
        a3.intoArray(acc, 3 * L);
    }
}
