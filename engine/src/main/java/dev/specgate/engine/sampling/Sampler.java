package dev.specgate.engine.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Turns logits into the distribution a token is actually drawn from, and draws it.
 *
 * <p>Transforms run in llama.cpp's usual order: repetition penalty over the history, temperature, top-k, top-p,
 * min-p, then a softmax renormalised over whatever is left. {@link #distribution} exposes that final, truncated
 * distribution because speculative decoding needs it: the draft sends it as q, and the verifier compares it with its
 * own p built by the same transforms.
 *
 * <p>Temperature 0 is greedy: a one-hot on the argmax of the penalised logits (ties: lowest id), so the repetition
 * penalty still applies but top-k/top-p/min-p are moot.
 *
 * <p>Not thread-safe: it owns a seeded RNG (so a run is reproducible from {@link SamplingParams#seed()}) and reuses
 * vocabulary-sized scratch buffers between calls. Use one sampler per sequence.
 */
public final class Sampler {

    /** How many ids top-p ranks first, hoping the nucleus fits; a guess only affects speed, never the result. */
    private static final int NUCLEUS_GUESS = 256;

    private final SamplingParams params;
    private final SplittableRandom random;

    /** Working scores per token id, overwritten by each call. */
    private double[] scores = new double[0];
    /** Scratch for the ranking heap. */
    private int[] heapScratch = new int[0];
    /** Scratch for ids popped in rank order. */
    private int[] rankedScratch = new int[0];

    public Sampler(SamplingParams params) {
        this.params = requireValid(params);
        this.random = new SplittableRandom(params.seed());
    }

    public SamplingParams params() {
        return params;
    }

    /** Draws one token from {@link #distribution}; consumes exactly one uniform from the sampler's RNG. */
    public int sample(float[] logits, int[] history) {
        Distribution distribution = distribution(logits, history);
        return distribution.sample(random.nextDouble());
    }

    /**
     * The final distribution a token is sampled from, after all transforms. Does not touch the RNG.
     *
     * @param logits  one raw logit per token id; finite or -infinity (a masked token), at least one finite
     * @param history token ids already in the sequence, for the repetition penalty (may be empty)
     */
    public Distribution distribution(float[] logits, int[] history) {
        int vocabSize = logits.length;
        ensureScratch(vocabSize);
        loadScores(logits);
        applyRepetitionPenalty(history, vocabSize);
        if (params.greedy()) {
            return Distribution.oneHot(argmax(vocabSize));
        }
        applyTemperature(vocabSize);
        int[] kept = keepAfterTopKAndTopP(vocabSize);
        kept = keepAfterMinP(kept);
        return softmaxOver(kept);
    }

    private void loadScores(float[] logits) {
        boolean anyFinite = false;
        for (int id = 0; id < logits.length; id++) {
            float logit = logits[id];
            if (Float.isNaN(logit) || logit == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logit of token " + id + " is " + logit);
            }
            anyFinite |= logit != Float.NEGATIVE_INFINITY;
            scores[id] = logit;
        }
        if (!anyFinite) {
            throw new IllegalArgumentException("every token is masked (all logits are -infinity or there are none)");
        }
    }

    /** CTRL (Keskar et al. 2019): each distinct history token once, positive logits divided, negative multiplied. */
    private void applyRepetitionPenalty(int[] history, int vocabSize) {
        float penalty = params.repetitionPenalty();
        if (penalty == 1f || history == null || history.length == 0) {
            return;
        }
        int[] distinct = history.clone();
        Arrays.sort(distinct);
        for (int i = 0; i < distinct.length; i++) {
            int id = distinct[i];
            if (i > 0 && id == distinct[i - 1]) {
                continue;
            }
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("history token " + id + " is outside the vocabulary of " + vocabSize);
            }
            double score = scores[id];
            scores[id] = score > 0 ? score / penalty : score * penalty;
        }
    }

    private void applyTemperature(int vocabSize) {
        // In double, even the largest float logit over the smallest positive float temperature stays finite.
        double temperature = params.temperature();
        for (int id = 0; id < vocabSize; id++) {
            scores[id] /= temperature;
        }
    }

    /** The kept ids: in descending score order if a truncation ranked them, else every unmasked id ascending. */
    private int[] keepAfterTopKAndTopP(int vocabSize) {
        boolean topPActive = params.topP() < 1f;
        // A k at least the vocabulary size keeps everything; treating it as off also skips a pointless full ranking.
        boolean topKActive = params.topK() > 0 && params.topK() < vocabSize;
        if (topKActive) {
            int[] topK = TopSelection.best(scores, vocabSize, params.topK());
            return topPActive ? nucleusPrefix(topK) : topK;
        }
        return topPActive ? nucleusOfVocabulary(vocabSize) : unmaskedIds(vocabSize);
    }

    private int[] unmaskedIds(int vocabSize) {
        int count = 0;
        for (int id = 0; id < vocabSize; id++) {
            if (scores[id] != Double.NEGATIVE_INFINITY) {
                rankedScratch[count++] = id;
            }
        }
        return Arrays.copyOf(rankedScratch, count);
    }

    /** Top-p over an already-ranked set: the shortest prefix whose renormalised mass reaches p (at least one id). */
    private int[] nucleusPrefix(int[] ranked) {
        double max = scores[ranked[0]];
        double total = 0;
        for (int id : ranked) {
            total += Math.exp(scores[id] - max);
        }
        int count = prefixReaching(ranked, max, params.topP() * total);
        return Arrays.copyOf(ranked, count < 0 ? ranked.length : count);
    }

    /**
     * Top-p over the whole vocabulary without a full sort. The nucleus is usually small, so first rank only the best
     * {@link #NUCLEUS_GUESS} ids; only if they do not hold enough mass fall back to a heap popped until they do.
     */
    private int[] nucleusOfVocabulary(int vocabSize) {
        double max = maxScore(vocabSize);
        double total = 0;
        for (int id = 0; id < vocabSize; id++) {
            total += Math.exp(scores[id] - max);
        }
        double target = params.topP() * total;
        if (NUCLEUS_GUESS < vocabSize) {
            int[] candidates = TopSelection.best(scores, vocabSize, NUCLEUS_GUESS);
            int count = prefixReaching(candidates, max, target);
            if (count >= 0) {
                return Arrays.copyOf(candidates, count);
            }
        }
        ScoreHeap heap = new ScoreHeap(scores, vocabSize, heapScratch);
        double cumulative = 0;
        int count = 0;
        while (heap.size() > 0) {
            int id = heap.pop();
            rankedScratch[count++] = id;
            cumulative += Math.exp(scores[id] - max);
            if (cumulative >= target) {
                break;
            }
        }
        return Arrays.copyOf(rankedScratch, count);
    }

    /** Length of the shortest prefix of {@code ranked} whose unnormalised mass reaches {@code target}, or -1. */
    private int prefixReaching(int[] ranked, double max, double target) {
        double cumulative = 0;
        for (int i = 0; i < ranked.length; i++) {
            cumulative += Math.exp(scores[ranked[i]] - max);
            if (cumulative >= target) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Min-p: drops ids whose probability is below minP times the top one, i.e. whose score is below max + ln(minP). */
    private int[] keepAfterMinP(int[] kept) {
        if (params.minP() <= 0f) {
            return kept;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int id : kept) {
            max = Math.max(max, scores[id]);
        }
        double logMinP = Math.log(params.minP());
        int count = 0;
        int[] survivors = new int[kept.length];
        for (int id : kept) {
            if (scores[id] - max >= logMinP) {
                survivors[count++] = id;
            }
        }
        return Arrays.copyOf(survivors, count);
    }

    /** Numerically stable softmax over the kept ids: subtract the max before exponentiating. */
    private Distribution softmaxOver(int[] kept) {
        double max = Double.NEGATIVE_INFINITY;
        for (int id : kept) {
            max = Math.max(max, scores[id]);
        }
        double[] weights = new double[kept.length];
        for (int i = 0; i < kept.length; i++) {
            weights[i] = Math.exp(scores[kept[i]] - max);
        }
        // Ids whose weight underflows to 0 (a tiny temperature) simply drop out of the support.
        return Distribution.fromWeights(kept, weights);
    }

    /** Highest score, ties to the lowest id. */
    private int argmax(int vocabSize) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int id = 0; id < vocabSize; id++) {
            if (scores[id] > bestScore) {
                bestScore = scores[id];
                best = id;
            }
        }
        return best;
    }

    private double maxScore(int vocabSize) {
        return scores[argmax(vocabSize)];
    }

    private void ensureScratch(int vocabSize) {
        if (scores.length < vocabSize) {
            scores = new double[vocabSize];
            heapScratch = new int[vocabSize];
            rankedScratch = new int[vocabSize];
        }
    }

    private static SamplingParams requireValid(SamplingParams params) {
        if (Float.isNaN(params.temperature()) || params.temperature() == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("temperature must be finite: " + params.temperature());
        }
        if (params.topK() < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off): " + params.topK());
        }
        if (!(params.topP() >= 0f)) {
            throw new IllegalArgumentException("topP must be >= 0 (1 = off): " + params.topP());
        }
        if (!(params.minP() >= 0f && params.minP() <= 1f)) {
            throw new IllegalArgumentException("minP must be in [0, 1] (0 = off): " + params.minP());
        }
        if (!(params.repetitionPenalty() > 0f) || params.repetitionPenalty() == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("repetitionPenalty must be positive and finite (1 = off): "
                    + params.repetitionPenalty());
        }
        return params;
    }
}
