package dev.specgate.verifier.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.specgate.engine.sampling.Distribution;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hand-worked cases: greedy matching, scripted coin flips for the sampling rule, the residual, argument checks. */
class SpeculativeAcceptanceTest {

    private static Distribution dense(double... probabilities) {
        return Distribution.fromDenseWeights(probabilities);
    }

    private static Distribution[] ps(Distribution... distributions) {
        return distributions;
    }

    // ---- greedy ----

    @Test
    void greedyAcceptsAllMatchingTokensAndEmitsTheBonusArgmax() {
        Distribution[] p = ps(dense(0.1, 0.9, 0), dense(0.8, 0.1, 0.1), dense(0.2, 0.3, 0.5));
        Verdict verdict = SpeculativeAcceptance.verify(new int[] {1, 0}, null, p, true, null);
        assertEquals(new Verdict(2, 2, 2), verdict);
        assertTrue(verdict.bonus());
        assertArrayEquals(new int[] {1, 0, 2}, verdict.emittedTokens(new int[] {1, 0}));
    }

    @Test
    void greedyStopsAtTheFirstMismatchAndEmitsTheVerifierArgmaxThere() {
        Distribution[] p = ps(Distribution.oneHot(4), Distribution.oneHot(7), Distribution.oneHot(1), Distribution.oneHot(2));
        Verdict verdict = SpeculativeAcceptance.verify(new int[] {4, 5, 1}, null, p, true, null);
        assertEquals(new Verdict(1, 7, 3), verdict);
        assertFalse(verdict.bonus());
        assertArrayEquals(new int[] {4, 7}, verdict.emittedTokens(new int[] {4, 5, 1}));

        assertEquals(new Verdict(0, 4, 3), SpeculativeAcceptance.verify(new int[] {3, 7, 1}, null, p, true, null));
    }

    @Test
    void greedyArgmaxTiesGoToTheLowestId() {
        Distribution tied = dense(0, 0.4, 0.2, 0.4);
        assertEquals(new Verdict(0, 1, 1), SpeculativeAcceptance.verify(new int[] {3}, null, ps(tied, tied), true, null));
    }

    @Test
    void greedyWithoutDraftTokensEmitsTheArgmaxOfP1() {
        assertEquals(new Verdict(0, 2, 0), SpeculativeAcceptance.verify(new int[0], null, ps(dense(0.3, 0.1, 0.6)), true, null));
    }

    // ---- sampling, with scripted uniforms ----

    @Test
    void acceptsWithProbabilityPOverQ() {
        // x = 0 with q(0) = 1, p(0) = 0.5: accepted iff u < 0.5. On rejection the residual is max(0, p - q) = {1: 0.5},
        // i.e. token 1 whatever the second uniform is.
        Distribution[] q = {dense(1.0, 0)};
        Distribution[] p = ps(dense(0.5, 0.5), dense(0.25, 0.75));

        ScriptedUniforms accept = new ScriptedUniforms(0.49, 0.3);
        assertEquals(new Verdict(1, 1, 1), SpeculativeAcceptance.verify(new int[] {0}, q, p, false, accept));
        assertEquals(2, accept.consumed(), "one coin flip, one bonus draw");

        ScriptedUniforms bonusFromP2 = new ScriptedUniforms(0.49, 0.2);
        assertEquals(new Verdict(1, 0, 1), SpeculativeAcceptance.verify(new int[] {0}, q, p, false, bonusFromP2));

        ScriptedUniforms reject = new ScriptedUniforms(0.5, 0.0);
        assertEquals(new Verdict(0, 1, 1), SpeculativeAcceptance.verify(new int[] {0}, q, p, false, reject));
        assertEquals(2, reject.consumed(), "one coin flip, one correction draw");
    }

    @Test
    void tokensTheVerifierLikesAtLeastAsMuchAreAlwaysAccepted() {
        // p(x) >= q(x) -> ratio >= 1, accepted even for the largest uniform.
        Distribution[] q = {dense(0.5, 0.5), dense(0.9, 0.1)};
        Distribution[] p = ps(dense(0.2, 0.8), dense(0.1, 0.9), dense(1.0, 0));
        ScriptedUniforms uniforms = new ScriptedUniforms(Math.nextDown(1.0), Math.nextDown(1.0), 0.7);
        assertEquals(new Verdict(2, 0, 2), SpeculativeAcceptance.verify(new int[] {1, 1}, q, p, false, uniforms));
        assertEquals(3, uniforms.consumed());
    }

