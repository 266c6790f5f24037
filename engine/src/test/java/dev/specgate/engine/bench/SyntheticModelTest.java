package dev.specgate.engine.bench;

import dev.specgate.engine.gguf.GGMLType;
import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's synthetic model: written by GGUFWriter with streamed tensors, loads, runs, is reused. */
class SyntheticModelTest {
    @TempDir
    Path dir;

    @Test
    void oneLayerQ8ModelLoadsRunsAndIsReused() throws Exception {
        Path file = SyntheticModel.ensure(dir, 1, GGMLType.Q8_0);
        FileTime written = Files.getLastModifiedTime(file);
        try (Model model = Model.load(file); KVCache cache = model.newCache()) {
            assertEquals(SyntheticModel.DIM, model.config().dim());
            assertEquals(1, model.config().nLayers());
            assertEquals(SyntheticModel.VOCAB, model.config().vocabSize());
            assertEquals(Files.size(file) - model.weightBytes(), headerBytes(file, model), "tensors fill the file");
            int[] prompt = model.tokenizer().encode("In the beginning");
            assertTrue(prompt.length > 0);
            float[] logits = model.forward(cache, prompt);
            for (float v : logits) {
                assertTrue(Float.isFinite(v), "finite logits");
            }
        }
        assertEquals(file, SyntheticModel.ensure(dir, 1, GGMLType.Q8_0));
        assertEquals(written, Files.getLastModifiedTime(file), "an existing file of the right size is reused");
    }

    @Test
    void layersForASize() {
        long embedding = GGMLType.Q8_0.bytesFor((long) SyntheticModel.VOCAB * SyntheticModel.DIM);
        int layers = SyntheticModel.layersFor(1.5, GGMLType.Q8_0);
        double total = embedding + layers * (double) SyntheticModel.layerBytes(GGMLType.Q8_0);
        assertEquals(1.5 * (1L << 30), total, SyntheticModel.layerBytes(GGMLType.Q8_0));
        assertEquals(1, SyntheticModel.layersFor(0.01, GGMLType.F32));
    }

    /** Bytes before the first tensor (header, metadata, table, padding) plus padding between tensors. */
    private static long headerBytes(Path file, Model model) {
        long dataStart = model.gguf().tensors().values().stream().mapToLong(t -> t.offset()).min().orElseThrow();
        long gaps = 0;
        long end = dataStart;
        for (var t : model.gguf().tensors().values().stream().sorted(java.util.Comparator.comparingLong(t -> t.offset())).toList()) {
            gaps += t.offset() - end;
            end = t.offset() + t.byteSize();
        }
        return dataStart + gaps;
    }
}
