package dev.specgate.routing.stats;

/**
 * Exponentially weighted least-squares fit of {@code y = a + b·x}, for verification time as a function of k.
 *
 * <p>Speculation tends to settle on one k, and then the data say nothing about the slope. Plain least squares
 * would then be undefined (or wild, from noise); instead each update pulls the slope towards the previous
 * estimate with a fixed weight, so the slope is the least-squares one when the observed x values spread, and
 * stays where it was when they do not. The slope is kept >= 0: verifying more tokens never costs less.
 * Not thread-safe.
 */
public final class DecayingLinearFit {

    /** How much the previous slope counts, in units of x-variance times weight. */
    private static final double SLOPE_ANCHOR = 0.5;

    private final double decay;
    private double w;
    private double sumX;
    private double sumY;
    private double sumXX;
    private double sumXY;
    private double slope;

    public DecayingLinearFit(double halfLifeRounds, double initialSlope) {
        this.decay = HalfLife.decayPerRound(halfLifeRounds);
        this.slope = Math.max(0, initialSlope);
    }

    public void add(double x, double y) {
        w = decay * w + 1;
        sumX = decay * sumX + x;
        sumY = decay * sumY + y;
        sumXX = decay * sumXX + x * x;
        sumXY = decay * sumXY + x * y;
        double centredXX = Math.max(0, sumXX - sumX * sumX / w);
        double centredXY = sumXY - sumX * sumY / w;
        slope = Math.max(0, (centredXY + SLOPE_ANCHOR * slope) / (centredXX + SLOPE_ANCHOR));
    }

    /** The slope the fit starts from, before any data (then data pull it away as x values spread). */
    public void startSlope(double initialSlope) {
        if (w > 0) {
            throw new IllegalStateException("the fit already has data");
        }
        slope = Math.max(0, initialSlope);
    }

    public boolean hasData() {
        return w > 0;
    }

    public double slope() {
        return slope;
    }

    /** The intercept that makes the line pass through the weighted mean of the data. */
    public double intercept() {
        return w > 0 ? sumY / w - slope * (sumX / w) : 0;
    }

    /** Predicted y at x, never negative. */
    public double predict(double x) {
        return Math.max(0, intercept() + slope * x);
    }
}
