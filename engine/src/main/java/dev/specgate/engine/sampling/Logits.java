package dev.specgate.engine.sampling;

/**
 * Pure arithmetic on one row of raw logits (temperature 1, whole vocabulary), as a forward pass returns them:
 * {@code rows} is {@code [n x vocab]} flattened and {@code offset} is where the row starts.
 */
public final class Logits {
    private Logits() {
    }

    /** Entropy in nats of softmax(logits) over the whole row. */
    public static double entropyNats(float[] logits) {
        return entropyNats(logits, 0, logits.length);
    }

    /** Entropy in nats of softmax of {@code rows[offset .. offset + vocab)}. */
    public static double entropyNats(float[] rows, int offset, int vocab) {
        double max = max(rows, offset, vocab);
        double sum = 0;
        double weighted = 0;
        for (int i = offset; i < offset + vocab; i++) {
            double z = rows[i] - max;
            double e = Math.exp(z);
            sum += e;
            weighted += e * z;
        }
        // H = -sum p ln p with p = e^z / S: H = ln S - (sum e^z z) / S.
        return Math.log(sum) - weighted / sum;
    }

    /** Natural log of softmax(row)[id]. */
    public static double logProb(float[] rows, int offset, int vocab, int id) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab + ")");
        }
        double max = max(rows, offset, vocab);
        double sum = 0;
        for (int i = offset; i < offset + vocab; i++) {
            sum += Math.exp(rows[i] - max);
        }
        return rows[offset + id] - max - Math.log(sum);
    }

    /** The most likely id in the row; ties go to the lowest id, as in greedy sampling. */
    public static int argmax(float[] rows, int offset, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (rows[offset + i] > rows[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    private static double max(float[] rows, int offset, int vocab) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = offset; i < offset + vocab; i++) {
            max = Math.max(max, rows[i]);
        }
        return max;
    }
}
