package dev.specgate.verifier.spec;

import dev.specgate.engine.sampling.Distribution;

/**
 * What to sample from after rejecting a draft token. Only {@link #EXACT} is correct; the other strategy exists so the
 * statistical tests can prove they would notice a broken residual (package-private on purpose).
 */
enum Residual {

    /**
     * normalize(max(0, p - q)): together with accepting x with probability min(1, p(x)/q(x)) this makes the emitted
     * token distributed exactly as p (Leviathan et al. 2023, Theorem 1; Chen et al. 2023).
     */
    EXACT {
        @Override
        Distribution correction(Distribution p, Distribution q) {
            // Both supports are in ascending id order: walk them together. Ids outside p's support have
            // max(0, 0 - q) = 0, so only p's support can carry residual mass.
            int[] ids = new int[p.size()];
            double[] weights = new double[p.size()];
            int qIndex = 0;
            double total = 0;
            for (int i = 0; i < p.size(); i++) {
                int id = p.idAt(i);
                while (qIndex < q.size() && q.idAt(qIndex) < id) {
                    qIndex++;
                }
                double qProb = qIndex < q.size() && q.idAt(qIndex) == id ? q.probAt(qIndex) : 0.0;
                ids[i] = id;
                weights[i] = Math.max(0.0, p.probAt(i) - qProb);
                total += weights[i];
            }
            // All zero only when q covers p everywhere, i.e. p == q; then nothing is ever rejected in exact
            // arithmetic, and p itself is the right answer if rounding got us here anyway.
            return total > 0 ? Distribution.fromWeights(ids, weights) : p;
        }
    },

    /** Deliberately wrong: resamples from p, which over-weights tokens the draft already proposes often. */
    WRONG_USE_P {
        @Override
        Distribution correction(Distribution p, Distribution q) {
            return p;
        }
    };

    /** The distribution to sample the correction token from after rejecting at a position with target p, draft q. */
    abstract Distribution correction(Distribution p, Distribution q);
}
