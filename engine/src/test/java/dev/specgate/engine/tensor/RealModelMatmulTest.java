package dev.specgate.engine.tensor;

import dev.specgate.engine.gguf.GGMLType;
import dev.specgate.engine.gguf.GGUFFile;
import dev.specgate.engine.gguf.GGUFTensorInfo;
import dev.specgate.engine.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** matmul on the shared verifier's real tensors against a float64 reference of the dequantized rows. */
class RealModelMatmulTest {

    @ParameterizedTest
    @CsvSource({"kjv-verifier-14m-f32.gguf, F32", "kjv-verifier-14m-q8_0.gguf, Q8_0", "kjv-verifier-14m-q4_0.gguf, Q4_0"})
    void verifierTensorsMatchReference(String file, GGMLType type) throws IOException {
        try (GGUFFile gguf = GGUFFile.open(TestModels.path(file))) {
            for (String name : new String[] {"blk.0.ffn_up.weight", "blk.7.ffn_down.weight", "blk.3.attn_k.weight",
                    "token_embd.weight"}) {
                GGUFTensorInfo info = gguf.tensor(name);
                assertEquals(type, info.type(), name);
                WeightMatrix m = WeightMatrix.of(info, gguf.data(info));
                assertEquals(info.shape()[0], m.cols());
                assertEquals(info.shape()[1], m.rows());
                for (int batch : new int[] {1, 4, 7}) {
                    float[] x = MatmulTest.randomX(batch * m.cols(), batch);
                    float[] out = new float[batch * m.rows()];
                    m.matmul(x, batch, out);
                    MatmulTest.assertMatchesReference(m, x, batch, out);
                }
            }
            // norms are F32 in every file; read through the one 1-D helper
            GGUFTensorInfo norm = gguf.tensor("blk.0.attn_norm.weight");
            float[] w = WeightMatrix.toFloatArray(norm, gguf.data(norm));
            assertEquals(384, w.length);
            for (float v : w) {
                assertTrue(Float.isFinite(v) && v != 0f, "norm weight " + v);
            }
        }
    }
}
