package dev.specgate.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A memory-mapped GGUF file (versions 2 and 3): typed metadata, the tensor table, and tensor data read in place.
 *
 * <p>The whole file is mapped once with the FFM API, so files beyond 2 GiB work and tensor data is never
 * copied to the heap. The mapping lives until {@link #close()}; tensors handed out before must not be used after.
 */
public final class GGUFFile implements AutoCloseable {
    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian int
    private static final int DEFAULT_ALIGNMENT = 32;
    /** Bound on any single count read from the header, so a corrupted count fails cleanly, not with OOM. */
    private static final long MAX_COUNT = 1L << 28;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, GGUFTensorInfo> tensors;
    private final long dataStart;

    private long cursor; // parse position while reading the header

    private GGUFFile(Path path, Arena arena, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        try {
            // only the magic decides "not GGUF"; a GGUF file cut short after it is reported as truncated below
            if (file.byteSize() < 4 || file.get(INT, 0) != MAGIC) {
                throw new GGUFFormatException(path + " is not a GGUF file (bad magic)");
            }
            cursor = 4;
            version = readInt();
            if (version != 2 && version != 3) {
                throw new GGUFFormatException(path + ": GGUF version " + version + " is not supported (2 and 3 are)");
            }
            long tensorCount = readCount("tensor count");
            long kvCount = readCount("metadata count");
            Map<String, Object> md = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = readString();
                md.put(key, readValue(readInt(), key));
            }
            metadata = Collections.unmodifiableMap(md);

            record RawTensor(String name, long[] shape, GGMLType type, long relOffset) {}
            RawTensor[] raw = new RawTensor[(int) tensorCount];
            for (int i = 0; i < tensorCount; i++) {
                String name = readString();
                int nDims = readInt();
                if (nDims < 1 || nDims > 4) {
                    throw new GGUFFormatException("tensor " + name + " has " + nDims + " dimensions");
                }
                long[] shape = new long[nDims];
                for (int d = 0; d < nDims; d++) {
                    shape[d] = readLong();
                    if (shape[d] <= 0 || shape[d] > (1L << 40)) {
                        throw new GGUFFormatException("tensor " + name + " has dimension " + shape[d]);
                    }
                }
                int typeId = readInt();
                GGMLType type = GGMLType.byId(typeId);
                if (type == null) {
                    throw new GGUFFormatException("tensor " + name + " has unknown ggml type " + typeId);
                }
                raw[i] = new RawTensor(name, shape, type, readLong());
            }
            int alignment = metadataInt("general.alignment", DEFAULT_ALIGNMENT);
            if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
                throw new GGUFFormatException("general.alignment " + alignment + " is not a power of two");
            }
            dataStart = (cursor + alignment - 1) / alignment * alignment;

            Map<String, GGUFTensorInfo> t = new LinkedHashMap<>();
            for (RawTensor r : raw) {
                long elements = 1;
                for (long d : r.shape) {
                    elements = Math.multiplyExact(elements, d);
                }
                long bytes = r.type.bytesFor(elements);
                long offset = dataStart + r.relOffset;
                // relOffset is bounded first so that a huge value cannot overflow offset + bytes past the check
                if (r.relOffset < 0 || r.relOffset > file.byteSize() || offset + bytes > file.byteSize()) {
                    throw new GGUFFormatException("tensor " + r.name + " (" + bytes + " bytes at offset " + offset
                            + ") lies beyond the end of the file (" + file.byteSize() + " bytes); is it truncated?");
                }
                if (t.put(r.name, new GGUFTensorInfo(r.name, r.shape, r.type, offset, bytes)) != null) {
                    throw new GGUFFormatException("tensor " + r.name + " appears twice");
                }
            }
            tensors = Collections.unmodifiableMap(t);
        } catch (IndexOutOfBoundsException e) {
            throw new GGUFFormatException(path + " is truncated: header ends at byte " + cursor
                    + " of " + file.byteSize(), e);
        } catch (ArithmeticException e) {
            throw new GGUFFormatException(path + ": tensor size overflows", e);
        }
    }

    /** Maps {@code path} and parses its header. Throws {@link GGUFFormatException} if the file is not usable. */
    public static GGUFFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new GGUFFile(path, arena, segment);
        } catch (RuntimeException | IOException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    /** All metadata: numbers as Integer/Long/Float/Double (unsigned types widened), strings, Boolean, arrays as
     *  int[] / long[] / float[] / double[] / boolean[] / String[]. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    public Map<String, GGUFTensorInfo> tensors() {
        return tensors;
    }

    public GGUFTensorInfo tensor(String name) {
        GGUFTensorInfo t = tensors.get(name);
        if (t == null) {
            throw new GGUFFormatException(path.getFileName() + " has no tensor " + name);
        }
        return t;
    }

    /** The bytes of a tensor, in place in the mapping. */
    public MemorySegment data(GGUFTensorInfo tensor) {
        return file.asSlice(tensor.offset(), tensor.byteSize());
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public String metadataString(String key, String fallback) {
        Object v = metadata.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(key, v, "a string");
    }

    public String requireString(String key) {
        String s = metadataString(key, null);
        if (s == null) {
            throw new GGUFFormatException(path.getFileName() + " has no metadata " + key);
        }
        return s;
    }

    public int metadataInt(String key, int fallback) {
        Object v = metadata.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long l && l == (int) (long) l) {
            return (int) (long) l;
        }
        throw wrongType(key, v, "an integer");
    }

    public int requireInt(String key) {
        if (!metadata.containsKey(key)) {
            throw new GGUFFormatException(path.getFileName() + " has no metadata " + key);
        }
        return metadataInt(key, 0);
    }

    public float metadataFloat(String key, float fallback) {
        Object v = metadata.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.floatValue();
        }
        throw wrongType(key, v, "a number");
    }

    public boolean metadataBool(String key, boolean fallback) {
        Object v = metadata.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, v, "a boolean");
    }

    /** An array value, or null when absent; throws when present with another element type. */
    public <T> T metadataArray(String key, Class<T> arrayType) {
        Object v = metadata.get(key);
        if (v == null) {
            return null;
        }
        if (arrayType.isInstance(v)) {
            return arrayType.cast(v);
        }
        throw wrongType(key, v, arrayType.getSimpleName());
    }

    private GGUFFormatException wrongType(String key, Object v, String wanted) {
        return new GGUFFormatException(path.getFileName() + ": metadata " + key + " is "
                + v.getClass().getSimpleName() + ", expected " + wanted);
    }

    @Override
    public void close() {
        arena.close();
    }

    // ---- header parsing -------------------------------------------------------------------------------------

    private int readInt() {
        int v = file.get(INT, cursor);
        cursor += 4;
        return v;
    }

    private long readLong() {
        long v = file.get(LONG, cursor);
        cursor += 8;
        return v;
    }

    private long readCount(String what) {
        long n = readLong();
        if (n < 0 || n > MAX_COUNT || n > file.byteSize()) {
            throw new GGUFFormatException(path + ": implausible " + what + " " + n);
        }
        return n;
    }

    private String readString() {
        long len = readLong();
        if (len < 0 || cursor + len > file.byteSize()) {
            throw new GGUFFormatException(path + ": string of " + len + " bytes at offset " + (cursor - 8)
                    + " runs past the end of the file; is it truncated?");
        }
        byte[] bytes = file.asSlice(cursor, len).toArray(ValueLayout.JAVA_BYTE);
        cursor += len;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private Object readValue(int type, String key) {
        return switch (type) {
            case 0 -> Integer.valueOf(file.get(ValueLayout.JAVA_BYTE, cursor++) & 0xFF);
            case 1 -> Integer.valueOf(file.get(ValueLayout.JAVA_BYTE, cursor++));
            case 2 -> { int v = file.get(SHORT, cursor) & 0xFFFF; cursor += 2; yield v; }
            case 3 -> { int v = file.get(SHORT, cursor); cursor += 2; yield v; }
            case 4 -> { long v = readInt() & 0xFFFFFFFFL; yield v == (int) v ? (Object) (int) v : (Object) v; }
            case 5 -> readInt();
            case 6 -> { float v = file.get(FLOAT, cursor); cursor += 4; yield v; }
            case 7 -> file.get(ValueLayout.JAVA_BYTE, cursor++) != 0;
            case 8 -> readString();
            case 9 -> readArray(key);
            case 10, 11 -> readLong();
            case 12 -> { double v = file.get(DOUBLE, cursor); cursor += 8; yield v; }
            default -> throw new GGUFFormatException(path + ": metadata " + key + " has unknown value type " + type);
        };
    }

    private Object readArray(String key) {
        int elementType = readInt();
        long n = readCount("array length of " + key);
        int len = (int) n;
        return switch (elementType) {
            case 0, 1, 2, 3, 4, 5 -> {
                int[] a = new int[len];
                for (int i = 0; i < len; i++) {
                    a[i] = ((Number) readValue(elementType, key)).intValue();
                }
                yield a;
            }
            case 6 -> {
                float[] a = new float[len];
                MemorySegment.copy(file, FLOAT, cursor, a, 0, len);
                cursor += 4L * len;
                yield a;
            }
            case 7 -> {
                boolean[] a = new boolean[len];
                for (int i = 0; i < len; i++) {
                    a[i] = file.get(ValueLayout.JAVA_BYTE, cursor++) != 0;
                }
                yield a;
            }
            case 8 -> {
                String[] a = new String[len];
                for (int i = 0; i < len; i++) {
                    a[i] = readString();
                }
                yield a;
            }
            case 10, 11 -> {
                long[] a = new long[len];
                for (int i = 0; i < len; i++) {
                    a[i] = readLong();
                }
                yield a;
            }
            case 12 -> {
                double[] a = new double[len];
                for (int i = 0; i < len; i++) {
                    a[i] = file.get(DOUBLE, cursor);
                    cursor += 8;
                }
                yield a;
            }
            default -> throw new GGUFFormatException(path + ": metadata array " + key
                    + " has unsupported element type " + elementType);
        };
    }
}
