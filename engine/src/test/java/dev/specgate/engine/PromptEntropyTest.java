package dev.specgate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.Logits;

import org.junit.jupiter.api.Test;

class PromptEntropyTest {

    @Test
    void windowIsTheLastPositionsOfThePrompt() {
        assertEquals(8, PromptEntropy.rows(20, 8));
        assertEquals(3, PromptEntropy.rows(3, 8));
        assertThrows(IllegalArgumentException.class, () -> PromptEntropy.rows(0, 8));
        assertThrows(IllegalArgumentException.class, () -> PromptEntropy.rows(5, 0));
    }

    @Test
    void signalIsTheMeanEntropyOfTheRows() {
        float[] rows = new float[2 * 4];      // row 0 uniform: ln 4
        rows[4] = 100f;                        // row 1 certain: 0
        assertEquals(Math.log(4) / 2, PromptEntropy.of(rows, 4), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> PromptEntropy.of(new float[6], 4));
    }

    @Test
    void measuredSignalMatchesPositionByPositionDecoding() throws Exception {
        try (Model draft = Model.load(TestModels.path("kjv-draft-1m-q8_0.gguf"))) {
            int[] ids = draft.tokenizer().encode("In the beginning God created the heaven and the earth");
            int window = 3;
            double expected = 0;
            try (KVCache cache = draft.newCache()) {
                for (int i = 0; i < ids.length; i++) {
                    float[] logits = draft.forward(cache, ids[i]);
                    if (i >= ids.length - window) {
                        expected += Logits.entropyNats(logits) / window;
                    }
                }
            }
            assertEquals(expected, PromptEntropy.measure(draft, ids, window), 1e-3);
        }
    }
}
