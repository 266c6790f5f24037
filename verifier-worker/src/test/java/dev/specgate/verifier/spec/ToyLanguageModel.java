package dev.specgate.verifier.spec;

import dev.specgate.engine.sampling.Distribution;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.engine.sampling.Sampler;
import java.util.SplittableRandom;

/**
 * A first-order Markov "language model" pair over a small vocabulary: a target (the verifier) and a draft that
 * disagrees with it. Both are built with the real {@link Sampler}, so their distributions are the truncated, tempered
 * ones a draft and a verifier would actually exchange:
 * <ul>
 *   <li>target: random logits, temperature 0.9, top-p 0.97 (most of the vocabulary);</li>
 *   <li>draft: the target's logits plus noise, temperature 1.3, top-k 6 (so it misses tokens the target can emit).</li>
 * </ul>
 * The next-token distribution depends on the previous token, so the verifier's p_2 genuinely depends on x_1.
 */
final class ToyLanguageModel {

    static final int VOCAB = 12;
    /** Context id meaning "no previous token". */
    static final int START = VOCAB;

    private final Distribution[] targetByPrevious = new Distribution[VOCAB + 1];
    private final Distribution[] draftByPrevious = new Distribution[VOCAB + 1];

    ToyLanguageModel(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Sampler target = new Sampler(new SamplingParams(0.9f, 0, 0.97f, 0f, 1f, 0L));
        Sampler draft = new Sampler(new SamplingParams(1.3f, 6, 1f, 0f, 1f, 0L));
        int[] noHistory = {};
        for (int previous = 0; previous <= VOCAB; previous++) {
            float[] targetLogits = new float[VOCAB];
            float[] draftLogits = new float[VOCAB];
            for (int token = 0; token < VOCAB; token++) {
                targetLogits[token] = (float) (1.5 * random.nextGaussian());
                draftLogits[token] = targetLogits[token] + (float) (1.2 * random.nextGaussian());
            }
            targetByPrevious[previous] = target.distribution(targetLogits, noHistory);
            draftByPrevious[previous] = draft.distribution(draftLogits, noHistory);
        }
    }

    /** The verifier's distribution for the token after {@code previous} ({@link #START} at the beginning). */
    Distribution target(int previous) {
        return targetByPrevious[previous];
    }

    /** The draft's distribution for the token after {@code previous}. */
    Distribution draft(int previous) {
        return draftByPrevious[previous];
    }
}
