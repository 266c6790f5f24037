package dev.specgate.routing.acceptance;

import dev.specgate.routing.KBounds;

/**
 * Exponentially weighted acceptance counts per draft position.
 *
 * <p>A verifier accepts a prefix of the k drafted tokens and stops at the first rejection, so position j is
 * only <em>reached</em> (judged) when positions 1..j-1 were accepted. α_j is therefore the conditional
 * acceptance P(accept j | reached j) = accepted_j / reached_j, each a decayed count; a round with k drafted
 * and a accepted reaches positions 1..min(k, a+1) and accepts 1..a. Rounds with nothing drafted carry no
 * information and are not counted (they do not age the estimate either).
 *
 * <p>Estimates are shrunk towards a prior with a weight in rounds; a position with little evidence inherits
 * the estimate of the position before it, which is the best guess for a position never tried (and keeps an
 * optimistic or pessimistic global prior from deciding alone whether a longer k is ever tried). Not thread-safe.
 */
public final class PositionalAcceptance {

    private final double decay;
    private final double[] reached = new double[KBounds.HARD_MAX];
    private final double[] accepted = new double[KBounds.HARD_MAX];
    private double draftedTokens;
    private double acceptedTokens;
    private double rounds;

    /** @param decayPerRound weight kept per round, see {@code HalfLife.decayPerRound} */
    public PositionalAcceptance(double decayPerRound) {
        if (!(decayPerRound > 0 && decayPerRound <= 1)) {
            throw new IllegalArgumentException("decay must be in (0, 1], got " + decayPerRound);
        }
        this.decay = decayPerRound;
    }

    /** Records one verification round: {@code drafted} tokens proposed, the first {@code accepted} accepted. */
    public void record(int drafted, int acceptedCount) {
        if (drafted < 0 || drafted > KBounds.HARD_MAX || acceptedCount < 0 || acceptedCount > drafted) {
            throw new IllegalArgumentException("need 0 <= accepted <= drafted <= " + KBounds.HARD_MAX
                    + ", got drafted=" + drafted + " accepted=" + acceptedCount);
        }
        if (drafted == 0) {
            return;
        }
        for (int i = 0; i < KBounds.HARD_MAX; i++) {
            reached[i] *= decay;
            accepted[i] *= decay;
        }
        int reachedPositions = Math.min(drafted, acceptedCount + 1);
        for (int i = 0; i < reachedPositions; i++) {
            reached[i] += 1;
        }
        for (int i = 0; i < acceptedCount; i++) {
            accepted[i] += 1;
        }
        draftedTokens = decay * draftedTokens + drafted;
        acceptedTokens = decay * acceptedTokens + acceptedCount;
        rounds = decay * rounds + 1;
    }

    /** Weighted rounds recorded (how much evidence there is; at most 1/(1-decay)). */
    public double effectiveRounds() {
        return rounds;
    }

    /** Accepted over drafted tokens, weighted; NaN before any round. */
    public double tokenAcceptance() {
        return draftedTokens > 0 ? acceptedTokens / draftedTokens : Double.NaN;
    }

    /**
     * α_1..α_positions. Position j's prior is {@code priors[j-1]} when given (non-null, long enough), else the
     * estimate of position j-1, and {@code prior} for position 1.
     */
    public double[] alphas(int positions, double prior, double priorWeight, double[] priors) {
        double[] alpha = new double[positions];
        double previous = prior;
        for (int i = 0; i < positions; i++) {
            double positionPrior = priors != null && i < priors.length ? priors[i] : previous;
            alpha[i] = (accepted[i] + priorWeight * positionPrior) / (reached[i] + priorWeight);
            previous = alpha[i];
        }
        return alpha;
    }

    /** A copy of the current counts, safe to read elsewhere. */
    public PositionalAcceptance copy() {
        PositionalAcceptance copy = new PositionalAcceptance(decay);
        System.arraycopy(reached, 0, copy.reached, 0, reached.length);
        System.arraycopy(accepted, 0, copy.accepted, 0, accepted.length);
        copy.draftedTokens = draftedTokens;
        copy.acceptedTokens = acceptedTokens;
        copy.rounds = rounds;
        return copy;
    }
}
