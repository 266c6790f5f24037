package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;
import dev.specgate.engine.gguf.GGUFTensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** matmul of every type against a float64 dot product over the dequantized rows. */
class MatmulTest {

    enum Kind {
        F32(GGMLType.F32), F16(GGMLType.F16), BF16(GGMLType.BF16), Q8_0(GGMLType.Q8_0), Q4_0(GGMLType.Q4_0),
        Q4_K(GGMLType.Q4_K), Q6_K(GGMLType.Q6_K);

        final GGMLType type;

        Kind(GGMLType type) {
            this.type = type;
        }
    }

    /** Random weights of {@code type}: random quants, with every f16 scale a sane finite value. */
    static byte[] randomWeights(GGMLType type, int rows, int cols, Random rnd) {
        int blocks = rows * (cols / type.blockSize);
        ByteBuffer b = ByteBuffer.allocate(blocks * type.blockBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < blocks; i++) {
            int p = i * type.blockBytes;
            switch (type) {
                case F32 -> b.putFloat(p, rnd.nextFloat() * 2 - 1);
                case F16 -> b.putShort(p, Float.floatToFloat16(rnd.nextFloat() * 2 - 1));
                case BF16 -> b.putShort(p, (short) (Float.floatToRawIntBits(rnd.nextFloat() * 2 - 1) >>> 16));
                default -> {
                    byte[] q = new byte[type.blockBytes];
                    rnd.nextBytes(q);
                    b.put(p, q);
                    short scale = Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.05f);
                    switch (type) {
                        case Q8_0, Q4_0 -> b.putShort(p, scale);
                        case Q4_K -> b.putShort(p, scale).putShort(p + 2, Float.floatToFloat16(rnd.nextFloat() * 0.01f));
                        case Q6_K -> b.putShort(p + 208, scale);
                        default -> throw new AssertionError(type);
                    }
                }
            }
        }
        return b.array();
    }

    static WeightMatrix randomMatrix(GGMLType type, int rows, int cols, long seed) {
        byte[] bytes = randomWeights(type, rows, cols, new Random(seed));
        return WeightMatrix.of(new GGUFTensorInfo("random", new long[] {cols, rows}, type, 0, bytes.length),
                MemorySegment.ofArray(bytes));
    }

    static float[] randomX(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    /**
     * Checks {@code out} against float64 dots over the dequantized rows. The bound is relative to
     * sum |w * x| (the size of the terms), since a float32 sum cannot be closer than that to a cancelling total.
     */
    static void assertMatchesReference(WeightMatrix m, float[] x, int batch, float[] out) {
        int rows = m.rows(), cols = m.cols();
        float[] w = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.dequantizeRow(r, w, 0);
            for (int b = 0; b < batch; b++) {
                double dot = 0, mag = 0;
                for (int c = 0; c < cols; c++) {
                    double t = (double) w[c] * x[b * cols + c];
                    dot += t;
                    mag += Math.abs(t);
                }
                double err = Math.abs(out[b * rows + r] - dot);
                if (err > 1e-5 * mag + 1e-30) {
                    fail(m + " batch " + batch + ": out[" + b + "][" + r + "] = " + out[b * rows + r]
                            + ", reference " + dot + " (sum |w x| = " + mag + ")");
                }
            }
        }
    }

    static int[] colsFor(GGMLType type) {
        return switch (type) {
            case F32, F16, BF16 -> new int[] {1, 7, 37, 131, 385};
            case Q8_0, Q4_0 -> new int[] {32, 96, 416};
            default -> new int[] {256, 768};
        };
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void matchesDoubleReferenceForBatch1To16(Kind kind) {
        for (int cols : colsFor(kind.type)) {
            for (int rows : new int[] {1, 5, 67}) {
                WeightMatrix m = randomMatrix(kind.type, rows, cols, 31L * rows + cols);
                for (int batch = 1; batch <= 16; batch++) {
                    float[] x = randomX(batch * cols, batch);
                    float[] out = new float[batch * rows];
                    m.matmul(x, batch, out);
                    assertMatchesReference(m, x, batch, out);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void largeMatrixSplitOverThreadsMatchesReference(Kind kind) {
        int cols = kind.type.blockSize == 256 ? 512 : kind.type.blockSize == 32 ? 384 : 383;
        WeightMatrix m = randomMatrix(kind.type, 1000, cols, 7);
        for (int batch : new int[] {1, 3, 8}) {
            float[] x = randomX(batch * cols, 11);
            float[] out = new float[batch * 1000];
            m.matmul(x, batch, out);
            assertMatchesReference(m, x, batch, out);
        }
    }

    /**
     * A batch row's result must not depend on the batch it came in (verifying drafts = decoding one by one): the
     * tiled kernels (F32, Q8_0, Q4_0) add in the same order for any batch size and reduce lanes by a fixed tree of
     * lane-wise adds, so their results are identical bit for bit; the decoding kernels (F16, BF16, K-quants) use
     * the Vector API's reduceLanes, whose order may differ between interpreted and compiled code, so for them
     * allow a few float32 roundings of the terms' size.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void batchEqualsSingleCalls(Kind kind) {
        boolean tiled = randomMatrix(kind.type, 1, colsFor(kind.type)[0], 1) instanceof TiledMatrix;
        for (int cols : colsFor(kind.type)) {
            int rows = 301;
            WeightMatrix m = randomMatrix(kind.type, rows, cols, 3);
            for (int batch : new int[] {2, 5, 11}) {
                float[] x = randomX(batch * cols, 5);
                float[] out = new float[batch * rows];
                m.matmul(x, batch, out);
                float[] w = new float[cols];
                for (int b = 0; b < batch; b++) {
                    float[] xb = new float[cols];
                    System.arraycopy(x, b * cols, xb, 0, cols);
                    float[] single = new float[rows];
                    m.matmul(xb, 1, single);
                    for (int r = 0; r < rows; r++) {
                        String what = "cols " + cols + ", batch " + batch + ", batch row " + b + ", row " + r;
                        if (tiled) {
                            assertEquals(Float.floatToIntBits(single[r]), Float.floatToIntBits(out[b * rows + r]), what);
                            continue;
                        }
                        m.dequantizeRow(r, w, 0);
                        double mag = 0;
                        for (int c = 0; c < cols; c++) {
                            mag += Math.abs((double) w[c] * xb[c]);
                        }
                        assertEquals(single[r], out[b * rows + r], 1e-6 * mag, what);
                    }
                }
            }
        }
    }

    @Test
    void concurrentCallersGetTheirOwnResults() throws Exception {
        WeightMatrix m = randomMatrix(GGMLType.Q8_0, 512, 256, 9);
        Thread[] threads = new Thread[4];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads.length; t++) {
            int batch = t + 1;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        float[] x = randomX(batch * 256, batch * 100 + i);
                        float[] out = new float[batch * 512];
                        m.matmul(x, batch, out);
                        assertMatchesReference(m, x, batch, out);
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    @Test
    void parallelForRangeCoversEveryIndexOnceEvenWhenNested() {
        int n = 10_000;
        int[] hits = new int[n];
        Parallel.forRange(n, 100, (from, to) -> {
            for (int i = from; i < to; i++) {
                hits[i]++;
            }
            // nested call from a pool thread must not deadlock
            int[] inner = new int[1000];
            Parallel.forRange(inner.length, 10, (a, b) -> {
                for (int i = a; i < b; i++) {
                    inner[i]++;
                }
            });
            for (int v : inner) {
                assertEquals(1, v);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits[i], "index " + i);
        }
        Parallel.forRange(0, 1, (a, b) -> fail("empty range ran"));
        assertTrue(Parallel.threads() >= 1);
    }
}
