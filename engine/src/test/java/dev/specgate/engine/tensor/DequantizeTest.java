package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;
import dev.specgate.engine.gguf.GGUFFormatException;
import dev.specgate.engine.gguf.GGUFTensorInfo;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One hand-built block per type: known scales and quants, expected values written out from the ggml layout. */
class DequantizeTest {

    static WeightMatrix matrix(GGMLType type, int rows, int cols, byte[] bytes) {
        return WeightMatrix.of(new GGUFTensorInfo("t", new long[] {cols, rows}, type, 0, bytes.length),
                MemorySegment.ofArray(bytes));
    }

    static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static float[] row(WeightMatrix m, int r) {
        float[] out = new float[m.cols() + 2];
        m.dequantizeRow(r, out, 1); // offset 1: the row must land exactly there
        assertEquals(0f, out[0]);
        assertEquals(0f, out[out.length - 1]);
        float[] v = new float[m.cols()];
        System.arraycopy(out, 1, v, 0, v.length);
        return v;
    }

    @Test
    void f32() {
        ByteBuffer b = le(24);
        for (float f : new float[] {1.5f, -2f, 3.25f, 0f, 7f, -0.125f}) {
            b.putFloat(f);
        }
        WeightMatrix m = matrix(GGMLType.F32, 2, 3, b.array());
        assertEquals(2, m.rows());
        assertEquals(3, m.cols());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, row(m, 0));
        assertArrayEquals(new float[] {0f, 7f, -0.125f}, row(m, 1));
    }

    @Test
    void f16() {
        // 0x3C00 = 1, 0xC000 = -2, 0x3800 = 0.5, 0x7BFF = 65504 (largest half), 0x0001 = 2^-24 (smallest subnormal)
        ByteBuffer b = le(10).putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3800)
                .putShort((short) 0x7BFF).putShort((short) 0x0001);
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 65504f, 0x1p-24f}, row(matrix(GGMLType.F16, 1, 5, b.array()), 0));
    }

    @Test
    void bf16() {
        // bf16 is the top half of a float: 0x3F80 = 1, 0xC040 = -3, 0x3E00 = 0.125
        ByteBuffer b = le(6).putShort((short) 0x3F80).putShort((short) 0xC040).putShort((short) 0x3E00);
        assertArrayEquals(new float[] {1f, -3f, 0.125f}, row(matrix(GGMLType.BF16, 1, 3, b.array()), 0));
    }

    @Test
    void q8_0() {
        ByteBuffer b = le(34).putShort((short) 0x3800); // d = 0.5
        for (int j = 0; j < 32; j++) {
            b.put((byte) (j - 16)); // q_j = j - 16
        }
        float[] v = row(matrix(GGMLType.Q8_0, 1, 32, b.array()), 0);
        for (int j = 0; j < 32; j++) {
            assertEquals((j - 16) * 0.5f, v[j], "value " + j);
        }
        assertEquals(-8f, v[0]);
        assertEquals(7.5f, v[31]);
    }

    @Test
    void q4_0() {
        ByteBuffer b = le(18).putShort((short) 0x4000); // d = 2
        for (int j = 0; j < 16; j++) {
            b.put((byte) (j | (15 - j) << 4)); // low nibble j (value j), high nibble 15 - j (value j + 16)
        }
        float[] v = row(matrix(GGMLType.Q4_0, 1, 32, b.array()), 0);
        for (int j = 0; j < 16; j++) {
            assertEquals((j - 8) * 2f, v[j], "value " + j);
            assertEquals((15 - j - 8) * 2f, v[j + 16], "value " + (j + 16));
        }
        assertEquals(-16f, v[0]);
        assertEquals(14f, v[16]);
    }

    @Test
    void q4_K() {
        // 8 sub-blocks of 32 values with 6-bit scales sc and mins m; d = 1, dmin = 0.5
        int[] sc = {1, 2, 3, 4, 17, 33, 5, 63};
        int[] m = {0, 1, 2, 3, 20, 7, 48, 1};
        ByteBuffer b = le(144).putShort((short) 0x3C00).putShort((short) 0x3800);
        // scale bytes packed by hand (get_scale_min_k4): bytes 0-3 = sc0-3 | top 2 bits of sc4-7 << 6,
        // bytes 4-7 = m0-3 | top 2 bits of m4-7 << 6, bytes 8-11 = low 4 bits of sc4-7 | low 4 bits of m4-7 << 4
        b.put(new byte[] {(byte) 0x41, (byte) 0x82, (byte) 0x03, (byte) 0xC4,
                (byte) 0x40, (byte) 0x01, (byte) 0xC2, (byte) 0x03,
                (byte) 0x41, (byte) 0x71, (byte) 0x05, (byte) 0x1F});
        int[] q = new int[256];
        for (int v = 0; v < 256; v++) {
            q[v] = (v * 7 + 3) % 16;
        }
        // values 64i + l (l < 32) are low nibbles of byte 32i + l, values 64i + 32 + l the high nibbles
        for (int i = 0; i < 4; i++) {
            for (int l = 0; l < 32; l++) {
                b.put((byte) (q[64 * i + l] | q[64 * i + 32 + l] << 4));
            }
        }
        float[] v = row(matrix(GGMLType.Q4_K, 1, 256, b.array()), 0);
        for (int i = 0; i < 256; i++) {
            int s = i / 32;
            assertEquals(1f * sc[s] * q[i] - 0.5f * m[s], v[i], "value " + i);
        }
        assertEquals(1 * 3 - 0f, v[0]);                       // sub-block 0: sc 1, m 0, q 3
        assertEquals(63 * ((255 * 7 + 3) % 16) - 0.5f, v[255]); // sub-block 7: sc 63, m 1
    }

    @Test
    void q6_K() {
        int[] sc = {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -128};
        int[] q = new int[256];
        for (int v = 0; v < 256; v++) {
            q[v] = (v * 37 + 5) % 64; // 6-bit quants, value = d * sc[v / 16] * (q - 32)
        }
        byte[] ql = new byte[128], qh = new byte[64];
        // each half of 128 values: value 32g + l of half h takes its low 4 bits from ql[64h + l (+32 if g odd)]
        // (low nibble for g < 2, high for g >= 2) and its top 2 bits from bits 2g..2g+1 of qh[32h + l]
        for (int h = 0; h < 2; h++) {
            for (int g = 0; g < 4; g++) {
                for (int l = 0; l < 32; l++) {
                    int val = q[128 * h + 32 * g + l];
                    int qli = 64 * h + l + (g % 2) * 32;
                    ql[qli] |= (byte) ((val & 0x0F) << (g < 2 ? 0 : 4));
                    qh[32 * h + l] |= (byte) ((val >> 4) << (2 * g));
                }
            }
        }
        ByteBuffer b = le(210).put(ql).put(qh);
        for (int s : sc) {
            b.put((byte) s);
        }
        b.putShort((short) 0x3400); // d = 0.25
        float[] v = row(matrix(GGMLType.Q6_K, 1, 256, b.array()), 0);
        for (int i = 0; i < 256; i++) {
            assertEquals(0.25f * sc[i / 16] * (q[i] - 32), v[i], "value " + i);
        }
        assertEquals(0.25f * 1 * (5 - 32), v[0]);
        assertEquals(0.25f * -128 * ((255 * 37 + 5) % 64 - 32), v[255]);
    }

    @Test
    void secondRowStartsAfterTheFirst() {
        ByteBuffer b = le(68);
        for (int r = 0; r < 2; r++) {
            b.putShort(r == 0 ? (short) 0x3C00 : (short) 0x4000); // d = 1, then 2
            for (int j = 0; j < 32; j++) {
                b.put((byte) (j + r));
            }
        }
        float[] v = row(matrix(GGMLType.Q8_0, 2, 32, b.array()), 1);
        assertEquals(2f, v[0]);
        assertEquals(64f, v[31]);
    }

    @Test
    void toFloatArrayReadsOneDimensionalTensors() {
        ByteBuffer b = le(34).putShort((short) 0x3C00);
        for (int j = 0; j < 32; j++) {
            b.put((byte) -j);
        }
        GGUFTensorInfo info = new GGUFTensorInfo("norm", new long[] {32}, GGMLType.Q8_0, 0, 34);
        float[] v = WeightMatrix.toFloatArray(info, MemorySegment.ofArray(b.array()));
        assertEquals(32, v.length);
        assertEquals(-31f, v[31]);

        ByteBuffer f = le(8).putFloat(2.5f).putFloat(-1f);
        GGUFTensorInfo f32 = new GGUFTensorInfo("bias", new long[] {2}, GGMLType.F32, 0, 8);
        assertArrayEquals(new float[] {2.5f, -1f}, WeightMatrix.toFloatArray(f32, MemorySegment.ofArray(f.array())));
    }

    @Test
    void unsupportedTypeNamesTensorAndType() {
        GGUFTensorInfo info = new GGUFTensorInfo("blk.3.ffn_down.weight", new long[] {256, 2}, GGMLType.Q5_K, 0,
                2L * GGMLType.Q5_K.blockBytes);
        RuntimeException e = assertThrows(GGUFFormatException.class,
                () -> WeightMatrix.of(info, MemorySegment.ofArray(new byte[(int) info.byteSize()])));
        assertTrue(e.getMessage().contains("blk.3.ffn_down.weight") && e.getMessage().contains("Q5_K"), e.getMessage());
    }

    @Test
    void rowsMustBeWholeBlocks() {
        GGUFTensorInfo info = new GGUFTensorInfo("odd", new long[] {48, 2}, GGMLType.Q8_0, 0, 0);
        RuntimeException e = assertThrows(GGUFFormatException.class,
                () -> WeightMatrix.of(info, MemorySegment.ofArray(new byte[102])));
        assertTrue(e.getMessage().contains("odd") && e.getMessage().contains("48"), e.getMessage());
    }

    @Test
    void dataSizeMustMatchShape() {
        GGUFTensorInfo info = new GGUFTensorInfo("short", new long[] {4, 2}, GGMLType.F32, 0, 32);
        RuntimeException e = assertThrows(GGUFFormatException.class,
                () -> WeightMatrix.of(info, MemorySegment.ofArray(new byte[31])));
        assertTrue(e.getMessage().contains("short"), e.getMessage());
    }
}
