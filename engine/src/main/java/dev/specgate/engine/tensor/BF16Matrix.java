package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;

import java.lang.foreign.MemorySegment;

/** bfloat16 weights: the top 16 bits of a float32, so decoding is a shift. */
final class BF16Matrix extends DecodingMatrix {

    BF16Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GGMLType.BF16);
    }

    @Override
    public GGMLType type() {
        return GGMLType.BF16;
    }

    @Override
    void decode(int r, int c0, int n, float[] dst, int off) {
        long p = r * rowBytes + 2L * c0;
        for (int i = 0; i < n; i++) {
            dst[off + i] = Float.intBitsToFloat(data.get(SHORT_LE, p + 2L * i) << 16);
        }
    }
}
