package dev.specgate.verifier.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Pearson's chi-square goodness-of-fit test with a properly computed critical value: the upper-alpha quantile of the
 * chi-square distribution, found by bisection on the regularized upper incomplete gamma function
 * Q(df/2, x/2) = P(X > x). No statistics library needed.
 */
final class ChiSquareGoodnessOfFit {

    /** Pearson's rule of thumb: cells expected to hold fewer counts than this are pooled so the asymptotics hold. */
    static final double MIN_EXPECTED_COUNT = 5.0;

    private ChiSquareGoodnessOfFit() {
    }

    /**
     * @param statistic        Pearson's X^2 (infinite if an outcome with expected probability 0 was observed)
     * @param degreesOfFreedom cells after pooling, minus one
     * @param criticalValue    reject when the statistic exceeds this; under the null that happens with probability alpha
     * @param pValue           P(chi-square(df) > statistic)
     */
    record Result(double statistic, int degreesOfFreedom, double criticalValue, double alpha, double pValue) {

        boolean rejects() {
            return statistic > criticalValue;
        }

        @Override
        public String toString() {
            return String.format("X^2 = %.2f, df = %d, critical value at alpha %.0e = %.2f, p-value = %.3g",
                    statistic, degreesOfFreedom, alpha, criticalValue, pValue);
        }
    }

    /**
     * Tests observed counts against expected probabilities (same indexing; probabilities sum to 1).
     * Cells expected to hold fewer than {@link #MIN_EXPECTED_COUNT} counts are pooled into one cell.
     */
    static Result test(long[] observed, double[] expectedProbabilities, double alpha) {
        if (observed.length != expectedProbabilities.length) {
            throw new IllegalArgumentException("observed and expected differ in length");
        }
        long total = 0;
        for (long count : observed) {
            total += count;
        }
        List<double[]> cells = new ArrayList<>(); // {observed, expected count}
        double pooledObserved = 0;
        double pooledExpected = 0;
        for (int i = 0; i < observed.length; i++) {
            double expected = expectedProbabilities[i] * total;
            if (expected == 0) {
                if (observed[i] > 0) {
                    // An impossible outcome happened: no amount of sampling noise explains that.
                    return new Result(Double.POSITIVE_INFINITY, 0, criticalValue(1, alpha), alpha, 0.0);
                }
            } else if (expected < MIN_EXPECTED_COUNT) {
                pooledObserved += observed[i];
                pooledExpected += expected;
            } else {
                cells.add(new double[] {observed[i], expected});
            }
        }
        if (pooledExpected > 0) {
            if (pooledExpected >= MIN_EXPECTED_COUNT || cells.isEmpty()) {
                cells.add(new double[] {pooledObserved, pooledExpected});
            } else {
                double[] smallest = cells.stream().min((a, b) -> Double.compare(a[1], b[1])).orElseThrow();
                smallest[0] += pooledObserved;
                smallest[1] += pooledExpected;
            }
        }
        if (cells.size() < 2) {
            throw new IllegalArgumentException("need at least two cells after pooling, have " + cells.size());
        }
        double statistic = 0;
        for (double[] cell : cells) {
            double deviation = cell[0] - cell[1];
            statistic += deviation * deviation / cell[1];
        }
        int degreesOfFreedom = cells.size() - 1;
        return new Result(statistic, degreesOfFreedom, criticalValue(degreesOfFreedom, alpha), alpha,
                upperTail(degreesOfFreedom, statistic));
    }

    /** The x with P(chi-square(df) > x) = alpha. */
    static double criticalValue(int degreesOfFreedom, double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
        }
        double low = 0;
        double high = Math.max(1.0, degreesOfFreedom);
        while (upperTail(degreesOfFreedom, high) > alpha) {
            low = high;
            high *= 2;
        }
        for (int i = 0; i < 200 && high - low > 1e-12 * high; i++) {
            double middle = 0.5 * (low + high);
            if (upperTail(degreesOfFreedom, middle) > alpha) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return 0.5 * (low + high);
    }

    /** P(chi-square(df) > x) = Q(df / 2, x / 2). */
    static double upperTail(int degreesOfFreedom, double x) {
        if (x <= 0) {
            return 1.0;
        }
        if (Double.isInfinite(x)) {
            return 0.0;
        }
        return regularizedGammaQ(0.5 * degreesOfFreedom, 0.5 * x);
    }

    /**
     * Regularized upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a): the power series for P = 1 - Q when
     * x < a + 1 (where it converges fast), else Lentz's continued fraction for Q (Numerical Recipes 6.2).
     */
    static double regularizedGammaQ(double a, double x) {
        double logPrefactor = -x + a * Math.log(x) - logGamma(a);
        if (x < a + 1) {
            double term = 1.0 / a;
            double sum = term;
            for (int n = 1; n < 10_000; n++) {
                term *= x / (a + n);
                sum += term;
                if (Math.abs(term) < Math.abs(sum) * 1e-16) {
                    break;
                }
            }
            return 1.0 - sum * Math.exp(logPrefactor);
        }
        double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1 / tiny;
        double d = 1 / b;
        double fraction = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = b + an / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1 / d;
            double delta = d * c;
            fraction *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(logPrefactor) * fraction;
    }

    /** ln Gamma(x) for x > 0, Lanczos approximation (g = 7, 9 terms; relative error around 1e-15). */
    static double logGamma(double x) {
        double[] coefficients = {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        if (x < 0.5) {
            // Reflection keeps the approximation in its accurate range.
            return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
        }
        x -= 1;
        double series = coefficients[0];
        for (int i = 1; i < coefficients.length; i++) {
            series += coefficients[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(series);
    }
}
