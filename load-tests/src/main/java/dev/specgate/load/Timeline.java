package dev.specgate.load;

import java.util.List;
import java.util.TreeMap;

/** Per-second series over a run, by the second a request finished in: acceptance, fallbacks, tokens/s. */
public final class Timeline {
    private Timeline() {
    }

    public record Point(long second, double meanAcceptanceLength, int fallbacks, int requests, long tokens) {
    }

    public static List<Point> of(List<RequestRecord> records) {
        TreeMap<Long, double[]> buckets = new TreeMap<>(); // acceptance sum, speculative count, fallbacks, count, tokens
        for (RequestRecord r : records) {
            double[] b = buckets.computeIfAbsent(r.endMs() / 1000, k -> new double[5]);
            if ("speculative".equals(r.mode()) && r.meanAcceptanceLength() > 0) {
                b[0] += r.meanAcceptanceLength();
                b[1]++;
            }
            if (r.fallback()) {
                b[2]++;
            }
            b[3]++;
            b[4] += r.completionTokens();
        }
        if (buckets.isEmpty()) {
            return List.of();
        }
        // Every second from the first to the last, so gaps (nothing finished) show as zeros, not as lines.
        List<Point> points = new java.util.ArrayList<>();
        for (long s = buckets.firstKey(); s <= buckets.lastKey(); s++) {
            double[] b = buckets.getOrDefault(s, new double[5]);
            points.add(new Point(s, b[1] == 0 ? Double.NaN : b[0] / b[1], (int) b[2], (int) b[3], (long) b[4]));
        }
        return points;
    }
}
