package dev.specgate.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Each transform against hand-computed numbers. Where logits are written as {@code ln(p)} the expected probabilities
 * can be read off directly: softmax(ln p) = p when p sums to 1.
 */
class SamplerTest {

    private static final double EPS = 1e-6;
    private static final int[] NO_HISTORY = {};

    /** Sampling params with only the named transforms switched on. */
    private static SamplingParams params(float temperature, int topK, float topP, float minP, float penalty) {
        return new SamplingParams(temperature, topK, topP, minP, penalty, 1234L);
    }

    private static Distribution distribution(SamplingParams params, float[] logits, int... history) {
        return new Sampler(params).distribution(logits, history);
    }

    private static float[] lnOf(double... probabilities) {
        float[] logits = new float[probabilities.length];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.log(probabilities[i]);
        }
        return logits;
    }

    private static void assertProbs(Distribution d, double... expectedById) {
        for (int id = 0; id < expectedById.length; id++) {
            assertEquals(expectedById[id], d.prob(id), EPS, "probability of token " + id + " in " + d);
        }
    }

    @Test
    void plainSoftmaxAtTemperatureOne() {
        // softmax([0, ln 2, ln 5]) = [1, 2, 5] / 8
        Distribution d = distribution(params(1f, 0, 1f, 0f, 1f), new float[] {0f, (float) Math.log(2), (float) Math.log(5)});
        assertProbs(d, 0.125, 0.25, 0.625);
    }

    @Test
    void softmaxIsStableForHugeLogits() {
        // Naive exp(1000) overflows; subtracting the max gives softmax([0, -1]) = [1 / (1 + e^-1), e^-1 / (1 + e^-1)].
        Distribution d = distribution(params(1f, 0, 1f, 0f, 1f), new float[] {1000f, 999f});
        assertProbs(d, 0.731059, 0.268941);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOncePerToken() {
        // History has token 0 twice and token 1 once; penalty 2: logits [2, -1, ln 0.5, 1] become [1, -2, ln 0.5, 1].
        float[] logits = {2f, -1f, (float) Math.log(0.5), 1f};
        Distribution d = distribution(params(1f, 0, 1f, 0f, 2f), logits, 0, 1, 0);
        double e = Math.E;
        double total = e + Math.exp(-2) + 0.5 + e;
        assertProbs(d, e / total, Math.exp(-2) / total, 0.5 / total, e / total);
        // total = 2e + e^-2 + 0.5 = 6.071899: 2.718282 / 6.071899 = 0.447682, 0.135335 / 6.071899 = 0.022289
        assertEquals(0.447682, d.prob(0), 1e-6);
        assertEquals(0.022289, d.prob(1), 1e-6);
    }

    @Test
    void repetitionPenaltyAppliesBeforeGreedyArgmax() {
        // Token 0 leads (2 > 1.5) until the penalty halves it to 1.
        Distribution d = distribution(params(0f, 0, 1f, 0f, 2f), new float[] {2f, 1.5f}, 0);
        assertEquals(Distribution.oneHot(1), d);
    }

    @Test
    void temperatureDividesLogits() {
        // [1, 2, 3] / 2 = [0.5, 1, 1.5]; exp: 1.648721, 2.718282, 4.481689; sum 8.848692
        Distribution d = distribution(params(2f, 0, 1f, 0f, 1f), new float[] {1f, 2f, 3f});
        assertProbs(d, 0.186324, 0.307196, 0.506480);
    }

    @Test
    void topKKeepsTheKBestAndBreaksBoundaryTiesTowardTheLowestId() {
        // Token 0 (3) and tokens 2, 3 (tied at 2) compete for k = 2: token 2 wins the tie.
        Distribution d = distribution(params(1f, 2, 1f, 0f, 1f), new float[] {3f, 1f, 2f, 2f});
        assertArrayEquals(new int[] {0, 2}, d.support());
        // e^3 / (e^3 + e^2) = 1 / (1 + e^-1) = 0.731059
        assertProbs(d, 0.731059, 0, 0.268941, 0);
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        float[] logits = lnOf(0.1, 0.4, 0.2, 0.3);
        // p = 0.6: 0.4 < 0.6, 0.4 + 0.3 = 0.7 >= 0.6 -> keep {1, 3}, renormalised by 0.7
        assertProbs(distribution(params(1f, 0, 0.6f, 0f, 1f), logits), 0, 0.4 / 0.7, 0, 0.3 / 0.7);
        // p = 0.75: needs 0.2 as well -> keep {1, 3, 2}, renormalised by 0.9
        assertProbs(distribution(params(1f, 0, 0.75f, 0f, 1f), logits), 0, 0.4 / 0.9, 0.2 / 0.9, 0.3 / 0.9);
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheTopProbability() {
        // min-p 0.25 of top 0.5 -> threshold 0.125: drops 0.1, keeps the rest renormalised by 0.9
        Distribution d = distribution(params(1f, 0, 1f, 0.25f, 1f), lnOf(0.5, 0.25, 0.15, 0.1));
        assertProbs(d, 0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0);
    }

    @Test
    void topPMeasuresMassWithinTheTopKSet() {
        float[] logits = lnOf(0.4, 0.3, 0.2, 0.1);
        // Alone, top-p 0.5 keeps {0, 1} (0.4 < 0.5).
        assertArrayEquals(new int[] {0, 1}, distribution(params(1f, 0, 0.5f, 0f, 1f), logits).support());
        // After top-k 2 the kept set is renormalised to [0.571, 0.429], so token 0 alone reaches 0.5.
        assertEquals(Distribution.oneHot(0), distribution(params(1f, 2, 0.5f, 0f, 1f), logits));
    }

    @Test
    void temperatureAppliesBeforeTopP() {
        float[] logits = lnOf(0.6, 0.4);
        // At T = 1, token 0 alone has 0.6 >= 0.55.
        assertEquals(Distribution.oneHot(0), distribution(params(1f, 0, 0.55f, 0f, 1f), logits));
        // At T = 10 the distribution flattens to 0.6^0.1 : 0.4^0.1 = 0.950197 : 0.912444 -> [0.510135, 0.489865],
        // so top-p 0.55 needs both.
        assertProbs(distribution(params(10f, 0, 0.55f, 0f, 1f), logits), 0.510135, 0.489865);
    }

    @Test
    void minPAppliesAfterTopP() {
        // top-p 0.9 keeps {0, 1, 2} (0.5 + 0.3 + 0.15 = 0.95); min-p 0.4 of 0.5 = 0.2 then drops 0.15.
        Distribution d = distribution(params(1f, 0, 0.9f, 0.4f, 1f), lnOf(0.5, 0.3, 0.15, 0.05));
        assertProbs(d, 0.625, 0.375, 0, 0);
    }

    @Test
    void greedyIsOneHotOnArgmaxWithTiesToTheLowestId() {
        float[] logits = {1f, 5f, 5f, 2f};
        Sampler sampler = new Sampler(SamplingParams.GREEDY);
        assertEquals(Distribution.oneHot(1), sampler.distribution(logits, NO_HISTORY));
        for (int i = 0; i < 20; i++) {
            assertEquals(1, sampler.sample(logits, NO_HISTORY));
        }
    }

    @Test
    void sameSeedReproducesTheRunAndAnotherSeedDoesNot() {
        float[] logits = lnOf(0.2, 0.2, 0.2, 0.2, 0.2);
        SamplingParams seeded = new SamplingParams(1f, 0, 1f, 0f, 1f, 99L);
        int[] first = drawMany(new Sampler(seeded), logits);
        int[] second = drawMany(new Sampler(seeded), logits);
        int[] otherSeed = drawMany(new Sampler(new SamplingParams(1f, 0, 1f, 0f, 1f, 100L)), logits);

        assertArrayEquals(first, second);
        assertFalse(Arrays.equals(first, otherSeed));
        // The draws come from SplittableRandom(seed).nextDouble() through the inverse CDF.
        SplittableRandom reference = new SplittableRandom(99L);
        Distribution uniform = Distribution.fromDenseWeights(new double[] {1, 1, 1, 1, 1});
        for (int token : first) {
            assertEquals(uniform.sample(reference.nextDouble()), token);
        }
    }

    private static int[] drawMany(Sampler sampler, float[] logits) {
        return IntStream.range(0, 64).map(i -> sampler.sample(logits, NO_HISTORY)).toArray();
    }

    @Test
    void topKLargerThanTheVocabularyKeepsEverything() {
        float[] logits = lnOf(0.1, 0.2, 0.3, 0.4);
        assertEquals(distribution(params(1f, 0, 1f, 0f, 1f), logits), distribution(params(1f, 1000, 1f, 0f, 1f), logits));
        assertEquals(distribution(params(1f, 0, 1f, 0f, 1f), logits), distribution(params(1f, 4, 1f, 0f, 1f), logits));
    }

    @Test
    void topPZeroKeepsOnlyTheTopToken() {
        assertEquals(Distribution.oneHot(3), distribution(params(1f, 0, 0f, 0f, 1f), lnOf(0.1, 0.2, 0.3, 0.4)));
        assertEquals(Distribution.oneHot(3), distribution(params(1f, 3, 0f, 0f, 1f), lnOf(0.1, 0.2, 0.3, 0.4)));
    }

    @Test
    void tinyTemperatureCollapsesOntoTheArgmaxButSplitsExactTies() {
        // A 0.001 gap over T = 1e-6 is exp(-1000): underflows to 0, so the runner-up leaves the support.
        assertEquals(Distribution.oneHot(1), distribution(params(1e-6f, 0, 1f, 0f, 1f), new float[] {1f, 1.001f, 0.5f}));
        // The smallest positive float as temperature stays finite in double arithmetic.
        assertEquals(Distribution.oneHot(0), distribution(params(Float.MIN_VALUE, 0, 1f, 0f, 1f), new float[] {3f, -3f}));
        assertProbs(distribution(params(1e-6f, 0, 1f, 0f, 1f), new float[] {2f, 2f, 1f}), 0.5, 0.5, 0);
    }

    @Test
    void maskedTokensNeverAppear() {
        float ninf = Float.NEGATIVE_INFINITY;
        assertProbs(distribution(params(1f, 0, 1f, 0f, 1.3f), new float[] {ninf, 0f, ninf, 0f}, 0), 0, 0.5, 0, 0.5);
        assertArrayEquals(new int[] {1, 3}, distribution(params(1f, 5, 0.99f, 0f, 1f), new float[] {ninf, 0f, ninf, 0f}).support());
        assertEquals(Distribution.oneHot(2), distribution(SamplingParams.GREEDY, new float[] {ninf, -5f, -1f}));
    }

    @Test
    void rejectsInvalidInput() {
        Sampler sampler = new Sampler(params(1f, 0, 1f, 0f, 1.2f));
        assertThrows(IllegalArgumentException.class, () -> sampler.distribution(new float[] {0f, Float.NaN}, NO_HISTORY));
        assertThrows(IllegalArgumentException.class, () -> sampler.distribution(new float[] {Float.POSITIVE_INFINITY}, NO_HISTORY));
        assertThrows(IllegalArgumentException.class, () -> sampler.distribution(new float[] {Float.NEGATIVE_INFINITY}, NO_HISTORY));
        assertThrows(IllegalArgumentException.class, () -> sampler.distribution(new float[0], NO_HISTORY));
        assertThrows(IllegalArgumentException.class, () -> sampler.distribution(new float[] {0f, 1f}, new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(params(1f, -1, 1f, 0f, 1f)));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(params(1f, 0, 1f, 1.5f, 1f)));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(params(1f, 0, 1f, 0f, 0f)));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(params(Float.NaN, 0, 1f, 0f, 1f)));
    }

    /** On a 150k vocabulary the partial selections must agree with a brute-force full sort. */
    @Test
    void largeVocabularyTruncationsMatchAFullSortReference() {
        int vocab = 150_000;
        float[] logits = new float[vocab];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (random.nextGaussian() * 3);
        }
        Integer[] byLogit = IntStream.range(0, vocab).boxed().toArray(Integer[]::new);
        Arrays.sort(byLogit, Comparator.<Integer>comparingDouble(id -> -logits[id]).thenComparingInt(id -> id));

        Distribution topK = distribution(params(1f, 40, 1f, 0f, 1f), logits);
        int[] expectedTopK = Arrays.stream(byLogit, 0, 40).mapToInt(Integer::intValue).sorted().toArray();
        assertArrayEquals(expectedTopK, topK.support());

        // Temperature 1 spreads the nucleus over thousands of ids (the heap fallback); temperature 0.25 concentrates
        // it in fewer than the 256 ids top-p ranks first (the fast path). Both must match the full sort.
        int wide = assertNucleusMatchesReference(logits, byLogit, 1f);
        int narrow = assertNucleusMatchesReference(logits, byLogit, 0.25f);
        assertTrue(wide > 256, "wide nucleus has " + wide + " ids");
        assertTrue(narrow < 256, "narrow nucleus has " + narrow + " ids");
    }

    /** Top-p 0.9 at the given temperature against a full-sort reference; returns the nucleus size. */
    private static int assertNucleusMatchesReference(float[] logits, Integer[] byLogit, float temperature) {
        Distribution nucleus = distribution(params(temperature, 0, 0.9f, 0f, 1f), logits);
        double max = logits[byLogit[0]] / (double) temperature;
        double total = Arrays.stream(byLogit).mapToDouble(id -> Math.exp(logits[id] / (double) temperature - max)).sum();
        double cumulative = 0;
        int kept = 0;
        while (cumulative < 0.9f * total) {
            cumulative += Math.exp(logits[byLogit[kept++]] / (double) temperature - max);
        }
        int[] expectedNucleus = Arrays.stream(byLogit, 0, kept).mapToInt(Integer::intValue).sorted().toArray();
        assertArrayEquals(expectedNucleus, nucleus.support());
        assertEquals(1.0, Arrays.stream(nucleus.support()).mapToDouble(nucleus::prob).sum(), 1e-9);
        return kept;
    }
}
