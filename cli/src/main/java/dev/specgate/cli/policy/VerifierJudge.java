package dev.specgate.cli.policy;

import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.model.SequenceInput;
import dev.specgate.engine.sampling.Logits;

import java.util.Arrays;
import java.util.List;

/**
 * Scores a draft continuation with the verifier in one forward pass over prompt + continuation: at each draft
 * position, the verifier's log-probability of the draft's token and whether it is the verifier's argmax given
 * the same prefix.
 */
public final class VerifierJudge {
    private final Model verifier;

    public VerifierJudge(Model verifier) {
        this.verifier = verifier;
    }

    public Verdict judge(int[] promptIds, int[] continuation) {
        // Token j is predicted at position prompt + j - 1, so the last draft token is never fed in; what does
        // not fit the verifier's context is not scored.
        int n = Math.min(continuation.length, verifier.config().contextLength() - promptIds.length + 1);
        if (n <= 0) {
            return Verdict.NONE;
        }
        int[] input = Arrays.copyOf(promptIds, promptIds.length + n - 1);
        System.arraycopy(continuation, 0, input, promptIds.length, n - 1);
        int vocab = verifier.config().vocabSize();
        float[] rows;
        try (KVCache cache = verifier.newCache()) {
            rows = verifier.forward(List.of(new SequenceInput(cache, input, n)))[0];
        }
        double logProbSum = 0;
        int agreed = 0;
        for (int j = 0; j < n; j++) {
            logProbSum += Logits.logProb(rows, j * vocab, vocab, continuation[j]);
            if (Logits.argmax(rows, j * vocab, vocab) == continuation[j]) {
                agreed++;
            }
        }
        return new Verdict(n, logProbSum, agreed);
    }
}
