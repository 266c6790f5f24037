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
 * <p>Like Q8_0, a block is unpacked in registers (mask / shift, then widen to float) and used for four batch
 * rows before moving on.
 */
final class Q4_0Matrix extends WeightMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;
    private static final VectorSpecies<Float> F = Simd.F;
    private static final VectorSpecies<Byte> B = Simd.B;
    private static final int L = Simd.L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    Q4_0Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GGMLType.Q4_0);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q4_0;
    }

    private static FloatVector low(ByteVector q, float d) {
        return ((FloatVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0)).mul(d);
    }

    private static FloatVector high(ByteVector q, float d) {
        // LSHR on byte lanes shifts the unsigned byte, so the result is 0..15
        return ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0)).mul(d);
    }

    @Override
    protected void matmulRows(float[] x, int batch, float[] out, int from, int to) {
        int blocks = cols / BLOCK;
        for (int r = from; r < to; r++) {
            long row = r * rowBytes;
            int b = 0;
            for (; b + 4 <= batch; b += 4) {
                int x0 = b * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
                // low halves feed a*, high halves b*: the same order as dot1, so results do not depend on batch
                FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
                FloatVector a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
                FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
                FloatVector b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
                for (int k = 0; k < blocks; k++) {
                    long blk = row + (long) k * BLOCK_BYTES;
                    float d = f16(data.get(SHORT_LE, blk));
                    for (int j = 0; j < BLOCK / 2; j += L) {
                        ByteVector q = ByteVector.fromMemorySegment(B, data, blk + 2 + j, LE);
                        FloatVector lo = low(q, d), hi = high(q, d);
                        int c = k * BLOCK + j, ch = c + BLOCK / 2;
                        a0 = lo.fma(FloatVector.fromArray(F, x, x0 + c), a0);
                        a1 = lo.fma(FloatVector.fromArray(F, x, x1 + c), a1);
                        a2 = lo.fma(FloatVector.fromArray(F, x, x2 + c), a2);
                        a3 = lo.fma(FloatVector.fromArray(F, x, x3 + c), a3);
                        b0 = hi.fma(FloatVector.fromArray(F, x, x0 + ch), b0);
                        b1 = hi.fma(FloatVector.fromArray(F, x, x1 + ch), b1);
                        b2 = hi.fma(FloatVector.fromArray(F, x, x2 + ch), b2);
                        b3 = hi.fma(FloatVector.fromArray(F, x, x3 + ch), b3);
                    }
                }
                a0 = a0.add(b0);
                a1 = a1.add(b1);
                a2 = a2.add(b2);
                a3 = a3.add(b3);
                int o = b * rows + r;
                out[o] = a0.reduceLanes(VectorOperators.ADD);
                out[o + rows] = a1.reduceLanes(VectorOperators.ADD);
                out[o + 2 * rows] = a2.reduceLanes(VectorOperators.ADD);
                out[o + 3 * rows] = a3.reduceLanes(VectorOperators.ADD);
            }
            for (; b < batch; b++) {
                out[b * rows + r] = dot1(row, blocks, x, b * cols);
            }
        }
    }

    /** One batch row: low and high halves feed separate accumulators so FMAs overlap. */
    private float dot1(long row, int blocks, float[] x, int x0) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        for (int k = 0; k < blocks; k++) {
            long blk = row + (long) k * BLOCK_BYTES;
            float d = f16(data.get(SHORT_LE, blk));
            for (int j = 0; j < BLOCK / 2; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, data, blk + 2 + j, LE);
                int c = x0 + k * BLOCK + j;
                a0 = low(q, d).fma(FloatVector.fromArray(F, x, c), a0);
                a1 = high(q, d).fma(FloatVector.fromArray(F, x, c + BLOCK / 2), a1);
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
            int o = offset + k * BLOCK;
            for (int j = 0; j < BLOCK / 2; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, blk + 2 + j) & 0xFF;
                dst[o + j] = ((q & 0x0F) - 8) * d;
                dst[o + j + BLOCK / 2] = ((q >>> 4) - 8) * d;
            }
        }
    }
}
