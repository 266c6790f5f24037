package dev.specgate.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PercentilesTest {
    @Test
    void nearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // unsorted on purpose
        }
        Percentiles p = new Percentiles(v);
        assertEquals(50, p.at(50));
        assertEquals(95, p.at(95));
        assertEquals(99, p.at(99));
        assertEquals(100, p.at(100));
        assertEquals(1, p.at(0));
        assertEquals(Double.NaN, new Percentiles(new double[0]).at(50));
    }

    @Test
    void summaryCountsIncompleteAndCloudShare() {
        RequestRecord full = new RequestRecord("a", 0, 1000, 200, new double[]{10, 20, 30}, 8, 8, "length",
                "speculative", false, 8, 6, 2.5, null);
        RequestRecord fellBack = new RequestRecord("a", 0, 1000, 200, new double[]{10, 50}, 8, 8, "length",
                "draft-only", true, 4, 2, 1.5, null);
        RequestRecord cut = new RequestRecord("a", 0, 1000, 200, new double[]{10}, 3, 8, null,
                null, false, 0, 0, 0, "stream ended without [DONE]");
        CellSummary s = CellSummary.of("a", "speculative", 1, 0, List.of(full, fellBack, cut));
        assertEquals(1, s.errors());
        assertEquals(1, s.incomplete());
        assertEquals(1, s.fallbacks());
        assertEquals(8.0 / 19, s.cloudShare(), 1e-9);
        assertEquals(2.5, s.meanAcceptanceLength(), 1e-9);
    }
}
