package dev.specgate.engine.bench;

import dev.specgate.engine.gguf.GGMLType;
import dev.specgate.engine.gguf.GGUFWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A Llama-shaped GGUF model with random weights, of a chosen size: what the benchmarks use to measure decoding on a
 * model larger than the machine's last-level cache (the shared models all fit in this VM's reported 480 MiB L3).
 * The shape is TinyLlama 1.1B's (dim 2048, feed-forward 5632, 32 heads, 4 KV heads, vocabulary 32000, tied output
 * embedding) with as many layers as the size asks for. The text it generates is noise; its speed is a real model's.
 *
 * <p>The file is written once, with {@link GGUFWriter}, to a cache directory, and reused while its name (which
 * spells the shape) and size match.
 */
public final class SyntheticModel {
    public static final int DIM = 2048;
    public static final int HIDDEN = 5632;
    public static final int HEADS = 32;
    public static final int KV_HEADS = 4;
    public static final int VOCAB = 32000;
    public static final int CONTEXT = 2048;

    private SyntheticModel() {
    }

    /** Weight bytes of one layer's matrices of {@code type} (norms excluded). */
    static long layerBytes(GGMLType type) {
        int kvDim = DIM / HEADS * KV_HEADS;
        long params = (long) DIM * DIM * 2 + (long) DIM * kvDim * 2 + 3L * DIM * HIDDEN;
        return type.bytesFor(params);
    }

    /** Layers for a model of about {@code gib} GiB of {@code type} weights (at least one). */
    public static int layersFor(double gib, GGMLType type) {
        long target = (long) (gib * (1L << 30));
        long embedding = type.bytesFor((long) VOCAB * DIM);
        return (int) Math.max(1, Math.round((double) (target - embedding) / layerBytes(type)));
    }

    /** The model file for {@code layers} layers of {@code type} in {@code dir}, written first if missing. */
    public static Path ensure(Path dir, int layers, GGMLType type) throws IOException {
        if (type != GGMLType.F32 && type != GGMLType.Q8_0) {
            throw new IllegalArgumentException("synthetic models are F32 or Q8_0, not " + type);
        }
        Files.createDirectories(dir);
        String name = "synthetic-llama-d" + DIM + "-ffn" + HIDDEN + "-l" + layers + "-" + type.name().toLowerCase()
                + ".gguf";
        Path file = dir.resolve(name);
        GGUFWriter writer = writer(layers, type);
        if (Files.isRegularFile(file) && Files.size(file) == writer.size()) {
            return file;
        }
        Path partial = dir.resolve(name + ".partial");
        writer.write(partial);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static GGUFWriter writer(int layers, GGMLType type) {
        int kvDim = DIM / HEADS * KV_HEADS;
        GGUFWriter w = new GGUFWriter()
                .kvString("general.architecture", "llama")
                .kvString("general.name", "synthetic")
                .kvUint32("llama.embedding_length", DIM)
                .kvUint32("llama.feed_forward_length", HIDDEN)
                .kvUint32("llama.block_count", layers)
                .kvUint32("llama.attention.head_count", HEADS)
                .kvUint32("llama.attention.head_count_kv", KV_HEADS)
                .kvUint32("llama.context_length", CONTEXT)
                .kvUint32("llama.vocab_size", VOCAB)
                .kvFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .kvFloat32("llama.rope.freq_base", 10000f);
        tokenizer(w);
        long seed = 1;
        w.tensor("token_embd.weight", new long[] {DIM, VOCAB}, type.id, type.bytesFor((long) VOCAB * DIM),
                random(type, VOCAB, DIM, seed++));
        w.tensor("output_norm.weight", new long[] {DIM}, GGMLType.F32.id, 4L * DIM, ones(DIM));
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            w.tensor(p + "attn_norm.weight", new long[] {DIM}, GGMLType.F32.id, 4L * DIM, ones(DIM));
            matrix(w, p + "attn_q.weight", DIM, DIM, type, seed++);
            matrix(w, p + "attn_k.weight", kvDim, DIM, type, seed++);
            matrix(w, p + "attn_v.weight", kvDim, DIM, type, seed++);
            matrix(w, p + "attn_output.weight", DIM, DIM, type, seed++);
            w.tensor(p + "ffn_norm.weight", new long[] {DIM}, GGMLType.F32.id, 4L * DIM, ones(DIM));
            matrix(w, p + "ffn_gate.weight", HIDDEN, DIM, type, seed++);
            matrix(w, p + "ffn_up.weight", HIDDEN, DIM, type, seed++);
            matrix(w, p + "ffn_down.weight", DIM, HIDDEN, type, seed++);
        }
        return w;
    }

    private static void matrix(GGUFWriter w, String name, int rows, int cols, GGMLType type, long seed) {
        w.tensor(name, new long[] {cols, rows}, type.id, type.bytesFor((long) rows * cols), random(type, rows, cols, seed));
    }

    /**
     * A SentencePiece vocabulary: control tokens, the 256 byte tokens (any text encodes, by byte fallback), then
     * filler pieces.
     */
    private static void tokenizer(GGUFWriter w) {
        String[] tokens = new String[VOCAB];
        float[] scores = new float[VOCAB];
        int[] types = new int[VOCAB];
        tokens[0] = "<unk>";
        tokens[1] = "<s>";
        tokens[2] = "</s>";
        types[0] = 2;
        types[1] = types[2] = 3;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = 6;
        }
        for (int i = 259; i < VOCAB; i++) {
            tokens[i] = "\u2581synthetic" + i;
            types[i] = 1;
            scores[i] = -i;
        }
        w.kvString("tokenizer.ggml.model", "llama")
                .kvStrings("tokenizer.ggml.tokens", tokens)
                .kvFloats("tokenizer.ggml.scores", scores)
                .kvInts("tokenizer.ggml.token_type", types)
                .kvBool("tokenizer.ggml.add_bos_token", true);
    }

    private static GGUFWriter.TensorData ones(int n) {
        return out -> {
            ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                b.putFloat(1f);
            }
            GGUFWriter.writeFully(out, b.flip());
        };
    }

    /**
     * Random weights of about 1/sqrt(cols) in size (so activations stay finite through any number of layers),
     * generated a few rows at a time while the file is written.
     */
    private static GGUFWriter.TensorData random(GGMLType type, int rows, int cols, long seed) {
        return out -> {
            long state = seed * 0x9E3779B97F4A7C15L + 1;
            float scale = (float) (1 / Math.sqrt(cols));
            short d = Float.floatToFloat16(scale / 127 * 1.7f); // uniform int8 in [-127, 127] has sd about 127 / 1.7
            int rowBytes = (int) type.bytesFor(cols);
            ByteBuffer buffer = ByteBuffer.allocate(Math.max(1, (1 << 20) / rowBytes) * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < rows; r++) {
                if (buffer.remaining() < rowBytes) {
                    GGUFWriter.writeFully(out, buffer.flip());
                    buffer.clear();
                }
                for (int c = 0; c < cols; ) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    if (type == GGMLType.F32) {
                        buffer.putFloat(((int) state >> 8) * 0x1p-23f * scale * 1.7f);
                        c++;
                    } else {
                        if (c % 32 == 0) {
                            buffer.putShort(d);
                        }
                        long bits = state;
                        for (int i = 0; i < 8; i++, c++, bits >>>= 8) {
                            byte q = (byte) bits;
                            buffer.put(q == Byte.MIN_VALUE ? 0 : q);
                        }
                    }
                }
            }
            GGUFWriter.writeFully(out, buffer.flip());
        };
    }
}
