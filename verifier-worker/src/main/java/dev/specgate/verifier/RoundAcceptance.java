package dev.specgate.verifier;

import dev.specgate.engine.sampling.Distribution;
import dev.specgate.verifier.spec.SpeculativeAcceptance;
import dev.specgate.verifier.spec.Verdict;

import java.util.random.RandomGenerator;

/** The one place the worker calls the exact acceptance rule, filling in q for greedy rounds. */
final class RoundAcceptance {
    private RoundAcceptance() {
    }

    /**
     * @param q the draft's distributions, or null in greedy mode, where q is one-hot on each draft token
     * @param p the verifier's distributions p_1..p_{k+1}
     */
    static Verdict verify(int[] drafts, Distribution[] q, Distribution[] p, boolean greedy, RandomGenerator rng) {
        Distribution[] draftQ = q;
        if (draftQ == null) {
            draftQ = new Distribution[drafts.length];
            for (int i = 0; i < drafts.length; i++) {
                draftQ[i] = Distribution.oneHot(drafts[i]);
            }
        }
        return SpeculativeAcceptance.verify(drafts, draftQ, p, greedy, rng);
    }
}
