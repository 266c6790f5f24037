package dev.specgate.verifier.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The statistics helper must be right before its verdicts on speculative decoding mean anything. */
class ChiSquareGoodnessOfFitTest {

    @Test
    void criticalValuesMatchPublishedTables() {
        // Upper quantiles of chi-square (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
        assertEquals(10.828, ChiSquareGoodnessOfFit.criticalValue(1, 1e-3), 1e-3);
        assertEquals(13.816, ChiSquareGoodnessOfFit.criticalValue(2, 1e-3), 1e-3);
        assertEquals(20.515, ChiSquareGoodnessOfFit.criticalValue(5, 1e-3), 1e-3);
        assertEquals(29.588, ChiSquareGoodnessOfFit.criticalValue(10, 1e-3), 1e-3);
        assertEquals(45.315, ChiSquareGoodnessOfFit.criticalValue(20, 1e-3), 1e-3);
        assertEquals(86.661, ChiSquareGoodnessOfFit.criticalValue(50, 1e-3), 1e-3);
        assertEquals(149.449, ChiSquareGoodnessOfFit.criticalValue(100, 1e-3), 1e-3);
        assertEquals(3.841, ChiSquareGoodnessOfFit.criticalValue(1, 0.05), 1e-3);
        assertEquals(18.307, ChiSquareGoodnessOfFit.criticalValue(10, 0.05), 1e-3);
    }

    @Test
    void upperTailMatchesClosedForms() {
        // df = 2 is exponential: P(X > x) = exp(-x / 2).
        for (double x : new double[] {0.1, 1, 5, 20, 60}) {
            assertEquals(Math.exp(-x / 2), ChiSquareGoodnessOfFit.upperTail(2, x), 1e-12 * Math.max(1, Math.exp(-x / 2)) + 1e-15);
        }
        assertEquals(Math.log(24), ChiSquareGoodnessOfFit.logGamma(5), 1e-12);
        assertEquals(0.5 * Math.log(Math.PI), ChiSquareGoodnessOfFit.logGamma(0.5), 1e-12);
    }

    @Test
    void pearsonStatisticAndPooling() {
        // 100 draws against (0.5, 0.5): observed (60, 40) gives (10^2 + 10^2) / 50 = 4.
        ChiSquareGoodnessOfFit.Result fair = ChiSquareGoodnessOfFit.test(new long[] {60, 40}, new double[] {0.5, 0.5}, 1e-3);
        assertEquals(4.0, fair.statistic(), 1e-12);
        assertEquals(1, fair.degreesOfFreedom());
        assertFalse(fair.rejects());
        // Two cells expected to hold 1 count each are pooled (expected 2 < 5) into the smallest large cell.
        ChiSquareGoodnessOfFit.Result pooled = ChiSquareGoodnessOfFit.test(
                new long[] {49, 49, 1, 1}, new double[] {0.49, 0.49, 0.01, 0.01}, 1e-3);
        assertEquals(1, pooled.degreesOfFreedom());
        assertEquals(0.0, pooled.statistic(), 1e-12);
        // An outcome with probability 0 is an automatic rejection.
        assertTrue(ChiSquareGoodnessOfFit.test(new long[] {50, 49, 1}, new double[] {0.5, 0.5, 0}, 1e-3).rejects());
    }
}
