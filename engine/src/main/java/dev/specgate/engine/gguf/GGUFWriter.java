package dev.specgate.engine.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes GGUF files: header, metadata, tensor table, alignment padding, data. Tensor data is either given as bytes
 * (small files, tests) or streamed from a {@link TensorData} while the file is written (models larger than memory,
 * such as the benchmark's synthetic one). The fields {@link #magic}, {@link #version}, {@link #alignment} and
 * {@link #tensorAt} can write deliberately malformed files, for tests of the reader.
 */
public final class GGUFWriter {
    /** GGUF metadata value types. */
    public static final int UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7, STRING = 8, ARRAY = 9;

    /** Writes one tensor's bytes, exactly as many as the tensor table says. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    /** A stretch of the data section: a tensor's bytes or the padding before one. */
    private record Chunk(long bytes, TensorData data) {
    }

    private final ByteArrayOutputStream kv = new ByteArrayOutputStream();
    private final ByteArrayOutputStream infos = new ByteArrayOutputStream();
    private final List<Chunk> data = new ArrayList<>();
    private long dataSize;
    private int kvCount;
    private int tensorCount;
    public int magic = 0x46554747;
    public int version = 3;
    public int alignment = 32;

    /** {@code n} little-endian bytes filled by {@code fill}. */
    public static byte[] le(int n, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }

    /** A GGUF string: u64 length, then UTF-8 bytes. */
    public static byte[] str(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        return le(8 + u.length, b -> b.putLong(u.length).put(u));
    }

    /** A metadata entry of GGUF value type {@code type} whose encoded value is {@code value}. */
    public GGUFWriter kv(String key, int type, byte[] value) {
        kv.writeBytes(str(key));
        kv.writeBytes(le(4, b -> b.putInt(type)));
        kv.writeBytes(value);
        kvCount++;
        return this;
    }

    public GGUFWriter kvString(String key, String value) {
        return kv(key, STRING, str(value));
    }

    public GGUFWriter kvUint32(String key, int value) {
        return kv(key, UINT32, le(4, b -> b.putInt(value)));
    }

    public GGUFWriter kvFloat32(String key, float value) {
        return kv(key, FLOAT32, le(4, b -> b.putFloat(value)));
    }

    public GGUFWriter kvBool(String key, boolean value) {
        return kv(key, BOOL, new byte[] {(byte) (value ? 1 : 0)});
    }

    public GGUFWriter kvStrings(String key, String[] values) {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        a.writeBytes(le(12, b -> b.putInt(STRING).putLong(values.length)));
        for (String s : values) {
            a.writeBytes(str(s));
        }
        return kv(key, ARRAY, a.toByteArray());
    }

    public GGUFWriter kvFloats(String key, float[] values) {
        return kv(key, ARRAY, le(12 + 4 * values.length, b -> {
            b.putInt(FLOAT32).putLong(values.length);
            for (float v : values) {
                b.putFloat(v);
            }
        }));
    }

    public GGUFWriter kvInts(String key, int[] values) {
        return kv(key, ARRAY, le(12 + 4 * values.length, b -> {
            b.putInt(INT32).putLong(values.length);
            for (int v : values) {
                b.putInt(v);
            }
        }));
    }

    /** A tensor entry with its data appended to the data section at the next alignment boundary. */
    public GGUFWriter tensor(String name, long[] shape, int typeId, byte[] bytes) {
        return tensor(name, shape, typeId, bytes.length, out -> writeFully(out, ByteBuffer.wrap(bytes)));
    }

    /** A tensor of {@code bytes} bytes written by {@code data} when the file is written. */
    public GGUFWriter tensor(String name, long[] shape, int typeId, long bytes, TensorData data) {
        long padding = (alignment - dataSize % alignment) % alignment;
        if (padding > 0) {
            this.data.add(new Chunk(padding, out -> writeFully(out, ByteBuffer.allocate((int) padding))));
            dataSize += padding;
        }
        return tensorAt(name, shape, typeId, dataSize, bytes, data);
    }

    /** A tensor entry claiming relative offset {@code relOffset}; {@code bytes} are appended as given. */
    public GGUFWriter tensorAt(String name, long[] shape, int typeId, long relOffset, byte[] bytes) {
        return tensorAt(name, shape, typeId, relOffset, bytes.length, out -> writeFully(out, ByteBuffer.wrap(bytes)));
    }

    private GGUFWriter tensorAt(String name, long[] shape, int typeId, long relOffset, long bytes, TensorData data) {
        infos.writeBytes(str(name));
        infos.writeBytes(le(4, b -> b.putInt(shape.length)));
        for (long d : shape) {
            infos.writeBytes(le(8, b -> b.putLong(d)));
        }
        infos.writeBytes(le(12, b -> b.putInt(typeId).putLong(relOffset)));
        this.data.add(new Chunk(bytes, data));
        dataSize += bytes;
        tensorCount++;
        return this;
    }

    /** Bytes the file will have. */
    public long size() {
        return header().length + dataSize;
    }

    /** The whole file in memory (small files). */
    public byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(Channels.newChannel(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the file to {@code path}, streaming each tensor's data. */
    public void write(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeTo(ch);
        }
    }

    /** Header, metadata and tensor table, padded to the alignment: everything before the data. */
    private byte[] header() {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(le(24, b -> b.putInt(magic).putInt(version).putLong(tensorCount).putLong(kvCount)));
        head.writeBytes(kv.toByteArray());
        head.writeBytes(infos.toByteArray());
        while (head.size() % alignment != 0) {
            head.write(0);
        }
        return head.toByteArray();
    }

    private void writeTo(WritableByteChannel out) throws IOException {
        writeFully(out, ByteBuffer.wrap(header()));
        for (Chunk c : data) {
            c.data().writeTo(out);
        }
    }

    /** Writes all of {@code b} (a channel may take a buffer in parts). */
    public static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
