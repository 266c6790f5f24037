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
 * ggml Q4_0: blocks of 32 values, each an f16 scale d then 16 bytes of nibbles. Value j < 16 is the low nibble
 * of byte j, value j + 16 its high nibble; value = (q - 8) * d.
 *
 * <p>Register-tiled by {@link TiledMatrix}: like Q8_0, blocks are unpacked in registers (mask / shift, then widen
 * to float), straight into the FMAs (decoding) or into a float stripe of four rows for batches.
 */
final class Q4_0Matrix extends TiledMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;
    private static final VectorSpecies<Float> F = Simd.F;
    private static final VectorSpecies<Byte> B = Simd.B;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    Q4_0Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GGMLType.Q4_0);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q4_0;
    }

    /**
     * Nibbles {@code shift..shift+3} of {@code q} (0: values j, 4: values j + 16), minus 8, as floats times d.
     * Kernels call it from a loop over the two halves rather than once per half: the JIT inlines a kernel's
     * vector code only up to a node budget, and a vector passed to a method it did not inline gets boxed.
     */
    private static FloatVector nibbles(ByteVector q, int shift, float d) {
        // LSHR on byte lanes shifts the unsigned byte
        ByteVector n = q.lanewise(VectorOperators.LSHR, shift).and((byte) 0x0F).sub((byte) 8);
        return ((FloatVector) n.convertShape(VectorOperators.B2F, F, 0)).mul(d);
    }

    @Override
    boolean inPlace() {
        return false;
    }

    // Both kernels go through a block in column order: the low nibbles (values 0..15), then the high ones.

    @Override
    void decode4(long p0, long p1, long p2, long p3, float[] stripe) {
        for (int k = 0; k < cols / BLOCK; k++) {
            long off = (long) k * BLOCK_BYTES + 2;
            float d0 = f16(data.get(SHORT_LE, p0 + off - 2)), d1 = f16(data.get(SHORT_LE, p1 + off - 2));
            float d2 = f16(data.get(SHORT_LE, p2 + off - 2)), d3 = f16(data.get(SHORT_LE, p3 + off - 2));
            for (int half = 0; half < 2; half++) {
                for (int j = 0; j < BLOCK / 2; j += L) {
                    int c = k * BLOCK + half * (BLOCK / 2) + j;
                    nibbles(ByteVector.fromMemorySegment(B, data, p0 + off + j, LE), 4 * half, d0).intoArray(stripe, c);
                    nibbles(ByteVector.fromMemorySegment(B, data, p1 + off + j, LE), 4 * half, d1).intoArray(stripe, cols + c);
                    nibbles(ByteVector.fromMemorySegment(B, data, p2 + off + j, LE), 4 * half, d2).intoArray(stripe, 2 * cols + c);
                    nibbles(ByteVector.fromMemorySegment(B, data, p3 + off + j, LE), 4 * half, d3).intoArray(stripe, 3 * cols + c);
                }
            }
        }
    }

    @Override
    void tile4x1(long p0, long p1, long p2, long p3, float[] x, int x0, float[] acc) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int k = 0; k < cols / BLOCK; k++) {
            long off = (long) k * BLOCK_BYTES + 2;
            float d0 = f16(data.get(SHORT_LE, p0 + off - 2)), d1 = f16(data.get(SHORT_LE, p1 + off - 2));
            float d2 = f16(data.get(SHORT_LE, p2 + off - 2)), d3 = f16(data.get(SHORT_LE, p3 + off - 2));
            for (int half = 0; half < 2; half++) {
                for (int j = 0; j < BLOCK / 2; j += L) {
                    FloatVector v = FloatVector.fromArray(F, x, x0 + k * BLOCK + half * (BLOCK / 2) + j);
                    a0 = nibbles(ByteVector.fromMemorySegment(B, data, p0 + off + j, LE), 4 * half, d0).fma(v, a0);
                    a1 = nibbles(ByteVector.fromMemorySegment(B, data, p1 + off + j, LE), 4 * half, d1).fma(v, a1);
                    a2 = nibbles(ByteVector.fromMemorySegment(B, data, p2 + off + j, LE), 4 * half, d2).fma(v, a2);
                    a3 = nibbles(ByteVector.fromMemorySegment(B, data, p3 + off + j, LE), 4 * half, d3).fma(v, a3);
                }
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
            int o = offset + k * BLOCK;
            for (int j = 0; j < BLOCK / 2; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, blk + 2 + j) & 0xFF;
                dst[o + j] = ((q & 0x0F) - 8) * d;
                dst[o + j + BLOCK / 2] = ((q >>> 4) - 8) * d;
            }
        }
    }
}
