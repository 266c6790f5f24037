package dev.specgate.engine.model;

import dev.specgate.engine.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A forward pass over T tokens equals T single-token steps, and batching sequences changes nothing: bit for bit,
 * since every kernel adds in an order that does not depend on the batch (the issue asks for 1e-4; exact equality is
 * what keeps speculative greedy output identical to verifier-only output even at near-ties).
 */
class BatchedForwardTest {
    private static final float TOLERANCE = 0f;

    @ParameterizedTest
    @ValueSource(strings = {"kjv-verifier-14m-f32.gguf", "kjv-draft-1m-f32.gguf", "stories260K.gguf"})
    void multiTokenPassEqualsSingleSteps(String file) throws Exception {
        try (Model model = Model.load(TestModels.path(file))) {
            int vocab = model.config().vocabSize();
            int[] context = tokens(model, 5, 7);
            for (int t = 1; t <= 16; t++) {
                int[] tokens = tokens(model, t, 11 + t);
                float[] batched;
                try (KVCache cache = model.newCache()) {
                    model.forward(cache, context);
                    batched = model.forward(List.of(SequenceInput.allLogits(cache, tokens)))[0];
                    assertEquals(context.length + t, cache.length());
                }
                try (KVCache cache = model.newCache()) {
                    model.forward(cache, context);
                    for (int i = 0; i < t; i++) {
                        float[] step = model.forward(cache, tokens[i]);
                        assertClose(step, Arrays.copyOfRange(batched, i * vocab, (i + 1) * vocab),
                                file + " T=" + t + " position " + i);
                    }
                }
            }
        }
    }

    @Test
    void sequencesInOneBatchEqualEachAlone() throws Exception {
        try (Model model = Model.load(TestModels.path("kjv-verifier-14m-f32.gguf"))) {
            int sequences = 5;
            List<KVCache> caches = new ArrayList<>();
            List<SequenceInput> batch = new ArrayList<>();
            float[][] alone = new float[sequences][];
            for (int s = 0; s < sequences; s++) {
                // Different context lengths and token counts per sequence.
                int[] context = tokens(model, 3 + s * 4, 100 + s);
                int[] fresh = tokens(model, 1 + (s * 3) % 8, 200 + s);
                try (KVCache single = model.newCache()) {
                    model.forward(single, context);
                    alone[s] = model.forward(List.of(SequenceInput.allLogits(single, fresh)))[0];
                }
                KVCache cache = model.newCache();
                model.forward(cache, context);
                caches.add(cache);
                batch.add(SequenceInput.allLogits(cache, fresh));
            }
            float[][] together = model.forward(batch);
            for (int s = 0; s < sequences; s++) {
                assertClose(alone[s], together[s], "sequence " + s);
                caches.get(s).close();
            }
        }
    }

    @Test
    void truncateRollsBackRejectedTokens() throws Exception {
        try (Model model = Model.load(TestModels.path("kjv-draft-1m-f32.gguf"));
             KVCache cache = model.newCache()) {
            int[] context = tokens(model, 6, 1);
            float[] expected = model.forward(cache, context);
            model.forward(cache, tokens(model, 4, 2)); // drafts that get rejected
            cache.truncate(context.length - 1);
            float[] again = model.forward(cache, context[context.length - 1]);
            assertArrayEquals(expected, again, 1e-6f);
        }
    }

    @Test
    void contextAndMemoryLimitsAreClearErrors() throws Exception {
        try (Model model = Model.load(TestModels.path("kjv-draft-1m-f32.gguf"))) {
            try (KVCache cache = model.newCache(8, MemoryBudget.unlimited())) {
                model.forward(cache, tokens(model, 8, 3));
                ContextOverflowException e = assertThrows(ContextOverflowException.class,
                        () -> model.forward(cache, 5));
                assertTrue(e.getMessage().contains("context"), e.getMessage());
            }
            MemoryBudget tiny = new MemoryBudget(1024);
            try (KVCache cache = model.newCache(64, tiny)) {
                KVCacheMemoryException e = assertThrows(KVCacheMemoryException.class,
                        () -> model.forward(cache, 1, 2, 3));
                assertTrue(e.getMessage().contains("1024"), e.getMessage());
                assertEquals(0, tiny.usedBytes());
            }
            assertThrows(IllegalArgumentException.class, () -> model.newCache(100_000, MemoryBudget.unlimited()));
            try (KVCache cache = model.newCache()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> model.forward(cache, model.config().vocabSize()));
                assertTrue(e.getMessage().contains("vocabulary"), e.getMessage());
                assertEquals(0, cache.length());
            }
        }
    }

    @Test
    void memoryIsAccountedAndReturned() throws Exception {
        try (Model model = Model.load(TestModels.path("kjv-draft-1m-f32.gguf"))) {
            MemoryBudget budget = new MemoryBudget(1L << 30);
            KVCache cache = model.newCache(256, budget);
            model.forward(cache, tokens(model, 10, 4));
            ModelConfig c = model.config();
            assertTrue(cache.bytes() >= 2L * c.nLayers() * 10 * c.kvDim() * Float.BYTES);
            assertEquals(cache.bytes(), budget.usedBytes());
            cache.close();
            assertEquals(0, budget.usedBytes());
        }
    }

    /** Deterministic, ordinary token ids (skipping the low control/byte range). */
    private static int[] tokens(Model model, int n, int seed) {
        int vocab = model.config().vocabSize();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = 3 + Math.floorMod(seed * 7919 + i * 104729, vocab - 3);
        }
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= TOLERANCE, what + ": max logit difference " + worst);
    }
}
