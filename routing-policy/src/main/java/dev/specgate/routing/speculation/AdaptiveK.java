package dev.specgate.routing.speculation;

import dev.specgate.routing.KBounds;
import dev.specgate.routing.Reason;
import dev.specgate.routing.acceptance.AcceptanceSnapshot;
import dev.specgate.routing.acceptance.PositionalAcceptance;
import dev.specgate.routing.config.PolicyConfig;
import dev.specgate.routing.stats.HalfLife;

import java.util.Locale;
import java.util.Objects;

/**
 * Chooses the speculation length of one session, round by round, to maximise goodput
 * (see {@link Goodput}): argmax over k in the bounds of E[tokens | k] / (k·t_draft_step + t_verify(k) + rtt).
 *
 * <p>What it learns from {@link #observeRound}: per-position acceptance α_j (exponentially weighted, shrunk
 * towards a prior: the tenant's observed acceptance when seeded from the tracker, else the configured prior),
 * and the round's times ({@link RoundTimings}: draft step, t_verify(k) as a fitted line a + b·k, network round
 * trip), either the session's own or shared with every session on the same draft and verifier.
 *
 * <p>k = 0 is chosen (reason {@code low_acceptance}) when no k ≥ 1 beats verifier-only rounds; the bounds'
 * minimum must allow it. While off, every {@code probeEveryRounds}-th round drafts one token anyway, since
 * without drafting the acceptance estimate could never recover. One instance per session, not thread-safe.
 */
public final class AdaptiveK {

    /** Everything AdaptiveK needs to know from the policy. */
    public record Settings(KBounds bounds, int initialK, double acceptancePrior, double priorWeightRounds,
                           double acceptanceHalfLifeRounds, double timingHalfLifeRounds, int probeEveryRounds) {
        public Settings {
            Objects.requireNonNull(bounds, "bounds");
            initialK = bounds.clamp(initialK);
        }

        /** The policy's speculation and EWMA settings within {@code bounds} (a decision's tenant bounds). */
        public static Settings from(PolicyConfig policy, KBounds bounds) {
            var s = policy.speculation();
            return new Settings(bounds, s.kInitial(), s.acceptancePrior(), s.priorWeightRounds(),
                    policy.ewma().acceptanceHalfLifeRounds(), policy.ewma().timingHalfLifeRounds(), s.probeEveryRounds());
        }
    }

    private final Settings settings;
    private final double[] priorAlpha;
    private final PositionalAcceptance acceptance;
    private final RoundTimings timings;
    private int roundsObserved;
    private int roundsOff;

    private AdaptiveK(Settings settings, double[] priorAlpha, RoundTimings timings) {
        this.settings = settings;
        this.priorAlpha = priorAlpha;
        this.acceptance = new PositionalAcceptance(HalfLife.decayPerRound(settings.acceptanceHalfLifeRounds()));
        this.timings = timings;
    }

    /** A session starting from the configured acceptance prior, timing only its own rounds. */
    public static AdaptiveK create(Settings settings) {
        return create(settings, new RoundTimings(settings.timingHalfLifeRounds()));
    }

    /** A session starting from the configured acceptance prior, pooling round times in {@code timings}. */
    public static AdaptiveK create(Settings settings, RoundTimings timings) {
        return new AdaptiveK(settings, null, timings);
    }

    /** A session starting from what the tracker observed for similar traffic (tenant, hybrid). */
    public static AdaptiveK seeded(Settings settings, AcceptanceSnapshot similarTraffic) {
        return seeded(settings, similarTraffic, new RoundTimings(settings.timingHalfLifeRounds()));
    }

    /** Seeded from similar traffic's acceptance, pooling round times in {@code timings}. */
    public static AdaptiveK seeded(Settings settings, AcceptanceSnapshot similarTraffic, RoundTimings timings) {
        double[] prior = similarTraffic.positionAcceptance(KBounds.HARD_MAX, settings.acceptancePrior(), settings.priorWeightRounds());
        return new AdaptiveK(settings, prior, timings);
    }

