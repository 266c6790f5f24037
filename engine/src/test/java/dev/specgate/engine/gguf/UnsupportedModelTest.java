package dev.specgate.engine.gguf;

import dev.specgate.engine.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models the engine cannot run are refused with an error naming what was found, never run as garbage. */
class UnsupportedModelTest {
    private static final int Q5_K = 13;
    private static final int F32 = 0;

    @TempDir
    Path dir;

    @Test
    void unknownArchitectureIsNamed() throws Exception {
        Path file = write("gptneox.gguf", new GGUFWriter().kvString("general.architecture", "gptneox"));
        GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> Model.load(file));
        assertTrue(e.getMessage().contains("'gptneox'") && e.getMessage().contains("llama"), e.getMessage());
    }

    @Test
    void unsupportedTensorTypeIsNamed() throws Exception {
        int dim = 256;
        GGUFWriter g = new GGUFWriter()
                .kvString("general.architecture", "llama")
                .kv("llama.embedding_length", 4, GGUFWriter.le(4, b -> b.putInt(dim)))
                .kv("llama.feed_forward_length", 4, GGUFWriter.le(4, b -> b.putInt(dim)))
                .kv("llama.block_count", 4, GGUFWriter.le(4, b -> b.putInt(1)))
                .kv("llama.attention.head_count", 4, GGUFWriter.le(4, b -> b.putInt(4)))
                .kv("llama.context_length", 4, GGUFWriter.le(4, b -> b.putInt(64)))
                .kv("llama.vocab_size", 4, GGUFWriter.le(4, b -> b.putInt(8)))
                .tensor("blk.0.attn_norm.weight", new long[] {dim}, F32, new byte[dim * 4])
                .tensor("blk.0.attn_q.weight", new long[] {dim, dim}, Q5_K, new byte[dim * 176]);
        Path file = write("q5k.gguf", g);
        GGUFFormatException e = assertThrows(GGUFFormatException.class, () -> Model.load(file));
        assertTrue(e.getMessage().contains("Q5_K") && e.getMessage().contains("blk.0.attn_q.weight"), e.getMessage());
    }

    private Path write(String name, GGUFWriter g) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, g.build());
        return file;
    }
}
