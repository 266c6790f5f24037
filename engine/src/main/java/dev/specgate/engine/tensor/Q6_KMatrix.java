package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml Q6_K: super-blocks of 256 values = 128 bytes ql (low 4 bits), 64 bytes qh (high 2 bits), 16 int8
 * sub-block scales, f16 d; value = d * scale * (q - 32). Each half of 128 values uses 64 ql bytes, 32 qh bytes
 * and 8 scales (ggml-quants.c dequantize_row_q6_K).
 */
final class Q6_KMatrix extends DecodingMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;

    Q6_KMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GGMLType.Q6_K);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q6_K;
    }

    private int u8(long p) {
        return data.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }

    @Override
    void decode(int r, int c0, int n, float[] dst, int off) {
        for (int k = c0 / BLOCK; k < (c0 + n) / BLOCK; k++, off += BLOCK) {
            long blk = r * rowBytes + (long) k * BLOCK_BYTES;
            float d = f16(data.get(SHORT_LE, blk + 208));
            for (int half = 0; half < 2; half++) {
                long ql = blk + 64L * half;
                long qh = blk + 128 + 32L * half;
                long sc = blk + 192 + 8L * half;
                int y = off + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int h = u8(qh + l);
                    int lo0 = u8(ql + l), lo1 = u8(ql + l + 32);
                    int q1 = ((lo0 & 0x0F) | ((h & 3) << 4)) - 32;
                    int q2 = ((lo1 & 0x0F) | (((h >>> 2) & 3) << 4)) - 32;
                    int q3 = ((lo0 >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                    int q4 = ((lo1 >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                    dst[y + l] = d * data.get(ValueLayout.JAVA_BYTE, sc + is) * q1;
                    dst[y + l + 32] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 2) * q2;
                    dst[y + l + 64] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 4) * q3;
                    dst[y + l + 96] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 6) * q4;
                }
            }
        }
    }
}
