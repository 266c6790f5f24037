package dev.specgate.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;

class LogitsTest {

    private static final double EPS = 1e-9;

    @Test
    void uniformRowHasEntropyLnVocab() {
        assertEquals(Math.log(50), Logits.entropyNats(new float[50]), EPS);
    }

    @Test
    void nearlyCertainRowHasEntropyNearZero() {
        float[] logits = new float[10];
        logits[3] = 100f;
        assertEquals(0.0, Logits.entropyNats(logits), 1e-6);
    }

    @Test
    void entropyLogProbAndArgmaxMatchADirectSoftmaxOnEachRow() {
        int vocab = 17;
        float[] rows = new float[3 * vocab];
        Random random = new Random(7);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) (random.nextGaussian() * 3);
        }
        for (int r = 0; r < 3; r++) {
            double[] p = softmax(rows, r * vocab, vocab);
            double entropy = 0;
            int best = 0;
            for (int i = 0; i < vocab; i++) {
                entropy -= p[i] * Math.log(p[i]);
                assertEquals(Math.log(p[i]), Logits.logProb(rows, r * vocab, vocab, i), EPS);
                best = p[i] > p[best] ? i : best;
            }
            assertEquals(entropy, Logits.entropyNats(rows, r * vocab, vocab), EPS);
            assertEquals(best, Logits.argmax(rows, r * vocab, vocab));
        }
    }

    @Test
    void argmaxTiesGoToTheLowestIdAsInGreedySampling() {
        float[] logits = {1f, 5f, 2f, 5f};
        assertEquals(1, Logits.argmax(logits, 0, 4));
        assertEquals(1, new Sampler(SamplingParams.GREEDY).sample(logits, new int[0]));
    }

    @Test
    void logProbRefusesIdsOutsideTheVocabulary() {
        assertThrows(IllegalArgumentException.class, () -> Logits.logProb(new float[4], 0, 4, 4));
    }

    private static double[] softmax(float[] rows, int offset, int vocab) {
        double sum = 0;
        double[] p = new double[vocab];
        for (int i = 0; i < vocab; i++) {
            p[i] = Math.exp(rows[offset + i]);
            sum += p[i];
        }
        for (int i = 0; i < vocab; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
