package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * ggml Q8_0: blocks of 32 values, each an f16 scale d then 32 int8 quants; value = q * d.
 *
 * <p>Each block is widened int8 -> float in vector registers, scaled once, and then multiplied into four batch
 * rows before the next block: quants are never expanded to a float copy of the row.
 *
 * <p>For batch &gt;= 2, two weight rows are register-tiled together (2 x 4, 2 x 2, 2 x 1 batch rows): 16
 * accumulators for 2 x 4, each widened block vector feeds up to four FMAs and each activation vector two.
 * Every kernel adds in {@code dot1}'s order, so a batch row's result does not depend on the batch size.
 */
final class Q8_0Matrix extends WeightMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;
    private static final VectorSpecies<Float> F = Simd.F;
    private static final VectorSpecies<Byte> B = Simd.B;
    private static final int L = Simd.L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    Q8_0Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GGMLType.Q8_0);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q8_0;
    }

    /** Lanes {@code [j, j + L)} of the block at byte offset {@code blk}, as floats times d. */
    private FloatVector weights(long blk, int j, float d) {
        ByteVector q = ByteVector.fromMemorySegment(B, data, blk + 2 + j, LE);
        return ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).mul(d);
    }

    @Override
    protected void matmulRows(float[] x, int batch, float[] out, int from, int to) {
        int blocks = cols / BLOCK;
        int r = from;
        if (batch >= 2) {
            // Register tiles of two weight rows: each block is widened to floats once and used for up to four
            // batch rows, and each activation vector loaded feeds both weight rows.
            for (; r + 2 <= to; r += 2) {
                long row = r * rowBytes;
                int b = 0;
                for (; b + 4 <= batch; b += 4) {
                    dot2x4(row, blocks, x, b * cols, out, b * rows + r);
                }
                if (b + 2 <= batch) {
                    dot2x2(row, blocks, x, b * cols, out, b * rows + r);
                    b += 2;
                }
                if (b < batch) {
                    dot2x1(row, blocks, x, b * cols, out, b * rows + r);
                }
            }
        }
        // Batch 1, and the odd row a chunk may end with: dot1, which decoding keeps compiled. (A kernel used
        // only for that odd row runs too rarely to reach C2 soon, and Vector API code is very slow before it does.)
        for (; r < to; r++) {
            long row = r * rowBytes;
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = dot1(row, blocks, x, b * cols);
            }
        }
    }

    /** Two weight rows ({@code row}, {@code row + rowBytes}) times 4 batch rows from {@code x0}; same add order as {@link #dot1}. */
    private void dot2x4(long row, int blocks, float[] x, int x0, float[] out, int o) {
        long row1 = row + rowBytes;
        int x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector b00 = FloatVector.zero(F), b01 = FloatVector.zero(F), b02 = FloatVector.zero(F), b03 = FloatVector.zero(F);
        FloatVector b10 = FloatVector.zero(F), b11 = FloatVector.zero(F), b12 = FloatVector.zero(F), b13 = FloatVector.zero(F);
        FloatVector v;
        int k = 0;
        for (; k + 2 <= blocks; k += 2) {
            long p0 = row + (long) k * BLOCK_BYTES, p1 = row1 + (long) k * BLOCK_BYTES;
            float d0 = f16(data.get(SHORT_LE, p0)), d1 = f16(data.get(SHORT_LE, p1));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + j;
                FloatVector w0 = weights(p0, j, d0), w1 = weights(p1, j, d1);
                v = FloatVector.fromArray(F, x, x0 + c);
                a00 = w0.fma(v, a00);
                a10 = w1.fma(v, a10);
                v = FloatVector.fromArray(F, x, x1 + c);
                a01 = w0.fma(v, a01);
                a11 = w1.fma(v, a11);
                v = FloatVector.fromArray(F, x, x2 + c);
                a02 = w0.fma(v, a02);
                a12 = w1.fma(v, a12);
                v = FloatVector.fromArray(F, x, x3 + c);
                a03 = w0.fma(v, a03);
                a13 = w1.fma(v, a13);
            }
            p0 += BLOCK_BYTES;
            p1 += BLOCK_BYTES;
            d0 = f16(data.get(SHORT_LE, p0));
            d1 = f16(data.get(SHORT_LE, p1));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + BLOCK + j;
                FloatVector w0 = weights(p0, j, d0), w1 = weights(p1, j, d1);
                v = FloatVector.fromArray(F, x, x0 + c);
                b00 = w0.fma(v, b00);
                b10 = w1.fma(v, b10);
                v = FloatVector.fromArray(F, x, x1 + c);
                b01 = w0.fma(v, b01);
                b11 = w1.fma(v, b11);
                v = FloatVector.fromArray(F, x, x2 + c);
                b02 = w0.fma(v, b02);
                b12 = w1.fma(v, b12);
                v = FloatVector.fromArray(F, x, x3 + c);
                b03 = w0.fma(v, b03);
                b13 = w1.fma(v, b13);
            }
        }
        if (k < blocks) {
            long p0 = row + (long) k * BLOCK_BYTES, p1 = row1 + (long) k * BLOCK_BYTES;
            float d0 = f16(data.get(SHORT_LE, p0)), d1 = f16(data.get(SHORT_LE, p1));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + j;
                FloatVector w0 = weights(p0, j, d0), w1 = weights(p1, j, d1);
                v = FloatVector.fromArray(F, x, x0 + c);
                a00 = w0.fma(v, a00);
                a10 = w1.fma(v, a10);
                v = FloatVector.fromArray(F, x, x1 + c);
                a01 = w0.fma(v, a01);
                a11 = w1.fma(v, a11);
                v = FloatVector.fromArray(F, x, x2 + c);
                a02 = w0.fma(v, a02);
                a12 = w1.fma(v, a12);
                v = FloatVector.fromArray(F, x, x3 + c);
                a03 = w0.fma(v, a03);
                a13 = w1.fma(v, a13);
            }
        }
        out[o] = a00.add(b00).reduceLanes(VectorOperators.ADD);
        out[o + 1] = a10.add(b10).reduceLanes(VectorOperators.ADD);
        out[o + rows] = a01.add(b01).reduceLanes(VectorOperators.ADD);
        out[o + rows + 1] = a11.add(b11).reduceLanes(VectorOperators.ADD);
        out[o + 2 * rows] = a02.add(b02).reduceLanes(VectorOperators.ADD);
        out[o + 2 * rows + 1] = a12.add(b12).reduceLanes(VectorOperators.ADD);
        out[o + 3 * rows] = a03.add(b03).reduceLanes(VectorOperators.ADD);
        out[o + 3 * rows + 1] = a13.add(b13).reduceLanes(VectorOperators.ADD);
    }

    /** Two weight rows ({@code row}, {@code row + rowBytes}) times 2 batch rows from {@code x0}; same add order as {@link #dot1}. */
    private void dot2x2(long row, int blocks, float[] x, int x0, float[] out, int o) {
        long row1 = row + rowBytes;
        int x1 = x0 + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
        FloatVector b00 = FloatVector.zero(F), b01 = FloatVector.zero(F), b10 = FloatVector.zero(F), b11 = FloatVector.zero(F);
        FloatVector v;
        int k = 0;
        for (; k + 2 <= blocks; k += 2) {
            long p0 = row + (long) k * BLOCK_BYTES, p1 = row1 + (long) k * BLOCK_BYTES;
            float d0 = f16(data.get(SHORT_LE, p0)), d1 = f16(data.get(SHORT_LE, p1));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + j;
                FloatVector w0 = weights(p0, j, d0), w1 = weights(p1, j, d1);
                v = FloatVector.fromArray(F, x, x0 + c);
                a00 = w0.fma(v, a00);
                a10 = w1.fma(v, a10);
                v = FloatVector.fromArray(F, x, x1 + c);
                a01 = w0.fma(v, a01);
                a11 = w1.fma(v, a11);
            }
            p0 += BLOCK_BYTES;
            p1 += BLOCK_BYTES;
            d0 = f16(data.get(SHORT_LE, p0));
            d1 = f16(data.get(SHORT_LE, p1));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + BLOCK + j;
                FloatVector w0 = weights(p0, j, d0), w1 = weights(p1, j, d1);
                v = FloatVector.fromArray(F, x, x0 + c);
                b00 = w0.fma(v, b00);
                b10 = w1.fma(v, b10);
                v = FloatVector.fromArray(F, x, x1 + c);
                b01 = w0.fma(v, b01);
                b11 = w1.fma(v, b11);
            }
        }
        if (k < blocks) {
            long p0 = row + (long) k * BLOCK_BYTES, p1 = row1 + (long) k * BLOCK_BYTES;
            float d0 = f16(data.get(SHORT_LE, p0)), d1 = f16(data.get(SHORT_LE, p1));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + j;
                FloatVector w0 = weights(p0, j, d0), w1 = weights(p1, j, d1);
                v = FloatVector.fromArray(F, x, x0 + c);
                a00 = w0.fma(v, a00);
                a10 = w1.fma(v, a10);
                v = FloatVector.fromArray(F, x, x1 + c);
                a01 = w0.fma(v, a01);
                a11 = w1.fma(v, a11);
            }
        }
        out[o] = a00.add(b00).reduceLanes(VectorOperators.ADD);
        out[o + 1] = a10.add(b10).reduceLanes(VectorOperators.ADD);
        out[o + rows] = a01.add(b01).reduceLanes(VectorOperators.ADD);
        out[o + rows + 1] = a11.add(b11).reduceLanes(VectorOperators.ADD);
    }

    /** Two weight rows ({@code row}, {@code row + rowBytes}) times 1 batch row from {@code x0}; same add order as {@link #dot1}. */
    private void dot2x1(long row, int blocks, float[] x, int x0, float[] out, int o) {
        long row1 = row + rowBytes;
        FloatVector a00 = FloatVector.zero(F), a10 = FloatVector.zero(F), b00 = FloatVector.zero(F), b10 = FloatVector.zero(F);
        FloatVector v;
        int k = 0;
        for (; k + 2 <= blocks; k += 2) {
            long p0 = row + (long) k * BLOCK_BYTES, p1 = row1 + (long) k * BLOCK_BYTES;
            float d0 = f16(data.get(SHORT_LE, p0)), d1 = f16(data.get(SHORT_LE, p1));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + j;
                FloatVector w0 = weights(p0, j, d0), w1 = weights(p1, j, d1);
                v = FloatVector.fromArray(F, x, x0 + c);
                a00 = w0.fma(v, a00);
                a10 = w1.fma(v, a10);
            }
            p0 += BLOCK_BYTES;
            p1 += BLOCK_BYTES;
            d0 = f16(data.get(SHORT_LE, p0));
            d1 = f16(data.get(SHORT_LE, p1));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + BLOCK + j;
                FloatVector w0 = weights(p0, j, d0), w1 = weights(p1, j, d1);
                v = FloatVector.fromArray(F, x, x0 + c);
                b00 = w0.fma(v, b00);
                b10 = w1.fma(v, b10);
            }
        }
        if (k < blocks) {
            long p0 = row + (long) k * BLOCK_BYTES, p1 = row1 + (long) k * BLOCK_BYTES;
            float d0 = f16(data.get(SHORT_LE, p0)), d1 = f16(data.get(SHORT_LE, p1));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + j;
                FloatVector w0 = weights(p0, j, d0), w1 = weights(p1, j, d1);
                v = FloatVector.fromArray(F, x, x0 + c);
                a00 = w0.fma(v, a00);
                a10 = w1.fma(v, a10);
            }
        }
        out[o] = a00.add(b00).reduceLanes(VectorOperators.ADD);
        out[o + 1] = a10.add(b10).reduceLanes(VectorOperators.ADD);
    }

    /** One batch row: even and odd blocks feed separate accumulators so FMAs overlap. */
    private float dot1(long row, int blocks, float[] x, int x0) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        int k = 0;
        for (; k + 2 <= blocks; k += 2) {
            long blk0 = row + (long) k * BLOCK_BYTES, blk1 = blk0 + BLOCK_BYTES;
            float d0 = f16(data.get(SHORT_LE, blk0)), d1 = f16(data.get(SHORT_LE, blk1));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + j;
                a0 = weights(blk0, j, d0).fma(FloatVector.fromArray(F, x, x0 + c), a0);
                a1 = weights(blk1, j, d1).fma(FloatVector.fromArray(F, x, x0 + c + BLOCK), a1);
            }
        }
        if (k < blocks) {
            long blk = row + (long) k * BLOCK_BYTES;
            float d = f16(data.get(SHORT_LE, blk));
            for (int j = 0; j < BLOCK; j += L) {
                a0 = weights(blk, j, d).fma(FloatVector.fromArray(F, x, x0 + k * BLOCK + j), a0);
            }
        }
        return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int offset) {
        long row = r * rowBytes;
        for (int k = 0; k < cols / BLOCK; k++) {
            long blk = row + (long) k * BLOCK_BYTES;
            float d = f16(data.get(SHORT_LE, blk));
            for (int j = 0; j < BLOCK; j++) {
                dst[offset + k * BLOCK + j] = data.get(ValueLayout.JAVA_BYTE, blk + 2 + j) * d;
            }
        }
    }
}
