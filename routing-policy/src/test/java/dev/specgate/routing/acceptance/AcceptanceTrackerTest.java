package dev.specgate.routing.acceptance;

import dev.specgate.routing.Route;
import dev.specgate.routing.stats.HalfLife;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceptanceTrackerTest {

    static final double EPS = 1e-12;

    @Test
    void halfLifeHalvesTheWeight() {
        double decay = HalfLife.decayPerRound(10);
        assertEquals(0.5, Math.pow(decay, 10), EPS);
        assertThrows(IllegalArgumentException.class, () -> HalfLife.decayPerRound(0));
    }

    @Test
    void positionsAreConditionalOnReachingThem() {
        PositionalAcceptance counts = new PositionalAcceptance(1.0); // no decay: plain counts
        counts.record(4, 4); // positions 1-4 reached and accepted
        counts.record(4, 1); // 1 accepted, 2 reached and rejected, 3-4 not reached
        counts.record(4, 0); // 1 reached and rejected
        // α1 = 2/3, α2 = 1/2, α3 = 1/1, α4 = 1/1 (tiny prior weight to read raw ratios)
        assertArrayEquals(new double[]{2.0 / 3, 0.5, 1, 1}, counts.alphas(4, 0.5, 1e-9, null), 1e-6);
        assertEquals(5.0 / 12, counts.tokenAcceptance(), EPS);
        assertEquals(3, counts.effectiveRounds(), EPS);
    }

    @Test
    void weightsDecayByHalfLife() {
        // Half-life 1 round: each older round weighs half the next. Rounds: all-rejected, then all-accepted.
        PositionalAcceptance counts = new PositionalAcceptance(HalfLife.decayPerRound(1));
        counts.record(2, 0);
        counts.record(2, 2);
        // α1: accepted 0·½ + 1 = 1, reached 1·½ + 1 = 1.5 → 2/3. Token acceptance: 2 / (2·½ + 2) = 2/3.
        assertEquals(2.0 / 3, counts.alphas(1, 0.5, 1e-12, null)[0], 1e-9);
        assertEquals(2.0 / 3, counts.tokenAcceptance(), EPS);
        assertEquals(1.5, counts.effectiveRounds(), EPS);
    }

    @Test
    void priorShrinksAndUnseenPositionsInheritThePreviousEstimate() {
        PositionalAcceptance counts = new PositionalAcceptance(1.0);
        double[] none = counts.alphas(3, 0.7, 4, null);
        assertArrayEquals(new double[]{0.7, 0.7, 0.7}, none, EPS);
        for (int i = 0; i < 4; i++) {
            counts.record(1, 0); // only position 1 ever tried, always rejected
        }
        double[] alpha = counts.alphas(3, 0.7, 4, null);
        assertEquals((0 + 4 * 0.7) / (4 + 4), alpha[0], EPS);
        assertEquals(alpha[0], alpha[1], EPS, "position 2 was never reached: it inherits position 1");
        assertEquals(alpha[0], alpha[2], EPS);
    }

    @Test
    void roundsWithoutDraftingCarryNoInformation() {
        PositionalAcceptance counts = new PositionalAcceptance(0.5);
        counts.record(2, 2);
        counts.record(0, 0);
        assertEquals(1, counts.effectiveRounds(), EPS);
        assertThrows(IllegalArgumentException.class, () -> counts.record(2, 3));
        assertThrows(IllegalArgumentException.class, () -> counts.record(33, 0));
    }

    @Test
    void trackerKeepsTenantsAndRoutesApart() {
        AcceptanceTracker tracker = new AcceptanceTracker(50);
        assertTrue(tracker.snapshot("a", Route.HYBRID).isEmpty());
        tracker.recordRound("a", Route.HYBRID, 4, 4);
        tracker.recordRound("b", Route.HYBRID, 4, 0);
        assertEquals(1.0, tracker.snapshot("a", Route.HYBRID).orElseThrow().tokenAcceptance(), EPS);
        assertEquals(0.0, tracker.snapshot("b", Route.HYBRID).orElseThrow().tokenAcceptance(), EPS);
        assertTrue(tracker.snapshot("a", Route.CLOUD).isEmpty());
        tracker.forget("a");
        assertTrue(tracker.snapshot("a", Route.HYBRID).isEmpty());
    }

    @Test
    void snapshotIsACopy() {
        AcceptanceTracker tracker = new AcceptanceTracker(50);
        tracker.recordRound("a", Route.HYBRID, 4, 4);
        AcceptanceSnapshot before = tracker.snapshot("a", Route.HYBRID).orElseThrow();
        tracker.recordRound("a", Route.HYBRID, 4, 0);
        assertEquals(1.0, before.tokenAcceptance(), EPS);
        assertEquals(1.0, before.positionAcceptance(1, 0.5, 1e-12)[0], 1e-9);
    }

    @Test
    void concurrentRecordingLosesNothing() throws InterruptedException {
        AcceptanceTracker tracker = new AcceptanceTracker(1e12); // practically no decay: counts add up (to within 1e-3 of a round)
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    tracker.recordRound("a", Route.HYBRID, 2, 1);
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(40_000, tracker.snapshot("a", Route.HYBRID).orElseThrow().effectiveRounds(), 0.1);
    }
}