    /**
     * Records one finished round.
     *
     * @param k            tokens drafted
     * @param accepted     how many of them the verifier accepted (the prefix length)
     * @param draftMicros  time spent drafting the k tokens
     * @param verifyMicros verification time reported by the verifier (compute, excluding network)
     * @param rttMicros    network round trip of the verification call (wall time minus verifyMicros)
     */
    public void observeRound(int k, int accepted, long draftMicros, long verifyMicros, long rttMicros) {
        if (k < 0 || k > KBounds.HARD_MAX || accepted < 0 || accepted > k || draftMicros < 0 || verifyMicros < 0 || rttMicros < 0) {
            throw new IllegalArgumentException("bad round: k=" + k + " accepted=" + accepted + " draft=" + draftMicros
                    + " verify=" + verifyMicros + " rtt=" + rttMicros);
        }
        acceptance.record(k, accepted);
        timings.observe(k, draftMicros, verifyMicros, rttMicros);
        roundsObserved++;
    }

    /** Per-position acceptance estimates α_1..α_kMax as used for the next choice. */
    public double[] acceptanceEstimates() {
        return acceptance.alphas(settings.bounds().max(), settings.acceptancePrior(), settings.priorWeightRounds(), priorAlpha);
    }

    /** Modelled goodput of a fixed k under the current estimates, tokens/s (NaN before any round is timed). */
    public double modelledTokensPerSecond(int k) {
        if (!timings.hasData()) {
            return Double.NaN;
        }
        return tokensPerSecond(acceptanceEstimates(), k);
    }

    private double tokensPerSecond(double[] alpha, int k) {
        // Before any drafted round the draft step is unknown; 0 is optimistic, which gets it measured.
        return Goodput.tokensPerSecond(Goodput.expectedTokens(alpha, k), timings.roundMicros(k));
    }

    /** The k for the next round. Call once per round. */
    public SpeculationChoice next() {
        KBounds bounds = settings.bounds();
        if (roundsObserved == 0 && !timings.hasData()) {
            return new SpeculationChoice(settings.initialK(), Double.NaN,
                    settings.initialK() == 0 ? Reason.LOW_ACCEPTANCE : Reason.DEFAULT, false,
                    () -> "k=" + settings.initialK() + ": initial k, nothing measured yet");
        }
        double[] alpha = acceptanceEstimates();
        int bestK = bounds.min();
        double best = tokensPerSecond(alpha, bestK);
        for (int k = bounds.min() + 1; k <= bounds.max(); k++) {
            double goodput = tokensPerSecond(alpha, k);
            if (goodput > best) {
                best = goodput;
                bestK = k;
            }
        }
        int chosen = bestK;       // final copies for the explanation, written later if asked for
        double goodput = best;
        if (chosen > 0) {
            roundsOff = 0;
            return new SpeculationChoice(chosen, goodput, Reason.DEFAULT, false, () -> explain(chosen, goodput, alpha));
        }
        roundsOff++;
        int probeEvery = settings.probeEveryRounds();
        if (probeEvery > 0 && bounds.max() >= 1 && roundsOff % probeEvery == 0) {
            return new SpeculationChoice(1, tokensPerSecond(alpha, 1), Reason.LOW_ACCEPTANCE, true,
                    () -> "k=1: probe while speculation is off (every " + probeEvery + " rounds); " + explain(0, goodput, alpha));
        }
        return new SpeculationChoice(0, goodput, Reason.LOW_ACCEPTANCE, false, () -> explain(0, goodput, alpha));
    }

    private String explain(int k, double goodput, double[] alpha) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "k=%d: %.2f tokens/round in %.1f ms = %.1f tokens/s", k, Goodput.expectedTokens(alpha, k),
                timings.roundMicros(k) / 1000, goodput));
        if (k == 0 && settings.bounds().max() >= 1) {
            text.append(String.format(Locale.ROOT, "; no k>=1 beats verifier-only (k=1: %.1f tokens/s)", tokensPerSecond(alpha, 1)));
        } else if (k > 0 && settings.bounds().min() == 0) {
            text.append(String.format(Locale.ROOT, " vs %.1f verifier-only", tokensPerSecond(alpha, 0)));
        }
        text.append("; ").append(timings.describe())
                .append(String.format(Locale.ROOT, "; alpha[1..%d]=", Math.max(k, 1)));
        for (int i = 0; i < Math.max(k, 1) && i < alpha.length; i++) {
            text.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", alpha[i]));
        }
        return text.toString();
    }
}
