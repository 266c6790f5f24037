package dev.specgate.verifier.spec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.specgate.engine.sampling.Distribution;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The defining property of exact speculative decoding: whatever the draft proposes, the emitted tokens are distributed
 * exactly as the verifier's distribution. Simulates whole speculative steps on {@link ToyLanguageModel} (draft samples
 * x ~ q, verifier decides) and compares emitted-token frequencies with p by Pearson's chi-square test.
 *
 * <p>False alarms: each test of the exact algorithm rejects a correct implementation with probability at most
 * {@link #ALPHA} = 1e-3 over the choice of seed (asymptotically; every cell expects >= 5 counts). There are four such
 * checks here (first token, first two tokens, k = 0, acceptance rate), so a correct implementation fails this class
 * for a random seed with probability at most 4e-3 (Bonferroni). The seeds are fixed constants picked before the first
 * run and not re-rolled, so the outcome is deterministic and the bound is honest.
 *
 * <p>Power: with 200k samples the deliberately wrong residual ({@link Residual#WRONG_USE_P}) shifts the first-token
 * distribution by a noncentrality far beyond the critical value (printed by the tests), so it is caught with
 * probability indistinguishable from 1; the tests run both strategies on identical random streams.
 */
class SpeculativeDistributionEquivalenceTest {

    private static final double ALPHA = 1e-3;
    private static final int SAMPLES = 200_000;
    private static final int V = ToyLanguageModel.VOCAB;
    private static final ToyLanguageModel MODEL = new ToyLanguageModel(20_240_601L);

    /** One speculative round after {@code previous}: the draft samples k tokens, the verifier decides. */
    private static int[] speculativeRound(int previous, int k, RandomGenerator draftRng, RandomGenerator verifierRng,
                                          Residual residual) {
        int[] draftTokens = new int[k];
        Distribution[] q = new Distribution[k];
        Distribution[] p = new Distribution[k + 1];
        int context = previous;
        for (int i = 0; i < k; i++) {
            q[i] = MODEL.draft(context);
            p[i] = MODEL.target(context);
            draftTokens[i] = q[i].sample(draftRng.nextDouble());
            context = draftTokens[i];
        }
        p[k] = MODEL.target(context);
        Verdict verdict = SpeculativeAcceptance.verify(draftTokens, q, p, false, verifierRng, residual);
        return verdict.emittedTokens(draftTokens);
    }

    private static long[] firstTokenCounts(int k, Residual residual, long seed) {
        SplittableRandom draftRng = new SplittableRandom(seed);
        SplittableRandom verifierRng = draftRng.split();
        long[] counts = new long[V];
        for (int n = 0; n < SAMPLES; n++) {
            counts[speculativeRound(ToyLanguageModel.START, k, draftRng, verifierRng, residual)[0]]++;
        }
        return counts;
    }

    /** Counts of (first, second) emitted token, index first * V + second; runs a second round when the first emits one. */
    private static long[] firstTwoTokenCounts(int k, Residual residual, long seed) {
        SplittableRandom draftRng = new SplittableRandom(seed);
        SplittableRandom verifierRng = draftRng.split();
        long[] counts = new long[V * V];
        for (int n = 0; n < SAMPLES; n++) {
            int[] emitted = speculativeRound(ToyLanguageModel.START, k, draftRng, verifierRng, residual);
            int first = emitted[0];
            int second = emitted.length > 1
                    ? emitted[1]
                    : speculativeRound(first, k, draftRng, verifierRng, residual)[0];
            counts[first * V + second]++;
        }
        return counts;
    }

    private static double[] dense(Distribution distribution) {
        double[] probabilities = new double[V];
        for (int token = 0; token < V; token++) {
            probabilities[token] = distribution.prob(token);
        }
        return probabilities;
    }

    /** p_1(x) * p_2(y | x), index x * V + y. */
    private static double[] targetJoint() {
        double[] joint = new double[V * V];
        for (int x = 0; x < V; x++) {
            for (int y = 0; y < V; y++) {
                joint[x * V + y] = MODEL.target(ToyLanguageModel.START).prob(x) * MODEL.target(x).prob(y);
            }
        }
        return joint;
    }

    @Test
    void fixtureDraftDiffersFromTargetAndMissesTokensTheTargetCanEmit() {
        Distribution p = MODEL.target(ToyLanguageModel.START);
        Distribution q = MODEL.draft(ToyLanguageModel.START);
        int missing = 0;
        double totalVariation = 0;
        for (int token = 0; token < V; token++) {
            if (p.prob(token) > 0 && q.prob(token) == 0) {
                missing++;
            }
            totalVariation += 0.5 * Math.abs(p.prob(token) - q.prob(token));
        }
        System.out.printf("fixture: p_1 support %d, q_1 support %d, %d target tokens outside q, TV(p, q) = %.3f%n",
                p.size(), q.size(), missing, totalVariation);
        assertTrue(missing >= 2, "q should miss tokens p can emit");
        assertTrue(totalVariation > 0.2, "q should be deliberately different from p, TV = " + totalVariation);
    }

    @Test
    void firstEmittedTokenIsDistributedAsTheTarget() {
        ChiSquareGoodnessOfFit.Result result = ChiSquareGoodnessOfFit.test(
                firstTokenCounts(4, Residual.EXACT, 11L), dense(MODEL.target(ToyLanguageModel.START)), ALPHA);
        System.out.println("first token, exact residual, k = 4: " + result);
        assertFalse(result.rejects(), result.toString());
    }

    @Test
    void wrongResidualIsCaughtOnTheFirstToken() {
        Distribution p = MODEL.target(ToyLanguageModel.START);
        Distribution q = MODEL.draft(ToyLanguageModel.START);
        ChiSquareGoodnessOfFit.Result result = ChiSquareGoodnessOfFit.test(
                firstTokenCounts(4, Residual.WRONG_USE_P, 11L), dense(p), ALPHA);
        System.out.printf("first token, WRONG_USE_P, k = 4: %s; expected noncentrality %.0f%n",
                result, wrongResidualNoncentrality(p, q));
        assertTrue(result.rejects(), result.toString());
    }

    /**
     * With WRONG_USE_P the first token is x_1 w.p. min(p, q) and otherwise a fresh sample of p, so it follows
     * min(p, q) + (1 - beta) p with beta = sum min(p, q). The test's noncentrality is n * sum (that - p)^2 / p.
     */
    private static double wrongResidualNoncentrality(Distribution p, Distribution q) {
        double beta = 0;
        for (int token = 0; token < V; token++) {
            beta += Math.min(p.prob(token), q.prob(token));
        }
        double noncentrality = 0;
        for (int token = 0; token < V; token++) {
            double target = p.prob(token);
            if (target > 0) {
                double wrong = Math.min(target, q.prob(token)) + (1 - beta) * target;
                noncentrality += SAMPLES * (wrong - target) * (wrong - target) / target;
            }
        }
        return noncentrality;
    }

    @Test
    void firstTwoEmittedTokensAreJointlyDistributedAsTheTarget() {
        ChiSquareGoodnessOfFit.Result result = ChiSquareGoodnessOfFit.test(
                firstTwoTokenCounts(2, Residual.EXACT, 23L), targetJoint(), ALPHA);
        System.out.println("first two tokens, exact residual, k = 2: " + result);
        assertFalse(result.rejects(), result.toString());
    }

    @Test
    void wrongResidualIsCaughtOnTheFirstTwoTokens() {
        ChiSquareGoodnessOfFit.Result result = ChiSquareGoodnessOfFit.test(
                firstTwoTokenCounts(2, Residual.WRONG_USE_P, 23L), targetJoint(), ALPHA);
        System.out.println("first two tokens, WRONG_USE_P, k = 2: " + result);
        assertTrue(result.rejects(), result.toString());
    }

    @Test
    void withoutDraftTokensTheVerifierSamplesTheTarget() {
        ChiSquareGoodnessOfFit.Result result = ChiSquareGoodnessOfFit.test(
                firstTokenCounts(0, Residual.EXACT, 37L), dense(MODEL.target(ToyLanguageModel.START)), ALPHA);
        System.out.println("first token, k = 0: " + result);
        assertFalse(result.rejects(), result.toString());
    }

    /** x_1 is accepted with probability beta = sum_x min(p(x), q(x)); a two-sided z-test at the same alpha. */
    @Test
    void firstDraftTokenIsAcceptedAtTheTheoreticalRate() {
        Distribution p = MODEL.target(ToyLanguageModel.START);
        Distribution q = MODEL.draft(ToyLanguageModel.START);
        double beta = 0;
        for (int token = 0; token < V; token++) {
            beta += Math.min(p.prob(token), q.prob(token));
        }
        SplittableRandom draftRng = new SplittableRandom(41L);
        SplittableRandom verifierRng = draftRng.split();
        long accepted = 0;
        for (int n = 0; n < SAMPLES; n++) {
            int x = q.sample(draftRng.nextDouble());
            Verdict verdict = SpeculativeAcceptance.verify(new int[] {x}, new Distribution[] {q},
                    new Distribution[] {p, MODEL.target(x)}, false, verifierRng);
            accepted += verdict.acceptedCount();
        }
        double z = (accepted - SAMPLES * beta) / Math.sqrt(SAMPLES * beta * (1 - beta));
        // 3.2905 is the two-sided 1e-3 normal quantile.
        System.out.printf("acceptance rate %.4f vs beta %.4f, z = %.2f%n", (double) accepted / SAMPLES, beta, z);
        assertTrue(Math.abs(z) < 3.2905, "z = " + z);
    }
}
