package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;
import dev.specgate.engine.gguf.GGUFFormatException;
import dev.specgate.engine.gguf.GGUFTensorInfo;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A 2-D weight tensor of {@code rows x cols} read in place from the mapped GGUF file (ggml shape
 * {@code [cols, rows]}: each row is contiguous).
 *
 * <p>CONTRACT (implementation owned by the kernels work): {@link #of} returns a type-specific subclass for
 * F32, F16, BF16, Q8_0, Q4_0, Q4_K and Q6_K and throws a clear error for other types.
 *
 * <p>Subclasses implement {@link #matmulRows} for a range of rows; this class checks arguments and splits rows
 * over {@link Parallel}'s pool.
 */
public abstract class WeightMatrix {

    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Multiply-adds worth one pool hand-off (a few microseconds): smaller matmuls run inline, larger ones
     * are split so each chunk has at least this much work.
     */
    static final int MIN_WORK_PER_TASK = Integer.getInteger("specgate.minWorkPerTask", 1 << 16);

    protected final String name;
    protected final int rows;
    protected final int cols;
    protected final MemorySegment data;
    /** Bytes per row: cols / blockSize * blockBytes. */
    protected final long rowBytes;

    protected WeightMatrix(String name, int rows, int cols, MemorySegment data, GGMLType type) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.data = data;
        this.rowBytes = (long) cols / type.blockSize * type.blockBytes;
    }

    /** The matrix for a tensor of shape [cols, rows, 1, ...] whose bytes are {@code data}. */
    public static WeightMatrix of(GGUFTensorInfo info, MemorySegment data) {
        long[] shape = info.shape();
        long rowsL = 1;
        for (int d = 1; d < shape.length; d++) {
            rowsL *= shape[d];
        }
        return create(info.name(), info.type(), rowsL, shape[0], data);
    }

    /** Reads a tensor of any supported type (norm weights, biases, ...) into a new float array. */
    public static float[] toFloatArray(GGUFTensorInfo info, MemorySegment data) {
        long n = info.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + info.name() + " has " + n + " elements, too many for a float[]");
        }
        // A flat tensor is one long row; that reuses each type's row decoding.
        WeightMatrix flat = create(info.name(), info.type(), 1, n, data);
        float[] out = new float[(int) n];
        flat.dequantizeRow(0, out, 0);
        return out;
    }

    private static WeightMatrix create(String name, GGMLType type, long rowsL, long colsL, MemorySegment data) {
        if (rowsL > Integer.MAX_VALUE || colsL > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + name + " is too large: " + rowsL + " rows of " + colsL);
        }
        int rows = (int) rowsL;
        int cols = (int) colsL;
        if (cols % type.blockSize != 0) {
            throw new GGUFFormatException("tensor " + name + " has rows of " + cols + " values, not a whole number of "
                    + type + " blocks of " + type.blockSize);
        }
        long expected = rowsL * (colsL / type.blockSize * type.blockBytes);
        if (data.byteSize() != expected) {
            throw new GGUFFormatException("tensor " + name + " (" + type + ", " + rows + " x " + cols + ") needs "
                    + expected + " bytes, but its data has " + data.byteSize());
        }
        return switch (type) {
            case F32 -> new F32Matrix(name, rows, cols, data);
            case F16 -> new F16Matrix(name, rows, cols, data);
            case BF16 -> new BF16Matrix(name, rows, cols, data);
            case Q8_0 -> new Q8_0Matrix(name, rows, cols, data);
            case Q4_0 -> new Q4_0Matrix(name, rows, cols, data);
            case Q4_K -> new Q4_KMatrix(name, rows, cols, data);
            case Q6_K -> new Q6_KMatrix(name, rows, cols, data);
            default -> throw new GGUFFormatException("tensor " + name + " has type " + type
                    + ", which the kernels do not support (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K are)");
        };
    }

    public abstract GGMLType type();

    public String name() {
        return name;
    }

    /** Output dimension. */
    public int rows() {
        return rows;
    }

    /** Input dimension (the contiguous one). */
    public int cols() {
        return cols;
    }

    /**
     * {@code out[b * rows + r] = sum_c W[r][c] * x[b * cols + c]} for every {@code b < batch}.
     * Each weight row is read once for the whole batch; rows are split over {@link Parallel}'s pool.
     * Activations stay float32 (never quantized), so results match a float reference of the dequantized weights.
     */
    public void matmul(float[] x, int batch, float[] out) {
        check(x, batch, out);
        Parallel.matmuls(new WeightMatrix[] {this}, new float[][] {out}, x, batch, false, minRows(batch, 1));
    }

    /**
     * {@code outs[i] = ms[i] · x} like {@link #matmul}, for several matrices with the same input width (Wq, Wk, Wv)
     * in one parallel step.
     */
    public static void matmuls(float[] x, int batch, WeightMatrix[] ms, float[][] outs) {
        for (int i = 0; i < ms.length; i++) {
            if (ms[i].cols != ms[0].cols) {
                throw new IllegalArgumentException(ms[i] + " and " + ms[0] + " differ in input width");
            }
            ms[i].check(x, batch, outs[i]);
        }
        Parallel.matmuls(ms, outs, x, batch, false, ms[0].minRows(batch, 1));
    }

    /**
     * The SwiGLU feed-forward input in one parallel step: {@code out = silu(gate · x) * (up · x)}, elementwise,
     * with silu(g) = g / (1 + e^-g). {@code upOut} receives {@code up · x} on the way.
     */
    public static void swiglu(WeightMatrix gate, WeightMatrix up, float[] x, int batch, float[] out, float[] upOut) {
        if (gate.rows != up.rows || gate.cols != up.cols) {
            throw new IllegalArgumentException("gate " + gate + " and up " + up + " differ in shape");
        }
        gate.check(x, batch, out);
        up.check(x, batch, upOut);
        Parallel.matmuls(new WeightMatrix[] {gate, up}, new float[][] {out, upOut}, x, batch, true,
                gate.minRows(batch, 2));
    }

    private void check(float[] x, int batch, float[] out) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch + " < 1");
        }
        if (x.length < (long) batch * cols || out.length < (long) batch * rows) {
            throw new IllegalArgumentException(name + ": batch " + batch + " needs x of " + (long) batch * cols
                    + " and out of " + (long) batch * rows + " floats, got " + x.length + " and " + out.length);
        }
    }

    /** Rows per chunk (of {@code matrices} matrices computed together) worth a hand-off to another thread. */
    private int minRows(int batch, int matrices) {
        long workPerRow = (long) cols * batch * matrices;
        return (int) Math.max(1, MIN_WORK_PER_TASK / workPerRow);
    }

    /** {@link #matmul} restricted to rows {@code [from, to)}; runs on one thread. */
    protected abstract void matmulRows(float[] x, int batch, float[] out, int from, int to);

    /** Dequantizes row {@code r} into {@code dst[offset .. offset + cols)} (embedding lookup). */
    public abstract void dequantizeRow(int r, float[] dst, int offset);

    static float f16(short bits) {
        return Float.float16ToFloat(bits);
    }

    @Override
    public String toString() {
        return name + " " + type() + " " + rows + "x" + cols;
    }
}
