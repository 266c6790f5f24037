package dev.specgate.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DistributionTest {

    private static final double EPS = 1e-12;

    @Test
    void fromWeightsNormalisesSortsIdsAndDropsZeros() {
        Distribution d = Distribution.fromWeights(new int[] {9, 2, 5, 7}, new double[] {1, 1, 2, 0});

        assertArrayEquals(new int[] {2, 5, 9}, d.support());
        assertEquals(0.25, d.prob(2), EPS);
        assertEquals(0.50, d.prob(5), EPS);
        assertEquals(0.25, d.prob(9), EPS);
        assertEquals(0.0, d.prob(7), "zero weight is outside the support");
        assertEquals(0.0, d.prob(3));
        assertEquals(0.0, d.prob(1000));
    }

    @Test
    void sampleIsTheInverseCdfInAscendingIdOrder() {
        Distribution d = Distribution.fromWeights(new int[] {9, 2, 5}, new double[] {0.25, 0.25, 0.5});

        assertEquals(2, d.sample(0.0));
        assertEquals(2, d.sample(0.2499));
        assertEquals(5, d.sample(0.25));
        assertEquals(5, d.sample(0.7499));
        assertEquals(9, d.sample(0.75));
        assertEquals(9, d.sample(Math.nextDown(1.0)));
        assertThrows(IllegalArgumentException.class, () -> d.sample(1.0));
        assertThrows(IllegalArgumentException.class, () -> d.sample(-0.1));
    }

    @Test
    void argmaxBreaksTiesTowardTheLowestId() {
        Distribution d = Distribution.fromWeights(new int[] {8, 3, 5}, new double[] {0.4, 0.2, 0.4});
        assertEquals(5, d.argmax());
    }

    @Test
    void oneHotPutsAllMassOnOneId() {
        Distribution d = Distribution.oneHot(42);
        assertArrayEquals(new int[] {42}, d.support());
        assertEquals(1.0, d.prob(42));
        assertEquals(42, d.argmax());
        assertEquals(42, d.sample(0.0));
        assertEquals(42, d.sample(0.999));
        assertEquals(Distribution.oneHot(42), Distribution.fromWeights(new int[] {42, 1}, new double[] {3, 0}));
    }

    @Test
    void denseWeightsUseTheIndexAsId() {
        Distribution d = Distribution.fromDenseWeights(new double[] {0, 3, 1});
        assertArrayEquals(new int[] {1, 2}, d.support());
        assertEquals(0.75, d.prob(1), EPS);
        assertEquals(1, d.idAt(0));
        assertEquals(0.25, d.probAt(1), EPS);
    }

    @Test
    void rejectsMalformedInput() {
        assertThrows(IllegalArgumentException.class, () -> Distribution.fromWeights(new int[] {1, 1}, new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> Distribution.fromWeights(new int[] {-1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Distribution.fromWeights(new int[] {1}, new double[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> Distribution.fromWeights(new int[] {1}, new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> Distribution.fromWeights(new int[] {1}, new double[] {Double.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> Distribution.fromWeights(new int[] {1, 2}, new double[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> Distribution.fromWeights(new int[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Distribution.oneHot(-3));
    }
}
