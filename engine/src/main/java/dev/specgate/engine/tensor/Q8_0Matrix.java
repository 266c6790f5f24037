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
 * <p>Register-tiled by {@link TiledMatrix}: each block of the four weight rows is widened int8 -> float in
 * vector registers and scaled once, then multiplied into up to four batch rows before the next block: quants
 * are never expanded to a float copy of the row.
 */
final class Q8_0Matrix extends TiledMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;
    private static final VectorSpecies<Float> F = Simd.F;
    private static final VectorSpecies<Byte> B = Simd.B;
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
    void tile4x4(long p0, long p1, long p2, long p3, float[] x, int x0, float[] acc) {
        int x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        FloatVector v;
        for (int k = 0; k < cols / BLOCK; k++) {
            long off = (long) k * BLOCK_BYTES;
            float d0 = f16(data.get(SHORT_LE, p0 + off)), d1 = f16(data.get(SHORT_LE, p1 + off));
            float d2 = f16(data.get(SHORT_LE, p2 + off)), d3 = f16(data.get(SHORT_LE, p3 + off));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + j;
                FloatVector w0 = weights(p0 + off, j, d0), w1 = weights(p1 + off, j, d1);
                FloatVector w2 = weights(p2 + off, j, d2), w3 = weights(p3 + off, j, d3);
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

    @Override
    void tile4x1(long p0, long p1, long p2, long p3, float[] x, int x0, float[] acc) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int k = 0; k < cols / BLOCK; k++) {
            long off = (long) k * BLOCK_BYTES;
            float d0 = f16(data.get(SHORT_LE, p0 + off)), d1 = f16(data.get(SHORT_LE, p1 + off));
            float d2 = f16(data.get(SHORT_LE, p2 + off)), d3 = f16(data.get(SHORT_LE, p3 + off));
            for (int j = 0; j < BLOCK; j += L) {
                FloatVector v = FloatVector.fromArray(F, x, x0 + k * BLOCK + j);
                a0 = weights(p0 + off, j, d0).fma(v, a0);
                a1 = weights(p1 + off, j, d1).fma(v, a1);
                a2 = weights(p2 + off, j, d2).fma(v, a2);
                a3 = weights(p3 + off, j, d3).fma(v, a3);
            }
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, L);
        a2.intoArray(acc, 2 * L);
        a3.intoArray(acc, 3 * L);
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
