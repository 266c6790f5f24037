package dev.specgate.draft;

import dev.specgate.engine.sampling.Distribution;
import dev.specgate.proto.v1.SparseDistribution;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The q a draft token is drawn from, together with the message that reports it.
 *
 * <p>Why a second truncation: with a large vocabulary and no top-k, the sampler's distribution has a support of the
 * whole vocabulary, which would make every ProposeResponse and VerifyRequest megabytes long. Speculative sampling is
 * exact for any q as long as the verifier is told the q the token really came from, so the draft keeps only the
 * most likely ids (until {@code supportMass} of the mass, at most {@code maxSupport} ids), renormalises, rounds to
 * float32 (the wire type), and then samples from exactly those reported floats (renormalised by their double sum).
 * The only cost of truncating is a slightly lower acceptance rate; the output distribution is unchanged.
 *
 * @param sampled  the distribution the token is sampled from: proportional to {@code reported}'s probs
 * @param reported the same distribution as sent on the wire
 */
record ProposalDistribution(Distribution sampled, SparseDistribution reported) {

    static ProposalDistribution truncate(Distribution full, int maxSupport, double supportMass) {
        Integer[] byProb = IntStream.range(0, full.size()).boxed().toArray(Integer[]::new);
        // Descending probability, ties to the lower id, so the kept set does not depend on anything but full.
        Arrays.sort(byProb, Comparator.comparingDouble((Integer i) -> -full.probAt(i)).thenComparingInt(full::idAt));
        int kept = 0;
        double mass = 0;
        while (kept < byProb.length && kept < maxSupport && mass < supportMass) {
            mass += full.probAt(byProb[kept++]);
        }
        int[] ids = new int[kept];
        float[] floats = new float[kept];
        double[] weights = new double[kept];
        int n = 0;
        for (int j = 0; j < kept; j++) {
            float f = (float) (full.probAt(byProb[j]) / mass);
            if (f > 0f) { // an id whose probability rounds to 0 in float32 cannot be reported, so it is not kept
                ids[n] = full.idAt(byProb[j]);
                floats[n] = f;
                weights[n] = f;
                n++;
            }
        }
        // The wire message and the sampled distribution both list ids ascending, as Distribution does.
        int[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingInt(j -> ids[j]))
                .mapToInt(Integer::intValue).toArray();
        int[] sortedIds = new int[n];
        double[] sortedWeights = new double[n];
        SparseDistribution.Builder reported = SparseDistribution.newBuilder();
        for (int i = 0; i < n; i++) {
            sortedIds[i] = ids[order[i]];
            sortedWeights[i] = weights[order[i]];
            reported.addTokenIds(ids[order[i]]).addProbs(floats[order[i]]);
        }
        return new ProposalDistribution(Distribution.fromWeights(sortedIds, sortedWeights), reported.build());
    }
}
