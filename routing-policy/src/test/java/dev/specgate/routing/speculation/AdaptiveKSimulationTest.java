package dev.specgate.routing.speculation;

import dev.specgate.routing.KBounds;
import dev.specgate.routing.Route;
import dev.specgate.routing.acceptance.AcceptanceTracker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AdaptiveK against a synthetic world whose parameters are known, so the best fixed k and its goodput can be
 * computed exactly. The adaptive policy is scored by the goodput its chosen ks would have in expectation
 * (Σ E[tokens | k_t] / Σ E[time | k_t] over the measured rounds): the choices are what is being judged, and
 * scoring them in expectation keeps the acceptance coin flips out of the verdict.
 */
class AdaptiveKSimulationTest {

    /** A world: acceptance per position, draft step, verify time a + b·k, rtt; times in µs, ±10% noise. */
    record World(double[] alpha, double draftStep, double verifyBase, double verifyPerToken, double rtt) {

        double expectedTokens(int k) {
            return Goodput.expectedTokens(alpha, k);
        }

        double roundMicros(int k) {
            return Goodput.roundMicros(k, draftStep, verifyBase + verifyPerToken * k, rtt);
        }

        double goodput(int k) {
            return Goodput.tokensPerSecond(expectedTokens(k), roundMicros(k));
        }

        int bestFixedK(KBounds bounds) {
            int best = bounds.min();
            for (int k = bounds.min(); k <= bounds.max(); k++) {
                if (goodput(k) > goodput(best)) {
                    best = k;
                }
            }
            return best;
        }
    }

    /** Outcome of running AdaptiveK for a number of rounds in a world. */
    record Run(double expectedGoodput, int lastK, double fractionAtZero) {
    }

    static final KBounds BOUNDS = new KBounds(0, 12);

    static AdaptiveK.Settings settings() {
        return new AdaptiveK.Settings(BOUNDS, 4, 0.7, 4, 64, 16, 32);
    }

    static Run run(World world, AdaptiveK adaptive, long seed, int warmupRounds, int measuredRounds) {
        SplittableRandom random = new SplittableRandom(seed);
        double tokens = 0;
        double micros = 0;
        int atZero = 0;
        int lastK = -1;
        for (int round = 0; round < warmupRounds + measuredRounds; round++) {
            int k = adaptive.next().k();
            int accepted = 0;
            while (accepted < k && random.nextDouble() < world.alpha()[accepted]) {
                accepted++;
            }
            long draft = Math.round(k * world.draftStep() * noise(random));
            long verify = Math.round((world.verifyBase() + world.verifyPerToken() * k) * noise(random));
            long rtt = Math.round(world.rtt() * noise(random));
            adaptive.observeRound(k, accepted, draft, verify, rtt);
            if (round >= warmupRounds) {
                tokens += world.expectedTokens(k);
                micros += world.roundMicros(k);
                atZero += k == 0 ? 1 : 0;
                lastK = k;
            }
        }
        return new Run(Goodput.tokensPerSecond(tokens, micros), lastK, (double) atZero / measuredRounds);
    }

    static double noise(SplittableRandom random) {
        return 0.9 + 0.2 * random.nextDouble();
    }

    static double[] constant(double alpha) {
        double[] values = new double[KBounds.HARD_MAX];
        java.util.Arrays.fill(values, alpha);
        return values;
    }

