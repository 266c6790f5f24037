package dev.specgate.cli.policy;

/**
 * How the verifier judges a run of draft tokens.
 *
 * @param tokens     draft tokens scored
 * @param logProbSum sum over them of the verifier's log-probability (nats) of the draft's token
 * @param agreed     positions where the draft's token is the verifier's own greedy (argmax) choice
 */
public record Verdict(int tokens, double logProbSum, int agreed) {

    public static final Verdict NONE = new Verdict(0, 0, 0);

    public Verdict {
        if (tokens < 0 || agreed < 0 || agreed > tokens) {
            throw new IllegalArgumentException("need 0 <= agreed <= tokens, got " + agreed + " of " + tokens);
        }
    }

    public Verdict plus(Verdict other) {
        return new Verdict(tokens + other.tokens, logProbSum + other.logProbSum, agreed + other.agreed);
    }

    /** Mean log-probability per token in nats; NaN without tokens. */
    public double meanLogProb() {
        return tokens == 0 ? Double.NaN : logProbSum / tokens;
    }

    /** Fraction of tokens equal to the verifier's greedy choice; NaN without tokens. */
    public double agreement() {
        return tokens == 0 ? Double.NaN : agreed / (double) tokens;
    }
}
