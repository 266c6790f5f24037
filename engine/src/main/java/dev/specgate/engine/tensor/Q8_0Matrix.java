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
 * <p>Register-tiled by {@link TiledMatrix}: blocks are widened int8 -> float in vector registers and scaled once,
 * straight into the FMAs (decoding) or into a small float stripe of four rows that every group of batch rows
 * reads (batches): quants are never expanded to a float copy of the whole matrix.
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
    boolean inPlace() {
        return false;
    }

    @Override
    void decode4(long p0, long p1, long p2, long p3, float[] stripe) {
        for (int k = 0; k < cols / BLOCK; k++) {
            long off = (long) k * BLOCK_BYTES;
            float d0 = f16(data.get(SHORT_LE, p0 + off)), d1 = f16(data.get(SHORT_LE, p1 + off));
            float d2 = f16(data.get(SHORT_LE, p2 + off)), d3 = f16(data.get(SHORT_LE, p3 + off));
            for (int j = 0; j < BLOCK; j += L) {
                int c = k * BLOCK + j;
                weights(p0 + off, j, d0).intoArray(stripe, c);
                weights(p1 + off, j, d1).intoArray(stripe, cols + c);
                weights(p2 + off, j, d2).intoArray(stripe, 2 * cols + c);
                weights(p3 + off, j, d3).intoArray(stripe, 3 * cols + c);
            }
        }
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
