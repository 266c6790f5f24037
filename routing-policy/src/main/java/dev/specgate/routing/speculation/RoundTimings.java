package dev.specgate.routing.speculation;

import dev.specgate.routing.stats.DecayingLinearFit;
import dev.specgate.routing.stats.Ewma;

import java.util.Locale;

/**
 * What rounds cost, as measured: the draft's time per proposed token, the verifier's time as a line in k
 * ({@link DecayingLinearFit}) and the network round trip. Thread-safe, so that one instance can pool the rounds of
 * every session on the same draft and verifier: real sessions last a few dozen rounds and settle on one k, so alone
 * they would never learn how verification time grows with k (and would start every session knowing nothing).
 */
public final class RoundTimings {
    /**
     * Until rounds at different k say otherwise, verification is assumed to grow at half the rate of a fully
     * compute-bound verifier (time proportional to the k + 1 rows of the round): a slope of 0 would make every
     * extra draft token look free to verify and push k up, which on a CPU verifier costs goodput.
     */
    private static final double PRIOR_SHARE_PER_ROW = 0.5;

    private final Ewma draftStepMicros;
    private final Ewma rttMicros;
    private final DecayingLinearFit verifyMicros;

    public RoundTimings(double halfLifeRounds) {
        this.draftStepMicros = new Ewma(halfLifeRounds);
        this.rttMicros = new Ewma(halfLifeRounds);
        this.verifyMicros = new DecayingLinearFit(halfLifeRounds, 0);
    }

    /** One finished round: {@code k} drafted tokens and the three times it took, in µs. */
    public synchronized void observe(int k, long draftMicros, long verifyMicros, long rttMicros) {
        if (k > 0) {
            draftStepMicros.add((double) draftMicros / k);
        }
        if (!this.verifyMicros.hasData()) {
            this.verifyMicros.startSlope(PRIOR_SHARE_PER_ROW * verifyMicros / (k + 1));
        }
        this.verifyMicros.add(k, verifyMicros);
        this.rttMicros.add(rttMicros);
    }

    public synchronized boolean hasData() {
        return verifyMicros.hasData();
    }

    /** Modelled time of a round with k draft tokens, µs. Before a drafted round the draft step counts as 0. */
    public synchronized double roundMicros(int k) {
        return Goodput.roundMicros(k, draftStepMicros.meanOr(0), verifyMicros.predict(k), rttMicros.meanOr(0));
    }

    public synchronized String describe() {
        return String.format(Locale.ROOT, "draft %.2f ms/token, verify %.2f + %.2f·k ms, rtt %.1f ms",
                draftStepMicros.meanOr(0) / 1000, verifyMicros.intercept() / 1000, verifyMicros.slope() / 1000,
                rttMicros.meanOr(0) / 1000);
    }
}
