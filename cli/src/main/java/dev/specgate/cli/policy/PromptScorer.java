package dev.specgate.cli.policy;

import dev.specgate.engine.Generator;
import dev.specgate.engine.PromptEntropy;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;

/**
 * Runs one prompt through the pair: the draft's routing signal on the prompt, the draft-only greedy
 * continuation, and the verifier's verdict on it.
 */
public final class PromptScorer {
    private final Model draft;
    private final VerifierJudge judge;
    private final int maxTokens;
    private final int window;
    private final int context;

    /**
     * @param maxTokens draft tokens per prompt
     * @param window    the entropy window: the prompt's last positions the signal averages over
     */
    public PromptScorer(Model draft, Model verifier, int maxTokens, int window) {
        if (!draft.tokenizer().fingerprint().equals(verifier.tokenizer().fingerprint())) {
            throw new IllegalArgumentException("draft " + draft.name() + " and verifier " + verifier.name()
                    + " do not share a tokenizer");
        }
        if (maxTokens < 1 || window < 1) {
            throw new IllegalArgumentException("maxTokens and window must be at least 1");
        }
        this.draft = draft;
        this.judge = new VerifierJudge(verifier);
        this.maxTokens = maxTokens;
        this.window = window;
        this.context = Math.min(draft.config().contextLength(), verifier.config().contextLength());
    }

    public PromptScore score(String prompt) {
        int[] ids = draft.tokenizer().encode(prompt);
        if (ids.length == 0 || ids.length >= context) {
            throw new IllegalArgumentException("prompt '" + abbreviate(prompt) + "' has " + ids.length
                    + " tokens; it needs 1 to " + (context - 1) + " (the models' context is " + context + ")");
        }
        double entropy = PromptEntropy.measure(draft, ids, window);
        int[] continuation = Generator.generate(draft, ids, maxTokens, SamplingParams.GREEDY).ids();
        return new PromptScore(prompt, ids.length, entropy, continuation, judge.judge(ids, continuation));
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
