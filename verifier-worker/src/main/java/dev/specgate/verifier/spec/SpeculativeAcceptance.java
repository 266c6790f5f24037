package dev.specgate.verifier.spec;

import dev.specgate.engine.sampling.Distribution;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exact speculative acceptance (Leviathan et al. 2023, "Fast Inference from Transformers via Speculative Decoding";
 * Chen et al. 2023, "Accelerating LLM Decoding with Speculative Sampling"): decides how many draft tokens to keep and
 * which token follows them, such that the emitted tokens are distributed exactly as if sampled from the verifier.
 *
 * <p>Inputs, for a round with k draft tokens x_1..x_k:
 * <ul>
 *   <li>{@code q[i]}: the distribution the draft actually sampled x_{i+1} from (after its own truncation, so x is
 *       always in its support);</li>
 *   <li>{@code p[i]}, i = 0..k: the verifier's final distributions (same sampling transforms) at the k draft positions
 *       plus one more, from one batched forward pass over the context and x_1..x_k.</li>
 * </ul>
 *
 * <p>Randomness comes only from the {@link RandomGenerator} passed in, so seeding it per session and round makes a run
 * reproducible. Sampling mode draws exactly one uniform per examined draft position, then one for the emitted token;
 * greedy mode draws nothing.
 */
public final class SpeculativeAcceptance {

    private SpeculativeAcceptance() {
    }

    /**
     * Verifies one round.
     *
     * @param draftTokens x_1..x_k (k may be 0: then one token is sampled from p_1)
     * @param q           the draft's distributions, one per draft token; ignored (may be null) when greedy
     * @param p           the verifier's distributions, k + 1 of them
     * @param greedy      temperature 0: compare with argmax p instead of rejection sampling
     * @param rng         source of uniforms; unused when greedy
     */
    public static Verdict verify(int[] draftTokens, Distribution[] q, Distribution[] p, boolean greedy, RandomGenerator rng) {
        return verify(draftTokens, q, p, greedy, rng, Residual.EXACT);
    }

    /** As {@link #verify(int[], Distribution[], Distribution[], boolean, RandomGenerator)} with a chosen residual. */
    static Verdict verify(int[] draftTokens, Distribution[] q, Distribution[] p, boolean greedy, RandomGenerator rng,
                          Residual residual) {
        int k = draftTokens.length;
        if (p.length != k + 1) {
            throw new IllegalArgumentException("need k + 1 = " + (k + 1) + " verifier distributions, got " + p.length);
        }
        if (greedy) {
            return verifyGreedy(draftTokens, p);
        }
        Objects.requireNonNull(rng, "rng");
        if (q == null || q.length != k) {
            throw new IllegalArgumentException("need one draft distribution per draft token (" + k + "), got "
                    + (q == null ? "none" : q.length));
        }
        return verifySampled(draftTokens, q, p, rng, residual);
    }

    /** Keep the longest prefix where the draft matches the verifier's argmax; then emit the verifier's argmax. */
    private static Verdict verifyGreedy(int[] draftTokens, Distribution[] p) {
        int k = draftTokens.length;
        for (int i = 0; i < k; i++) {
            int target = p[i].argmax();
            if (draftTokens[i] != target) {
                return new Verdict(i, target, k);
            }
        }
        return new Verdict(k, p[k].argmax(), k);
    }

    /**
     * Accept x_i with probability min(1, p_i(x_i) / q_i(x_i)); at the first rejection emit a sample of the residual,
     * and if nothing is rejected emit a bonus sample of p_{k+1}.
     */
    private static Verdict verifySampled(int[] draftTokens, Distribution[] q, Distribution[] p, RandomGenerator rng,
                                         Residual residual) {
        int k = draftTokens.length;
        for (int i = 0; i < k; i++) {
            int token = draftTokens[i];
            double draftProb = q[i].prob(token);
            if (draftProb <= 0) {
                // The draft cannot have sampled a token it gave no mass: a protocol bug, and any answer would be biased.
                throw new IllegalArgumentException("draft token " + token + " at position " + i
                        + " is outside the draft distribution it was sampled from");
            }
            double u = rng.nextDouble();
            if (u < p[i].prob(token) / draftProb) {
                continue;
            }
            Distribution correction = residual.correction(p[i], q[i]);
            return new Verdict(i, correction.sample(rng.nextDouble()), k);
        }
        return new Verdict(k, p[k].sample(rng.nextDouble()), k);
    }
}
