package dev.specgate.routing.speculation;

import dev.specgate.routing.KBounds;
import dev.specgate.routing.Reason;
import dev.specgate.routing.Route;
import dev.specgate.routing.acceptance.AcceptanceTracker;
import dev.specgate.routing.config.PolicyConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdaptiveKTest {

    static AdaptiveK.Settings settings(KBounds bounds, int probeEvery) {
        return new AdaptiveK.Settings(bounds, 4, 0.7, 4, 64, 16, probeEvery);
    }

    @Test
    void expectedTokensFollowsTheFormula() {
        double[] alpha = {0.8, 0.5, 0.25};
        assertEquals(1, Goodput.expectedTokens(alpha, 0), 1e-12);
        assertEquals(1 + 0.8, Goodput.expectedTokens(alpha, 1), 1e-12);
        assertEquals(1 + 0.8 + 0.4 + 0.1, Goodput.expectedTokens(alpha, 3), 1e-12);
        assertEquals(1 + 1 + 1, Goodput.expectedTokens(new double[]{1, 1}, 2), 1e-12);
        assertEquals(50, Goodput.tokensPerSecond(2, Goodput.roundMicros(2, 5_000, 20_000, 10_000)), 1e-9);
    }

    @Test
    void startsAtTheInitialKWithinBounds() {
        SpeculationChoice first = AdaptiveK.create(settings(new KBounds(1, 3), 0)).next();
        assertEquals(3, first.k());
        assertEquals(Reason.DEFAULT, first.reason());
        assertTrue(Double.isNaN(first.expectedTokensPerSecond()));
    }

    @Test
    void neverLeavesItsBounds() {
        AdaptiveK adaptive = AdaptiveK.create(settings(new KBounds(2, 3), 0));
        for (int round = 0; round < 200; round++) {
            int k = adaptive.next().k();
            assertTrue(k >= 2 && k <= 3, "k=" + k);
            adaptive.observeRound(k, 0, 10_000L * k, 20_000, 0); // hopeless acceptance: would switch off if allowed
        }
    }

    @Test
    void switchesOffWithLowAcceptanceAndProbes() {
        AdaptiveK adaptive = AdaptiveK.create(settings(new KBounds(0, 8), 4));
        SpeculationChoice choice = null;
        int probes = 0;
        for (int round = 0; round < 100; round++) {
            choice = adaptive.next();
            probes += choice.probe() ? 1 : 0;
            adaptive.observeRound(choice.k(), 0, 5_000L * choice.k(), 20_000 + 1_000L * choice.k(), 1_000);
        }
        assertTrue(probes >= 20, "probes: " + probes);
        choice = adaptive.next();
        if (choice.probe()) {
            choice = adaptive.next();
        }
        assertEquals(0, choice.k());
        assertEquals(Reason.LOW_ACCEPTANCE, choice.reason());
        assertTrue(choice.explanation().contains("no k>=1 beats verifier-only"), choice.explanation());
    }

    @Test
    void explanationCarriesTheNumbers() {
        AdaptiveK adaptive = AdaptiveK.create(settings(new KBounds(0, 8), 0));
        adaptive.observeRound(4, 4, 8_000, 30_000, 20_000);
        SpeculationChoice choice = adaptive.next();
        assertFalse(choice.probe());
        assertTrue(choice.explanation().contains("draft 2.00 ms/token"), choice.explanation());
        assertTrue(choice.explanation().contains("rtt 20.0 ms"), choice.explanation());
        assertEquals(choice.expectedTokensPerSecond(), adaptive.modelledTokensPerSecond(choice.k()), 1e-9);
    }

    @Test
    void seededSessionStartsFromTheTenantsAcceptance() {
        AcceptanceTracker tracker = new AcceptanceTracker(64);
        for (int i = 0; i < 200; i++) {
            tracker.recordRound("acme", Route.HYBRID, 4, 0);
        }
        AdaptiveK.Settings s = AdaptiveK.Settings.from(PolicyConfig.defaults(), new KBounds(0, 8));
        AdaptiveK seeded = AdaptiveK.seeded(s, tracker.snapshot("acme", Route.HYBRID).orElseThrow());
        AdaptiveK fresh = AdaptiveK.create(s);
        assertTrue(seeded.acceptanceEstimates()[0] < 0.05, "seeded α1 " + seeded.acceptanceEstimates()[0]);
        assertEquals(0.7, fresh.acceptanceEstimates()[0], 1e-12);
        // One round of the same timings: the seeded session already knows speculation does not pay.
        seeded.observeRound(4, 0, 8_000, 30_000, 1_000);
        assertEquals(0, seeded.next().k());
    }

    @Test
    void rejectsImpossibleRounds() {
        AdaptiveK adaptive = AdaptiveK.create(settings(new KBounds(0, 8), 0));
        assertThrows(IllegalArgumentException.class, () -> adaptive.observeRound(2, 3, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> adaptive.observeRound(2, 1, -1, 0, 0));
    }
}
