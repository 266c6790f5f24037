package dev.specgate.engine.sampling;

import java.util.Arrays;

/**
 * An immutable probability distribution over token ids, stored sparsely: only ids with non-zero probability are kept.
 *
 * <p>The support is held in ascending id order. That order is part of the contract: {@link #sample(double)} walks the
 * cumulative distribution in id order, so a given uniform always maps to the same token no matter how the
 * distribution was built (a draft and a verifier that agree on a distribution and a uniform agree on the token).
 */
public final class Distribution {

    /** Token ids with non-zero probability, ascending and distinct. */
    private final int[] ids;
    /** Probability of {@code ids[i]}; all positive, summing to 1 up to rounding. */
    private final double[] probs;
    /** {@code cumulative[i]} = probs[0] + ... + probs[i], with the last entry pinned to exactly 1. */
    private final double[] cumulative;

    private Distribution(int[] ids, double[] probs) {
        this.ids = ids;
        this.probs = probs;
        this.cumulative = new double[probs.length];
        double running = 0;
        for (int i = 0; i < probs.length; i++) {
            running += probs[i];
            cumulative[i] = running;
        }
        // Pin the end so that sample(u) for any u < 1 lands inside the support despite rounding.
        cumulative[cumulative.length - 1] = 1.0;
    }

    /** The distribution that puts all its mass on {@code id}. */
    public static Distribution oneHot(int id) {
        requireValidId(id);
        return new Distribution(new int[] {id}, new double[] {1.0});
    }

    /**
     * Builds a distribution from non-negative weights, normalising them to sum to 1. Ids may come in any order but
     * must be distinct and non-negative; zero weights are dropped from the support.
     *
     * @throws IllegalArgumentException on mismatched lengths, duplicate or negative ids, negative or non-finite
     *                                  weights, or weights that are all zero
     */
    public static Distribution fromWeights(int[] ids, double[] weights) {
        if (ids.length != weights.length) {
            throw new IllegalArgumentException("ids and weights differ in length: " + ids.length + " vs " + weights.length);
        }
        int[] order = ascendingIdOrder(ids);
        double total = 0;
        int nonZero = 0;
        for (int i = 0; i < weights.length; i++) {
            double w = weights[i];
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weight of id " + ids[i] + " is not a finite non-negative number: " + w);
            }
            total += w;
            if (w > 0) {
                nonZero++;
            }
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("all weights are zero");
        }
        int[] keptIds = new int[nonZero];
        double[] keptProbs = new double[nonZero];
        int next = 0;
        for (int index : order) {
            if (weights[index] > 0) {
                keptIds[next] = ids[index];
                keptProbs[next] = weights[index] / total;
                next++;
            }
        }
        return new Distribution(keptIds, keptProbs);
    }

    /** Builds a distribution from dense weights where the index is the token id (handy for small vocabularies). */
    public static Distribution fromDenseWeights(double[] weights) {
        int[] ids = new int[weights.length];
        Arrays.setAll(ids, i -> i);
        return fromWeights(ids, weights);
    }

    /** Probability of {@code id}; 0 outside the support. */
    public double prob(int id) {
        int index = Arrays.binarySearch(ids, id);
        return index >= 0 ? probs[index] : 0.0;
    }

    /** The ids with non-zero probability, ascending (a copy). */
    public int[] support() {
        return ids.clone();
    }

    /** Number of ids in the support. */
    public int size() {
        return ids.length;
    }

    /** The {@code i}-th support id in ascending order; with {@link #probAt(int)} this walks the support without copying. */
    public int idAt(int i) {
        return ids[i];
    }

    /** Probability of the {@code i}-th support id. */
    public double probAt(int i) {
        return probs[i];
    }

    /** The most likely id; ties go to the lowest id. */
    public int argmax() {
        int best = 0;
        for (int i = 1; i < probs.length; i++) {
            if (probs[i] > probs[best]) {
                best = i;
            }
        }
        return ids[best];
    }

    /**
     * Inverse-CDF sampling: the first id (in ascending order) whose cumulative probability exceeds {@code u}.
     * Deterministic given {@code u}.
     *
     * @param u a uniform in [0, 1)
     */
    public int sample(double u) {
        if (!(u >= 0 && u < 1)) {
            throw new IllegalArgumentException("u must be in [0, 1): " + u);
        }
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return ids[lo];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Distribution that && Arrays.equals(ids, that.ids) && Arrays.equals(probs, that.probs);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(probs);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Distribution{");
        int shown = Math.min(ids.length, 16);
        for (int i = 0; i < shown; i++) {
            text.append(i == 0 ? "" : ", ").append(ids[i]).append('=').append(probs[i]);
        }
        if (shown < ids.length) {
            text.append(", ... (").append(ids.length).append(" ids)");
        }
        return text.append('}').toString();
    }

    /** Indices into {@code ids} in ascending id order; rejects negative and duplicate ids. */
    private static int[] ascendingIdOrder(int[] ids) {
        if (strictlyAscendingNonNegative(ids)) {
            // Common case (a full vocabulary, or a sampler's kept set in id order): no sort needed.
            int[] identity = new int[ids.length];
            Arrays.setAll(identity, i -> i);
            return identity;
        }
        // Pack (id, index) into one long so a primitive sort orders by id without boxing.
        long[] keyed = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            requireValidId(ids[i]);
            keyed[i] = ((long) ids[i] << 32) | i;
        }
        Arrays.sort(keyed);
        int[] order = new int[ids.length];
        for (int i = 0; i < keyed.length; i++) {
            order[i] = (int) keyed[i];
            if (i > 0 && (keyed[i] >>> 32) == (keyed[i - 1] >>> 32)) {
                throw new IllegalArgumentException("duplicate id " + (keyed[i] >>> 32));
            }
        }
        return order;
    }

    private static boolean strictlyAscendingNonNegative(int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || (i > 0 && ids[i] <= ids[i - 1])) {
                return false;
            }
        }
        return true;
    }

    private static void requireValidId(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("token id must be non-negative: " + id);
        }
    }
}
