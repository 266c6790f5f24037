package dev.specgate.engine.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GGUFFile on small files written byte by byte. */
class GGUFFileTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(dir, "t", ".gguf");
        Files.write(p, bytes);
        return p;
    }

    private static byte[] floats(float... v) {
        return GGUFWriter.le(4 * v.length, b -> {
            for (float f : v) {
                b.putFloat(f);
            }
        });
    }

    private String failure(byte[] bytes) throws IOException {
        Path p = write(bytes);
        return assertThrows(GGUFFormatException.class, () -> GGUFFile.open(p).close()).getMessage();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void readsEveryMetadataType(int version) throws IOException {
        GGUFWriter g = new GGUFWriter();
        g.version = version;
        g.kv("u8", 0, new byte[] {(byte) 200})
                .kv("i8", 1, new byte[] {(byte) -5})
                .kv("u16", 2, GGUFWriter.le(2, b -> b.putShort((short) 60000)))
                .kv("i16", 3, GGUFWriter.le(2, b -> b.putShort((short) -300)))
                .kv("u32", 4, GGUFWriter.le(4, b -> b.putInt(0xFFFFFFF0)))
                .kv("i32", 5, GGUFWriter.le(4, b -> b.putInt(-70000)))
                .kv("f32", 6, GGUFWriter.le(4, b -> b.putFloat(1e-5f)))
                .kv("bool", 7, new byte[] {1})
                .kvString("name", "llama ✓")
                .kv("ints", 9, GGUFWriter.le(4 + 8 + 12, b -> b.putInt(5).putLong(3).putInt(1).putInt(-2).putInt(3)))
                .kv("strs", 9, concat(GGUFWriter.le(12, b -> b.putInt(8).putLong(2)), GGUFWriter.str("a"), GGUFWriter.str("bc")))
                .kv("floats", 9, concat(GGUFWriter.le(12, b -> b.putInt(6).putLong(2)), floats(0.5f, -1f)))
                .kv("u64", 10, GGUFWriter.le(8, b -> b.putLong(1L << 40)))
                .kv("i64", 11, GGUFWriter.le(8, b -> b.putLong(-(1L << 40))))
                .kv("f64", 12, GGUFWriter.le(8, b -> b.putDouble(2.5)));
        try (GGUFFile f = GGUFFile.open(write(g.build()))) {
            assertEquals(version, f.version());
            assertEquals(200, f.metadataInt("u8", 0));
            assertEquals(-5, f.metadataInt("i8", 0));
            assertEquals(60000, f.metadataInt("u16", 0));
            assertEquals(-300, f.metadataInt("i16", 0));
            assertEquals(0xFFFFFFF0L, f.metadata().get("u32")); // unsigned: widened, not negative
            assertEquals(-70000, f.requireInt("i32"));
            assertEquals(1e-5f, f.metadataFloat("f32", 0));
            assertTrue(f.metadataBool("bool", false));
            assertEquals("llama ✓", f.requireString("name"));
            assertArrayEquals(new int[] {1, -2, 3}, f.metadataArray("ints", int[].class));
            assertArrayEquals(new String[] {"a", "bc"}, f.metadataArray("strs", String[].class));
            assertArrayEquals(new float[] {0.5f, -1f}, f.metadataArray("floats", float[].class));
            assertEquals(1L << 40, f.metadata().get("u64"));
            assertEquals(-(1L << 40), f.metadata().get("i64"));
            assertEquals(2.5, f.metadata().get("f64"));
            assertEquals(7, f.metadataInt("missing", 7));
            GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> f.metadataInt("name", 0));
            assertTrue(e.getMessage().contains("name"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 64, 256})
    void tensorDataStartsAtTheAlignedOffset(int alignment) throws IOException {
        GGUFWriter g = new GGUFWriter();
        g.alignment = alignment;
        if (alignment != 32) {
            g.kv("general.alignment", 4, GGUFWriter.le(4, b -> b.putInt(alignment)));
        }
        g.kvString("general.architecture", "llama")
                .tensor("a", new long[] {3}, 0, floats(1, 2, 3))
                .tensor("b", new long[] {2, 2}, 0, floats(4, 5, 6, 7));
        try (GGUFFile f = GGUFFile.open(write(g.build()))) {
            GGUFTensorInfo a = f.tensor("a"), b = f.tensor("b");
            assertEquals(0, a.offset() % alignment);
            assertEquals(0, b.offset() % alignment);
            assertEquals(12, a.byteSize());
            assertArrayEquals(new long[] {2, 2}, b.shape());
            assertEquals(GGMLType.F32, b.type());
            MemorySegment s = f.data(b);
            float[] v = s.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            assertArrayEquals(new float[] {4, 5, 6, 7}, v);
            assertEquals(3f, f.data(a).get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
            assertEquals(Arrays.asList("a", "b"), f.tensors().keySet().stream().toList());
        }
    }

    @Test
    void badMagic() throws IOException {
        GGUFWriter g = new GGUFWriter();
        g.magic = 0x46554746;
        assertTrue(failure(g.build()).contains("bad magic"));
        assertTrue(failure(new byte[0]).contains("bad magic"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void unsupportedVersion(int version) throws IOException {
        GGUFWriter g = new GGUFWriter();
        g.version = version;
        String m = failure(g.build());
        assertTrue(m.contains("version " + version) && m.contains("not supported"), m);
    }

    @Test
    void truncatedHeader() throws IOException {
        byte[] full = new GGUFWriter().kvString("general.name", "a long enough name").kv("x", 5, new byte[4])
                .tensor("t", new long[] {2}, 0, floats(1, 2)).build();
        for (int cut : new int[] {6, 20, 30, 45, 60}) {
            String m = failure(Arrays.copyOf(full, cut));
            assertTrue(m.contains("truncated"), cut + ": " + m);
        }
    }

    @Test
    void tensorBeyondEndOfFile() throws IOException {
        byte[] full = new GGUFWriter().tensor("w", new long[] {8, 4}, 0, floats(new float[32])).build();
        String m = failure(Arrays.copyOf(full, full.length - 4));
        assertTrue(m.contains("w") && m.contains("beyond the end"), m);

        byte[] far = new GGUFWriter().tensorAt("far", new long[] {4}, 0, Long.MAX_VALUE - 8, floats(1, 2, 3, 4)).build();
        m = failure(far);
        assertTrue(m.contains("far") && m.contains("beyond the end"), m);
    }

    @Test
    void unknownTensorType() throws IOException {
        String m = failure(new GGUFWriter().tensor("odd", new long[] {4}, 99, new byte[16]).build());
        assertTrue(m.contains("odd") && m.contains("unknown ggml type 99"), m);
    }

    @Test
    void duplicateTensorAndMissingTensor() throws IOException {
        String m = failure(new GGUFWriter().tensor("t", new long[] {1}, 0, floats(1)).tensor("t", new long[] {1}, 0, floats(2)).build());
        assertTrue(m.contains("appears twice"), m);
        try (GGUFFile f = GGUFFile.open(write(new GGUFWriter().build()))) {
            GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> f.tensor("nope"));
            assertTrue(e.getMessage().contains("nope"));
        }
    }

    @Test
    void opensTheSharedModels() throws IOException {
        try (GGUFFile f = GGUFFile.open(dev.specgate.engine.TestModels.path("kjv-verifier-14m-q8_0.gguf"))) {
            assertEquals("llama", f.requireString("general.architecture"));
            GGUFTensorInfo up = f.tensor("blk.0.ffn_up.weight");
            assertEquals(GGMLType.Q8_0, up.type());
            assertArrayEquals(new long[] {384, 1024}, up.shape());
            assertEquals(GGMLType.F32, f.tensor("blk.0.attn_norm.weight").type());
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
