package dev.specgate.gateway;

/**
 * The speculation lengths one generation's adaptive k chose, round by round (k = 0 rounds included).
 *
 * @param rounds  rounds a k was chosen for
 * @param mean    mean k over those rounds (0 without rounds)
 * @param min     smallest k chosen
 * @param max     largest k chosen
 * @param changes how many times k differed from the round before
 */
public record KSummary(int rounds, double mean, int min, int max, int changes) {
    public static final KSummary NONE = new KSummary(0, 0, 0, 0, 0);

    /** Accumulates the choices of one generation; not thread-safe (one generation, one thread). */
    public static final class Trace {
        private int rounds;
        private long sum;
        private int min = Integer.MAX_VALUE;
        private int max;
        private int last = -1;
        private int changes;

        public void add(int k) {
            if (rounds > 0 && k != last) {
                changes++;
            }
            rounds++;
            sum += k;
            min = Math.min(min, k);
            max = Math.max(max, k);
            last = k;
        }

        public KSummary summary() {
            return rounds == 0 ? NONE : new KSummary(rounds, (double) sum / rounds, min, max, changes);
        }
    }
}
