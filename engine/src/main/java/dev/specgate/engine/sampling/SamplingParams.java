package dev.specgate.engine.sampling;

/**
 * How to pick the next token from logits.
 *
 * @param temperature        0 means greedy (argmax); otherwise logits are divided by it
 * @param topK               keep the k most likely tokens (0 = off)
 * @param topP               keep the smallest set whose probability reaches p (1 = off)
 * @param minP               drop tokens below minP x the top probability (0 = off)
 * @param repetitionPenalty  CTRL-style penalty on tokens already in the history (1 = off)
 * @param seed               seeds the sampler's RNG so a run is reproducible
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty, long seed) {

    public static final SamplingParams GREEDY = new SamplingParams(0f, 0, 1f, 0f, 1f, 0L);

    public boolean greedy() {
        return temperature <= 0f;
    }
}
