package dev.specgate.engine.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds GGUF file bytes by hand for tests: header, metadata, tensor table, alignment padding, data. */
final class GGUFBytes {
    private final ByteArrayOutputStream kv = new ByteArrayOutputStream();
    private final ByteArrayOutputStream infos = new ByteArrayOutputStream();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private int kvCount;
    private int tensorCount;
    int magic = 0x46554747;
    int version = 3;
    int alignment = 32;

    static byte[] le(int n, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }

    static byte[] str(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        return le(8 + u.length, b -> b.putLong(u.length).put(u));
    }

    /** A metadata entry of GGUF value type {@code type} whose encoded value is {@code value}. */
    GGUFBytes kv(String key, int type, byte[] value) {
        kv.writeBytes(str(key));
        kv.writeBytes(le(4, b -> b.putInt(type)));
        kv.writeBytes(value);
        kvCount++;
        return this;
    }

    GGUFBytes kvString(String key, String value) {
        return kv(key, 8, str(value));
    }

    /** A tensor entry with its data appended to the data section at the next alignment boundary. */
    GGUFBytes tensor(String name, long[] shape, int typeId, byte[] bytes) {
        while (data.size() % alignment != 0) {
            data.write(0);
        }
        return tensorAt(name, shape, typeId, data.size(), bytes);
    }

    /** A tensor entry claiming relative offset {@code relOffset}; {@code bytes} are appended as given. */
    GGUFBytes tensorAt(String name, long[] shape, int typeId, long relOffset, byte[] bytes) {
        infos.writeBytes(str(name));
        infos.writeBytes(le(4, b -> b.putInt(shape.length)));
        for (long d : shape) {
            infos.writeBytes(le(8, b -> b.putLong(d)));
        }
        infos.writeBytes(le(12, b -> b.putInt(typeId).putLong(relOffset)));
        data.writeBytes(bytes);
        tensorCount++;
        return this;
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(24, b -> b.putInt(magic).putInt(version).putLong(tensorCount).putLong(kvCount)));
        out.writeBytes(kv.toByteArray());
        out.writeBytes(infos.toByteArray());
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }
}
