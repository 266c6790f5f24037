package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Plain float32 weights. For each row, batch rows are taken four at a time: one load of W feeds four FMAs, so
 * the row streams from memory once and is re-read from L1 only for the next group of four.
 */
final class F32Matrix extends WeightMatrix {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = Simd.L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    F32Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GGMLType.F32);
    }

    @Override
    public GGMLType type() {
        return GGMLType.F32;
    }

    @Override
    protected void matmulRows(float[] x, int batch, float[] out, int from, int to) {
        for (int r = from; r < to; r++) {
            long row = r * rowBytes;
            int b = 0;
            for (; b + 4 <= batch; b += 4) {
                dot4(row, x, b * cols, out, b * rows + r);
            }
            for (; b < batch; b++) {
                out[b * rows + r] = dot1(row, x, b * cols);
            }
        }
    }

    // dot4 and dot1 add in the same order (two accumulators per batch row: even and odd vector steps), so a
    // batch row's result does not depend on the batch size it was computed in.

    /** Row at byte offset {@code row} times four consecutive batch rows starting at {@code x0}. */
    private void dot4(long row, float[] x, int x0, float[] out, int o) {
        int x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F), b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            FloatVector w = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE);
            FloatVector v = FloatVector.fromMemorySegment(F, data, row + 4L * (c + L), LE);
            a0 = w.fma(FloatVector.fromArray(F, x, x0 + c), a0);
            a1 = w.fma(FloatVector.fromArray(F, x, x1 + c), a1);
            a2 = w.fma(FloatVector.fromArray(F, x, x2 + c), a2);
            a3 = w.fma(FloatVector.fromArray(F, x, x3 + c), a3);
            b0 = v.fma(FloatVector.fromArray(F, x, x0 + c + L), b0);
            b1 = v.fma(FloatVector.fromArray(F, x, x1 + c + L), b1);
            b2 = v.fma(FloatVector.fromArray(F, x, x2 + c + L), b2);
            b3 = v.fma(FloatVector.fromArray(F, x, x3 + c + L), b3);
        }
        if (c + L <= cols) {
            FloatVector w = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE);
            a0 = w.fma(FloatVector.fromArray(F, x, x0 + c), a0);
            a1 = w.fma(FloatVector.fromArray(F, x, x1 + c), a1);
            a2 = w.fma(FloatVector.fromArray(F, x, x2 + c), a2);
            a3 = w.fma(FloatVector.fromArray(F, x, x3 + c), a3);
            c += L;
        }
        float s0 = a0.add(b0).reduceLanes(VectorOperators.ADD), s1 = a1.add(b1).reduceLanes(VectorOperators.ADD);
        float s2 = a2.add(b2).reduceLanes(VectorOperators.ADD), s3 = a3.add(b3).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float w = data.get(FLOAT_LE, row + 4L * c);
            s0 += w * x[x0 + c];
            s1 += w * x[x1 + c];
            s2 += w * x[x2 + c];
            s3 += w * x[x3 + c];
        }
        out[o] = s0;
        out[o + rows] = s1;
        out[o + 2 * rows] = s2;
        out[o + 3 * rows] = s3;
    }

    /** One batch row: two accumulators so consecutive FMAs do not wait on each other. */
    private float dot1(long row, float[] x, int x0) {
        FloatVector a0 = FloatVector.zero(F), b0 = FloatVector.zero(F);
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            a0 = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE).fma(FloatVector.fromArray(F, x, x0 + c), a0);
            b0 = FloatVector.fromMemorySegment(F, data, row + 4L * (c + L), LE).fma(FloatVector.fromArray(F, x, x0 + c + L), b0);
        }
        if (c + L <= cols) {
            a0 = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE).fma(FloatVector.fromArray(F, x, x0 + c), a0);
            c += L;
        }
        float s = a0.add(b0).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            s += data.get(FLOAT_LE, row + 4L * c) * x[x0 + c];
        }
        return s;
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int offset) {
        MemorySegment.copy(data, FLOAT_LE, r * rowBytes, dst, offset, cols);
    }
}
