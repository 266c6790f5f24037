package dev.specgate.load;

import java.util.Arrays;

/** Nearest-rank percentiles over a sorted copy: exact, no histogram bucketing (runs are small enough). */
public final class Percentiles {
    private final double[] sorted;

    public Percentiles(double[] values) {
        this.sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    }

    /** {@code p} in [0, 100]; NaN without values. */
    public double at(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    public double[] sorted() {
        return sorted;
    }

    public int count() {
        return sorted.length;
    }
}
