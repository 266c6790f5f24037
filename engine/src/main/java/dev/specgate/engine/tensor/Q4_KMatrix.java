package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml Q4_K: super-blocks of 256 values = f16 d, f16 dmin, 12 bytes of eight packed 6-bit (scale, min) pairs,
 * 128 bytes of nibbles. Sub-block s (32 values) has value = d * scale_s * q - dmin * min_s. Values 64i .. 64i+31
 * are the low nibbles of bytes 32i .. 32i+31, values 64i+32 .. 64i+63 their high nibbles
 * (ggml-quants.c dequantize_row_q4_K, get_scale_min_k4).
 */
final class Q4_KMatrix extends DecodingMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;

    Q4_KMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GGMLType.Q4_K);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q4_K;
    }

    private int u8(long p) {
        return data.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }

    @Override
    void decode(int r, int c0, int n, float[] dst, int off) {
        for (int k = c0 / BLOCK; k < (c0 + n) / BLOCK; k++, off += BLOCK) {
            long blk = r * rowBytes + (long) k * BLOCK_BYTES;
            float d = f16(data.get(SHORT_LE, blk));
            float dmin = f16(data.get(SHORT_LE, blk + 2));
            long scales = blk + 4;
            long qs = blk + 16;
            for (int i = 0; i < 4; i++) { // 64 values per step: two sub-blocks sharing 32 bytes of nibbles
                int s0 = 2 * i, s1 = 2 * i + 1;
                float d1 = d * scale(scales, s0), m1 = dmin * min(scales, s0);
                float d2 = d * scale(scales, s1), m2 = dmin * min(scales, s1);
                for (int l = 0; l < 32; l++) {
                    int q = u8(qs + 32L * i + l);
                    dst[off + 64 * i + l] = d1 * (q & 0x0F) - m1;
                    dst[off + 64 * i + 32 + l] = d2 * (q >>> 4) - m2;
                }
            }
        }
    }

    /** get_scale_min_k4: scales 0-3 are the low 6 bits of bytes 0-3; 4-7 are split over bytes 8-11 and 0-3. */
    private int scale(long q, int j) {
        return j < 4 ? u8(q + j) & 63 : (u8(q + j + 4) & 0x0F) | ((u8(q + j - 4) >>> 6) << 4);
    }

    /** get_scale_min_k4: mins 0-3 are the low 6 bits of bytes 4-7; 4-7 are split over bytes 8-11 and 4-7. */
    private int min(long q, int j) {
        return j < 4 ? u8(q + j + 4) & 63 : (u8(q + j + 4) >>> 4) | ((u8(q + j) >>> 6) << 4);
    }
}
