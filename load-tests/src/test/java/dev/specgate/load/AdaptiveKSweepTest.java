package dev.specgate.load;

import dev.specgate.engine.TestModels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Smoke runs of the adaptive-k benchmark on the real pair behind a real gateway (small counts, RTT 0). Goodput
 * figures are the benchmark's business (docs/benchmarks.md); these tests check what is not timing: each fixed k
 * really is applied through {@code PUT /admin/policy}, and adaptive k turns speculation off when the draft is bad.
 */
class AdaptiveKSweepTest {
    private static final String DRAFT = "kjv-draft-1m-q8_0.gguf";
    private static final String VERIFIER = "kjv-verifier-14m-q8_0.gguf";

    private static List<AdaptiveKSweep.RttResult> sweep(Double draftTemperature, int kMax) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Testbed bed = Testbed.start(TestModels.path(DRAFT).toString(), TestModels.path(VERIFIER).toString(),
                AdaptiveKSweep.configure(draftTemperature));
             StreamingClient client = new StreamingClient(bed.baseUrl(), Duration.ofSeconds(60))) {
            List<AdaptiveKSweep.RttResult> results = AdaptiveKSweep.run(bed, client,
                    PromptMix.load(TestModels.reference("prompts.txt")),
                    new AdaptiveKSweep.Options(List.of(0L), kMax, 48, 2, 1), new PrintStream(log, true,
                            StandardCharsets.UTF_8));
            System.out.print(log.toString(StandardCharsets.UTF_8));
            return results;
        }
    }

    @Test
    void everyFixedKIsAppliedAndEveryRequestCompletes() throws Exception {
        AdaptiveKSweep.RttResult r = sweep(null, 3).getFirst();
        assertEquals(List.of("k=0", "k=1", "k=2", "k=3", AdaptiveKSweep.ADAPTIVE),
                r.cells().stream().map(AdaptiveKSweep.Cell::setting).toList());
        for (AdaptiveKSweep.Cell c : r.cells()) {
            assertEquals(0, c.errors(), c.toString());
            assertTrue(c.tokens() > 2 * 24, "the requests ran (to max_tokens or a stop): " + c);
        }
        assertEquals(0.0, r.cells().get(0).draftedPerToken(), "k = 0 drafts nothing");
        // With k fixed, each round drafts k and commits between 1 and k + 1 tokens.
        for (int k = 1; k <= 3; k++) {
            double perToken = r.cells().get(k).draftedPerToken();
            assertTrue(perToken >= k / (k + 1.0) - 1e-9 && perToken <= k + 1e-9, "k=" + k + ": " + perToken);
        }
        assertTrue(r.cells().get(3).draftedPerToken() > r.cells().get(1).draftedPerToken(), r.toString());
    }

    @Test
    void adaptiveKStopsSpeculatingWhenTheDraftIsPoor() throws Exception {
        AdaptiveKSweep.RttResult r = sweep(8.0, 4).getFirst();
        AdaptiveKSweep.Cell fixed = r.cells().get(4);
        AdaptiveKSweep.Cell adaptive = r.adaptive();
        assertTrue(fixed.meanAcceptanceLength() < 1.3, "a draft at temperature 8 is mostly rejected: " + fixed);
        assertTrue(fixed.draftedPerToken() > 2.5, fixed.toString());
        // Off but for the occasional one-token probe and the first rounds before the estimates settle.
        assertTrue(adaptive.draftedPerToken() < 0.5, "adaptive k drafted " + adaptive.draftedPerToken()
                + " tokens per committed token: " + r.cells());
        assertEquals(0, adaptive.errors());
    }
}