    /** Acceptance falling with depth, as real drafts do: 0.9, 0.87, 0.84, ... */
    static double[] decaying(double first, double step) {
        double[] values = new double[KBounds.HARD_MAX];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.max(0.05, first - step * i);
        }
        return values;
    }

    @ParameterizedTest(name = "rtt {0} ms, constant alpha 0.8")
    @ValueSource(ints = {0, 20, 80})
    void convergesNearBestFixedKWithConstantAcceptance(int rttMs) {
        assertNearOptimal(new World(constant(0.8), 3_000, 25_000, 2_000, rttMs * 1_000.0));
    }

    @ParameterizedTest(name = "rtt {0} ms, acceptance falling with position")
    @ValueSource(ints = {0, 20, 80})
    void convergesNearBestFixedKWithFallingAcceptance(int rttMs) {
        assertNearOptimal(new World(decaying(0.92, 0.04), 2_000, 20_000, 3_000, rttMs * 1_000.0));
    }

    @ParameterizedTest(name = "rtt {0} ms, cheap verification")
    @ValueSource(ints = {0, 20, 80})
    void convergesNearBestFixedKWhenDraftDominates(int rttMs) {
        // A slow draft and a fast verifier: no speculation wins at rtt 0, k = 2 at 20 ms, k = 4 at 80 ms.
        assertNearOptimal(new World(constant(0.7), 8_000, 10_000, 500, rttMs * 1_000.0));
    }

    private static void assertNearOptimal(World world) {
        int bestK = world.bestFixedK(BOUNDS);
        for (long seed = 1; seed <= 3; seed++) {
            Run run = run(world, AdaptiveK.create(settings()), seed, 300, 2_000);
            double ratio = run.expectedGoodput() / world.goodput(bestK);
            assertTrue(ratio >= 0.95, String.format(
                    "seed %d: adaptive %.2f tokens/s is %.1f%% of best fixed k=%d (%.2f tokens/s), last k=%d",
                    seed, run.expectedGoodput(), 100 * ratio, bestK, world.goodput(bestK), run.lastK()));
        }
    }

    @ParameterizedTest(name = "rtt {0} ms, alpha 0.05")
    @ValueSource(ints = {0, 20})
    void switchesSpeculationOffWhenAcceptanceIsLow(int rttMs) {
        World world = new World(constant(0.05), 3_000, 25_000, 2_000, rttMs * 1_000.0);
        assertEquals(0, world.bestFixedK(BOUNDS), "the world itself must favour k = 0");
        Run run = run(world, AdaptiveK.create(settings()), 7, 300, 2_000);
        // Probes (one round in 32 at k = 1) are the only rounds that speculate.
        assertTrue(run.fractionAtZero() >= 0.95, "fraction of rounds at k = 0: " + run.fractionAtZero());
        assertTrue(run.expectedGoodput() >= 0.95 * world.goodput(0));
    }

    @ParameterizedTest(name = "rtt {0} ms")
    @ValueSource(ints = {0, 20, 80})
    void adaptsWhenAcceptanceDrops(int rttMs) {
        // Same session, the traffic changes: high acceptance, then low. The second half must re-converge.
        World before = new World(constant(0.9), 3_000, 25_000, 2_000, rttMs * 1_000.0);
        World after = new World(constant(0.3), 3_000, 25_000, 2_000, rttMs * 1_000.0);
        AdaptiveK adaptive = AdaptiveK.create(settings());
        run(before, adaptive, 11, 0, 1_000);
        Run run = run(after, adaptive, 12, 300, 2_000);
        int bestK = after.bestFixedK(BOUNDS);
        assertTrue(run.expectedGoodput() >= 0.95 * after.goodput(bestK),
                "after the drop: " + run + " vs best fixed k=" + bestK + " " + after.goodput(bestK));
    }

    @ParameterizedTest(name = "rtt {0} ms, short sessions")
    @ValueSource(ints = {0, 20, 80})
    void shortSessionsSharingTimingsAndAcceptanceGetNearBestFixedK(int rttMs) {
        // What a gateway sees: sessions of a couple of dozen rounds, each new one seeded with the tenant's observed
        // acceptance and pooling round times with the others; a CPU-like verifier whose time grows with k.
        World world = new World(decaying(0.75, 0.06), 700, 1_500, 400, 3_000 + rttMs * 1_000.0);
        int bestK = world.bestFixedK(BOUNDS);
        AcceptanceTracker tracker = new AcceptanceTracker(() -> 64);
        RoundTimings timings = new RoundTimings(16);
        double tokens = 0;
        double micros = 0;
        SplittableRandom random = new SplittableRandom(5);
        for (int session = 0; session < 200; session++) {
            AdaptiveK adaptive = tracker.snapshot("t", Route.HYBRID)
                    .map(seen -> AdaptiveK.seeded(settings(), seen, timings))
                    .orElseGet(() -> AdaptiveK.create(settings(), timings));
            for (int round = 0; round < 24; round++) {
                int k = adaptive.next().k();
                int accepted = 0;
                while (accepted < k && random.nextDouble() < world.alpha()[accepted]) {
                    accepted++;
                }
                adaptive.observeRound(k, accepted, Math.round(k * world.draftStep() * noise(random)),
                        Math.round((world.verifyBase() + world.verifyPerToken() * k) * noise(random)),
                        Math.round(world.rtt() * noise(random)));
                tracker.recordRound("t", Route.HYBRID, k, accepted);
                tokens += world.expectedTokens(k);
                micros += world.roundMicros(k);
            }
        }
        double ratio = Goodput.tokensPerSecond(tokens, micros) / world.goodput(bestK);
        assertTrue(ratio >= 0.95, String.format("adaptive is %.1f%% of best fixed k=%d", 100 * ratio, bestK));
    }

    @org.junit.jupiter.api.Test
    void oneRoundAloneAlreadyMakesLargerKCostMoreToVerify() {
        RoundTimings timings = new RoundTimings(16);
        timings.observe(4, 2_000, 5_000, 1_000);
        assertTrue(timings.roundMicros(8) - timings.roundMicros(4) > 4 * 500 + 1_000,
                "4 more draft steps and more verification: " + timings.describe());
    }
}
