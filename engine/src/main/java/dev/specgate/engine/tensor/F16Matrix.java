package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;

import java.lang.foreign.MemorySegment;

/** IEEE half-precision weights; {@link Float#float16ToFloat} compiles to the hardware conversion. */
final class F16Matrix extends DecodingMatrix {

    F16Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GGMLType.F16);
    }

    @Override
    public GGMLType type() {
        return GGMLType.F16;
    }

    @Override
    void decode(int r, int c0, int n, float[] dst, int off) {
        long p = r * rowBytes + 2L * c0;
        for (int i = 0; i < n; i++) {
            dst[off + i] = Float.float16ToFloat(data.get(SHORT_LE, p + 2L * i));
        }
    }
}
