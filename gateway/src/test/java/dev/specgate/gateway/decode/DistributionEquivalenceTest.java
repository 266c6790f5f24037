package dev.specgate.gateway.decode;

import dev.specgate.draft.DraftEngine;
import dev.specgate.draft.SamplingParamsProto;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.Distribution;
import dev.specgate.engine.sampling.Sampler;
import dev.specgate.proto.v1.SamplingParams;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Speculative sampling end to end follows the verifier's distribution exactly: over many seeds, the first generated
 * token, and the first two, are distributed as the verifier's own p computed directly from its logits.
 *
 * <p>Pearson chi-square goodness of fit at alpha = 1e-3 (critical value by the Wilson–Hilferty approximation); a bin
 * per outcome whose expected count is at least 5, all other outcomes merged into one bin. Each generation asks for
 * 3 tokens with k = 2, so the first two tokens come from one round: accepted drafts, the residual after a
 * rejection, or the bonus token, which exercises every path of the acceptance rule.
 */
class DistributionEquivalenceTest {
    static final int NONE = -1;
    static final double Z_999 = 3.090232; // standard normal quantile at 1 - 1e-3
    static Model draftModel;
    static Model verifierModel;
    static final int[] PROMPT = {300, 261, 345, 828, 324, 690, 4049, 548, 4049}; // "And the LORD spake unto Moses, saying,"

    @BeforeAll
    static void load() throws Exception {
        draftModel = Model.load(TestModels.path(Fixtures.DRAFT));
        verifierModel = Model.load(TestModels.path(Fixtures.VERIFIER));
    }

    @AfterAll
    static void close() {
        if (draftModel != null) {
            draftModel.close();
        }
        if (verifierModel != null) {
            verifierModel.close();
        }
    }

    @Test
    void temperatureOne() throws Exception {
        check(SamplingParams.newBuilder().setTemperature(1f).build(), 3000);
    }

    @Test
    void topKAndTopP() throws Exception {
        check(SamplingParams.newBuilder().setTemperature(0.8f).setTopK(40).setTopP(0.9f).build(), 2000);
    }

    private void check(SamplingParams sampling, int runs) throws Exception {
        List<int[]> firstTwo = new ArrayList<>();
        long drafted = 0;
        long accepted = 0;
        try (DraftEngine draft = new DraftEngine(draftModel);
             VerifierEngine verifier = new VerifierEngine(verifierModel, VerifierConfig.defaults());
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            SpeculativeDecoder decoder = SpeculativeDecoder.create(new InProcessDraftChannel(draft),
                    new InProcessVerifierChannel(verifier));
            List<Future<DecodeResult>> futures = new ArrayList<>();
            for (int seed = 1; seed <= runs; seed++) {
                SamplingParams seeded = sampling.toBuilder().setSeed(seed).build();
                futures.add(pool.submit(() -> decoder.generate(new DecodeRequest(PROMPT, 3, seeded, 2))));
            }
            for (Future<DecodeResult> f : futures) {
                DecodeResult r = f.get();
                // An end-of-sequence first token ends the generation: its pair is (eos, none).
                firstTwo.add(new int[] {r.ids()[0], r.ids().length > 1 ? r.ids()[1] : NONE});
                drafted += r.draftedTokens();
                accepted += r.acceptedTokens();
            }
        }
        assertTrue(accepted > 0 && accepted < drafted, "both acceptance and rejection happened: " + accepted + "/" + drafted);

        // The verifier's exact p_1 and p(x1, x2) = p_1(x1) p_2(x2 | x1), from its logits.
        var params = SamplingParamsProto.toEngine(sampling);
        Map<Long, Double> pairP = new HashMap<>();
        Map<Long, Double> firstP = new HashMap<>();
        try (KVCache cache = verifierModel.newCache()) {
            Distribution p1 = new Sampler(params).distribution(verifierModel.forward(cache, PROMPT), PROMPT);
            for (int i = 0; i < p1.size(); i++) {
                int x1 = p1.idAt(i);
                firstP.put((long) x1, p1.probAt(i));
                if (x1 == verifierModel.tokenizer().eos()) {
                    pairP.put(pair(x1, NONE), p1.probAt(i));
                    continue;
                }
                if (p1.probAt(i) * runs < 5) {
                    continue; // its pairs all fall into the merged bin: no need for p_2
                }
                cache.truncate(PROMPT.length);
                int[] history = java.util.Arrays.copyOf(PROMPT, PROMPT.length + 1);
                history[PROMPT.length] = x1;
                Distribution p2 = new Sampler(params).distribution(verifierModel.forward(cache, x1), history);
                for (int j = 0; j < p2.size(); j++) {
                    pairP.put(pair(x1, p2.idAt(j)), p1.probAt(i) * p2.probAt(j));
                }
            }
        }
        Map<Long, Integer> firstCounts = new HashMap<>();
        Map<Long, Integer> pairCounts = new HashMap<>();
        for (int[] t : firstTwo) {
            firstCounts.merge((long) t[0], 1, Integer::sum);
            pairCounts.merge(pair(t[0], t[1]), 1, Integer::sum);
        }
        assertFits("first token", firstP, firstCounts, runs);
        assertFits("first two tokens", pairP, pairCounts, runs);
    }

    static long pair(int x1, int x2) {
        return ((long) x1 << 32) | (x2 & 0xFFFFFFFFL);
    }

    /** Pearson chi-square of observed counts against probabilities (outcomes missing from probs are in "other"). */
    static void assertFits(String what, Map<Long, Double> probs, Map<Long, Integer> counts, int n) {
        double chi2 = 0;
        int bins = 0;
        double otherExpected = n;
        long otherObserved = n;
        for (var e : probs.entrySet()) {
            double expected = e.getValue() * n;
            if (expected >= 5) {
                int observed = counts.getOrDefault(e.getKey(), 0);
                chi2 += (observed - expected) * (observed - expected) / expected;
                if ((observed - expected) * (observed - expected) / expected > 4) {
                    System.out.printf("  %s %d/%d: observed %d expected %.1f%n", what, e.getKey() >> 32, (int) (long) e.getKey(), observed, expected);
                }
                bins++;
                otherExpected -= expected;
                otherObserved -= observed;
            }
        }
        if (otherExpected >= 1e-9) {
            chi2 += (otherObserved - otherExpected) * (otherObserved - otherExpected) / otherExpected;
            bins++;
        } else {
            assertEquals(0, otherObserved, what + ": outcomes the verifier gives no probability");
        }
        int df = bins - 1;
        double h = 2.0 / (9 * df);
        double critical = df * Math.pow(1 - h + Z_999 * Math.sqrt(h), 3);
        System.out.printf("%s: chi2 = %.2f, df = %d, critical(1e-3) = %.2f%n", what, chi2, df, critical);
        assertTrue(df >= 2, what + ": too few bins to test");
        assertTrue(chi2 < critical, what + ": chi2 " + chi2 + " >= " + critical + " with " + df + " degrees of freedom");
    }
}
