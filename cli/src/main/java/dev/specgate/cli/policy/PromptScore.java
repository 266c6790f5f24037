package dev.specgate.cli.policy;

/**
 * One prompt of the evaluation: the routing signal, and how the verifier judges the draft's own greedy answer.
 *
 * @param prompt           the prompt text
 * @param promptTokens     its length in tokens
 * @param draftEntropyNats the routing signal ({@code dev.specgate.engine.PromptEntropy}) on this prompt
 * @param draftIds         the draft-only greedy continuation
 * @param verdict          the verifier's judgement of {@code draftIds}
 */
public record PromptScore(String prompt, int promptTokens, double draftEntropyNats, int[] draftIds, Verdict verdict) {
}