    @Test
    void tokensOutsideTheVerifierSupportAreAlwaysRejected() {
        // p(2) = 0 -> rejected even for u = 0. q puts nothing on p's support, so the residual is p itself:
        // {0: 0.625, 1: 0.375}, and u = 0.7 picks token 1.
        Distribution[] q = {dense(0, 0, 1.0)};
        Distribution[] p = ps(dense(0.625, 0.375, 0), dense(1));
        assertEquals(new Verdict(0, 1, 1), SpeculativeAcceptance.verify(new int[] {2}, q, p, false, new ScriptedUniforms(0.0, 0.7)));
    }

    @Test
    void withoutDraftTokensOneTokenIsSampledFromP1() {
        ScriptedUniforms uniforms = new ScriptedUniforms(0.6);
        assertEquals(new Verdict(0, 2, 0),
                SpeculativeAcceptance.verify(new int[0], new Distribution[0], ps(dense(0.25, 0.25, 0.5)), false, uniforms));
        assertEquals(1, uniforms.consumed());
    }

    // ---- residual ----

    @Test
    void exactResidualIsTheNormalisedPositivePartOfPMinusQ() {
        Distribution p = Distribution.fromWeights(new int[] {0, 1, 2}, new double[] {0.5, 0.3, 0.2});
        Distribution q = Distribution.fromWeights(new int[] {0, 1}, new double[] {0.7, 0.3});
        assertEquals(Distribution.oneHot(2), Residual.EXACT.correction(p, q));

        // q's extra mass on token 3 (outside p) adds nothing; {0: 0.3, 1: 0.3} normalises to halves.
        Distribution p2 = Distribution.fromWeights(new int[] {0, 1}, new double[] {0.5, 0.5});
        Distribution q2 = Distribution.fromWeights(new int[] {0, 1, 3}, new double[] {0.2, 0.2, 0.6});
        Distribution residual = Residual.EXACT.correction(p2, q2);
        assertArrayEquals(new int[] {0, 1}, residual.support());
        assertEquals(0.5, residual.prob(0), 1e-12);
    }

    @Test
    void exactResidualFallsBackToPWhenPEqualsQ() {
        Distribution p = dense(0.25, 0.75);
        assertEquals(p, Residual.EXACT.correction(p, dense(0.25, 0.75)));
        assertEquals(p, Residual.WRONG_USE_P.correction(p, dense(1.0, 0)));
    }

    // ---- reproducibility and argument checks ----

    @Test
    void sameSeedReproducesTheVerdictsAndAnotherSeedDoesNot() {
        ToyLanguageModel model = new ToyLanguageModel(5L);
        assertEquals(runRounds(model, 77L), runRounds(model, 77L));
        assertNotEquals(runRounds(model, 77L), runRounds(model, 78L));
    }

    private static List<Verdict> runRounds(ToyLanguageModel model, long seed) {
        SplittableRandom draftRng = new SplittableRandom(1L); // same drafts every run; only the verifier seed varies
        SplittableRandom verifierRng = new SplittableRandom(seed);
        List<Verdict> verdicts = new ArrayList<>();
        int previous = ToyLanguageModel.START;
        for (int round = 0; round < 200; round++) {
            int[] draft = new int[3];
            Distribution[] q = new Distribution[3];
            Distribution[] p = new Distribution[4];
            int context = previous;
            for (int i = 0; i < 3; i++) {
                q[i] = model.draft(context);
                p[i] = model.target(context);
                draft[i] = q[i].sample(draftRng.nextDouble());
                context = draft[i];
            }
            p[3] = model.target(context);
            Verdict verdict = SpeculativeAcceptance.verify(draft, q, p, false, verifierRng);
            verdicts.add(verdict);
            previous = verdict.nextToken();
        }
        return verdicts;
    }

    @Test
    void rejectsInconsistentArguments() {
        Distribution d = dense(0.5, 0.5);
        assertThrows(IllegalArgumentException.class,
                () -> SpeculativeAcceptance.verify(new int[] {0}, new Distribution[] {d}, ps(d), false, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class,
                () -> SpeculativeAcceptance.verify(new int[] {0}, new Distribution[0], ps(d, d), false, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class,
                () -> SpeculativeAcceptance.verify(new int[] {0}, null, ps(d, d), false, new SplittableRandom(1)));
        assertThrows(NullPointerException.class,
                () -> SpeculativeAcceptance.verify(new int[] {0}, new Distribution[] {d}, ps(d, d), false, null));
        // A draft token the draft gave no mass cannot have been sampled from it.
        assertThrows(IllegalArgumentException.class, () -> SpeculativeAcceptance.verify(
                new int[] {1}, new Distribution[] {Distribution.oneHot(0)}, ps(d, d), false, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> new Verdict(3, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new Verdict(1, 0, 2).emittedTokens(new int[] {1}));
    }
}
