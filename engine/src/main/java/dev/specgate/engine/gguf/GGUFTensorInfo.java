package dev.specgate.engine.gguf;

import java.util.Arrays;

/**
 * One entry of a GGUF tensor table.
 *
 * @param name      tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param shape     ggml order: {@code shape[0]} is the innermost (contiguous) dimension, so a weight matrix
 *                  of {@code rows x cols} has shape {@code [cols, rows]}
 * @param type      element type
 * @param offset    absolute byte offset of the data in the file
 * @param byteSize  bytes of data
 */
public record GGUFTensorInfo(String name, long[] shape, GGMLType type, long offset, long byteSize) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }
}
