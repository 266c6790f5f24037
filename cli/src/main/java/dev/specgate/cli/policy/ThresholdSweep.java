package dev.specgate.cli.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sweeps {@code entropy_local_nats} over quantiles of the observed draft entropies and, per threshold, counts
 * the prompts the policy keeps local and pools the verifier's verdicts on them. Thresholds are observed values,
 * so each step moves at least one prompt; they rise, so the local share never falls along the curve.
 */
public final class ThresholdSweep {
    private final List<PromptScore> prompts;
    private final LocalRouting routing;

    public ThresholdSweep(List<PromptScore> prompts, LocalRouting routing) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to sweep over");
        }
        this.prompts = List.copyOf(prompts);
        this.routing = routing;
    }

    /** The curve at up to {@code steps} thresholds: quantiles 1/steps .. 1 of the entropies, without repeats. */
    public List<CurvePoint> curve(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1");
        }
        double[] sorted = prompts.stream().mapToDouble(PromptScore::draftEntropyNats).sorted().toArray();
        List<CurvePoint> points = new ArrayList<>();
        double previous = Double.NEGATIVE_INFINITY;
        for (int i = 1; i <= steps; i++) {
            // Nearest rank: the smallest value with at least i/steps of the prompts at or below it.
            double threshold = sorted[(int) Math.ceil(i * (double) sorted.length / steps) - 1];
            if (threshold > previous) {
                points.add(at(threshold));
                previous = threshold;
            }
        }
        return points;
    }

    /** The point for one threshold. */
    public CurvePoint at(double entropyLocalNats) {
        int local = 0;
        Verdict verdict = Verdict.NONE;
        for (PromptScore p : prompts) {
            if (routing.local(p, entropyLocalNats)) {
                local++;
                verdict = verdict.plus(p.verdict());
            }
        }
        return new CurvePoint(entropyLocalNats, routing.cloudThreshold(entropyLocalNats), local, prompts.size(), verdict);
    }

    /** The verdict on all prompts' draft answers, whatever the routing. */
    public Verdict overall() {
        return prompts.stream().map(PromptScore::verdict).reduce(Verdict.NONE, Verdict::plus);
    }

    /** The point keeping the most prompts local whose local agreement is at least {@code minAgreement}. */
    public static Optional<CurvePoint> suggest(List<CurvePoint> curve, double minAgreement) {
        CurvePoint best = null;
        for (CurvePoint p : curve) {
            if (p.localPrompts() > 0 && p.local().agreement() >= minAgreement
                    && (best == null || p.localPrompts() > best.localPrompts())) {
                best = p;
            }
        }
        return Optional.ofNullable(best);
    }
}
