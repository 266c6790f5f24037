package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Plain float32 weights. A single token streams each row once ({@link #dot1}, memory-bound). A batch is
 * register-tiled: two weight rows times four batch rows per inner step, so each weight vector loaded feeds four
 * FMAs and each activation vector two; the rows stream from memory once and are re-read from L1 only for the
 * next group of four batch rows.
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
        int r = from;
        if (batch >= 2) {
            // Register tiles of two weight rows: each weight vector loaded feeds up to four batch rows and each
            // activation vector loaded feeds both weight rows (loads, not FMAs, bound the one-row kernel).
            for (; r + 2 <= to; r += 2) {
                long row = r * rowBytes;
                int b = 0;
                for (; b + 4 <= batch; b += 4) {
                    dot2x4(row, x, b * cols, out, b * rows + r);
                }
                if (b + 2 <= batch) {
                    dot2x2(row, x, b * cols, out, b * rows + r);
                    b += 2;
                }
                if (b < batch) {
                    dot2x1(row, x, b * cols, out, b * rows + r);
                }
            }
        }
        // Batch 1, and the odd row a chunk may end with: dot1, which decoding keeps compiled. (A kernel used
        // only for that odd row runs too rarely to reach C2 soon, and Vector API code is very slow before it does.)
        for (; r < to; r++) {
            long row = r * rowBytes;
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = dot1(row, x, b * cols);
            }
        }
    }

    /**
     * Rows at byte offsets {@code row} and {@code row + rowBytes} times four consecutive batch rows starting at
     * {@code x0}; results go to {@code out[o + j * rows + i]} for weight row i, batch row j. 16 accumulators.
     */
    private void dot2x4(long row, float[] x, int x0, float[] out, int o) {
        long row1 = row + rowBytes;
        int x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector b00 = FloatVector.zero(F), b01 = FloatVector.zero(F), b02 = FloatVector.zero(F), b03 = FloatVector.zero(F);
        FloatVector b10 = FloatVector.zero(F), b11 = FloatVector.zero(F), b12 = FloatVector.zero(F), b13 = FloatVector.zero(F);
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            FloatVector w0 = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(F, data, row1 + 4L * c, LE);
            FloatVector v;
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
            w0 = FloatVector.fromMemorySegment(F, data, row + 4L * (c + L), LE);
            w1 = FloatVector.fromMemorySegment(F, data, row1 + 4L * (c + L), LE);
            v = FloatVector.fromArray(F, x, x0 + c + L);
            b00 = w0.fma(v, b00);
            b10 = w1.fma(v, b10);
            v = FloatVector.fromArray(F, x, x1 + c + L);
            b01 = w0.fma(v, b01);
            b11 = w1.fma(v, b11);
            v = FloatVector.fromArray(F, x, x2 + c + L);
            b02 = w0.fma(v, b02);
            b12 = w1.fma(v, b12);
            v = FloatVector.fromArray(F, x, x3 + c + L);
            b03 = w0.fma(v, b03);
            b13 = w1.fma(v, b13);
        }
        if (c + L <= cols) {
            FloatVector w0 = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(F, data, row1 + 4L * c, LE);
            FloatVector v;
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
            c += L;
        }
        float s00 = a00.add(b00).reduceLanes(VectorOperators.ADD), s01 = a01.add(b01).reduceLanes(VectorOperators.ADD);
        float s02 = a02.add(b02).reduceLanes(VectorOperators.ADD), s03 = a03.add(b03).reduceLanes(VectorOperators.ADD);
        float s10 = a10.add(b10).reduceLanes(VectorOperators.ADD), s11 = a11.add(b11).reduceLanes(VectorOperators.ADD);
        float s12 = a12.add(b12).reduceLanes(VectorOperators.ADD), s13 = a13.add(b13).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float w0 = data.get(FLOAT_LE, row + 4L * c), w1 = data.get(FLOAT_LE, row1 + 4L * c);
            float v0 = x[x0 + c], v1 = x[x1 + c], v2 = x[x2 + c], v3 = x[x3 + c];
            s00 += w0 * v0;
            s01 += w0 * v1;
            s02 += w0 * v2;
            s03 += w0 * v3;
            s10 += w1 * v0;
            s11 += w1 * v1;
            s12 += w1 * v2;
            s13 += w1 * v3;
        }
        out[o] = s00;
        out[o + 1] = s10;
        out[o + rows] = s01;
        out[o + rows + 1] = s11;
        out[o + 2 * rows] = s02;
        out[o + 2 * rows + 1] = s12;
        out[o + 3 * rows] = s03;
        out[o + 3 * rows + 1] = s13;
    }

    /** {@link #dot2x4} for two batch rows. */
    private void dot2x2(long row, float[] x, int x0, float[] out, int o) {
        long row1 = row + rowBytes;
        int x1 = x0 + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
        FloatVector b00 = FloatVector.zero(F), b01 = FloatVector.zero(F), b10 = FloatVector.zero(F), b11 = FloatVector.zero(F);
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            FloatVector w0 = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(F, data, row1 + 4L * c, LE);
            FloatVector v;
            v = FloatVector.fromArray(F, x, x0 + c);
            a00 = w0.fma(v, a00);
            a10 = w1.fma(v, a10);
            v = FloatVector.fromArray(F, x, x1 + c);
            a01 = w0.fma(v, a01);
            a11 = w1.fma(v, a11);
            w0 = FloatVector.fromMemorySegment(F, data, row + 4L * (c + L), LE);
            w1 = FloatVector.fromMemorySegment(F, data, row1 + 4L * (c + L), LE);
            v = FloatVector.fromArray(F, x, x0 + c + L);
            b00 = w0.fma(v, b00);
            b10 = w1.fma(v, b10);
            v = FloatVector.fromArray(F, x, x1 + c + L);
            b01 = w0.fma(v, b01);
            b11 = w1.fma(v, b11);
        }
        if (c + L <= cols) {
            FloatVector w0 = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(F, data, row1 + 4L * c, LE);
            FloatVector v;
            v = FloatVector.fromArray(F, x, x0 + c);
            a00 = w0.fma(v, a00);
            a10 = w1.fma(v, a10);
            v = FloatVector.fromArray(F, x, x1 + c);
            a01 = w0.fma(v, a01);
            a11 = w1.fma(v, a11);
            c += L;
        }
        float s00 = a00.add(b00).reduceLanes(VectorOperators.ADD), s01 = a01.add(b01).reduceLanes(VectorOperators.ADD);
        float s10 = a10.add(b10).reduceLanes(VectorOperators.ADD), s11 = a11.add(b11).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float w0 = data.get(FLOAT_LE, row + 4L * c), w1 = data.get(FLOAT_LE, row1 + 4L * c);
            float v0 = x[x0 + c], v1 = x[x1 + c];
            s00 += w0 * v0;
            s01 += w0 * v1;
            s10 += w1 * v0;
            s11 += w1 * v1;
        }
        out[o] = s00;
        out[o + 1] = s10;
        out[o + rows] = s01;
        out[o + rows + 1] = s11;
    }

    /** {@link #dot2x4} for one batch row. */
    private void dot2x1(long row, float[] x, int x0, float[] out, int o) {
        long row1 = row + rowBytes;
        FloatVector a00 = FloatVector.zero(F), a10 = FloatVector.zero(F), b00 = FloatVector.zero(F), b10 = FloatVector.zero(F);
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            FloatVector v = FloatVector.fromArray(F, x, x0 + c);
            a00 = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE).fma(v, a00);
            a10 = FloatVector.fromMemorySegment(F, data, row1 + 4L * c, LE).fma(v, a10);
            v = FloatVector.fromArray(F, x, x0 + c + L);
            b00 = FloatVector.fromMemorySegment(F, data, row + 4L * (c + L), LE).fma(v, b00);
            b10 = FloatVector.fromMemorySegment(F, data, row1 + 4L * (c + L), LE).fma(v, b10);
        }
        if (c + L <= cols) {
            FloatVector v = FloatVector.fromArray(F, x, x0 + c);
            a00 = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE).fma(v, a00);
            a10 = FloatVector.fromMemorySegment(F, data, row1 + 4L * c, LE).fma(v, a10);
            c += L;
        }
        float s00 = a00.add(b00).reduceLanes(VectorOperators.ADD), s10 = a10.add(b10).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float v = x[x0 + c];
            s00 += data.get(FLOAT_LE, row + 4L * c) * v;
            s10 += data.get(FLOAT_LE, row1 + 4L * c) * v;
        }
        out[o] = s00;
        out[o + 1] = s10;
    }

    // Every kernel here adds in the same order (two accumulators per (weight row, batch row): even and odd vector
    // steps), so a batch row's result does not depend on the batch size it was computed in.

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
