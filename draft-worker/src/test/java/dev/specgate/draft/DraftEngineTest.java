package dev.specgate.draft;

import dev.specgate.engine.Generator;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.Logits;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.proto.v1.ProposeRequest;
import dev.specgate.proto.v1.ProposeResponse;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.SparseDistribution;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The draft worker on the real kjv draft model. */
class DraftEngineTest {
    static final int[] PROMPT = {1043, 261, 2072, 391, 3307}; // "In the beginning God created"
    static Model model;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(TestModels.path("kjv-draft-1m-q8_0.gguf"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static ProposeRequest.Builder request(String session, long round, int offset, int[] committed, int k,
                                          dev.specgate.proto.v1.SamplingParams sampling) {
        ProposeRequest.Builder b = ProposeRequest.newBuilder().setSessionId(session).setRound(round)
                .setCommittedOffset(offset).setK(k).setSampling(sampling);
        for (int t : committed) {
            b.addCommittedTokens(t);
        }
        return b;
    }

    static int[] tokens(ProposeResponse r) {
        return r.getTokensList().stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void greedyProposalsAreTheDraftsOwnGreedyContinuationAcrossRollbacks() {
        var greedy = dev.specgate.proto.v1.SamplingParams.getDefaultInstance();
        int[] expected = Generator.generate(model, PROMPT, 12, SamplingParams.GREEDY).ids();
        try (DraftEngine engine = new DraftEngine(model)) {
            ProposeResponse first = engine.propose(request("s", 1, 0, PROMPT, 4, greedy).build());
            assertArrayEquals(Arrays.copyOf(expected, 4), tokens(first));
            for (SparseDistribution q : first.getProbsList()) {
                assertEquals(1, q.getTokenIdsCount());
                assertEquals(1f, q.getProbs(0));
            }
            // The verifier accepted 2 and emitted a token that differs from the draft's third: the draft must roll
            // back its third proposal and continue from the corrected sequence.
            int wrong = (expected[2] + 1) % 4096;
            ProposeResponse second = engine.propose(request("s", 2, PROMPT.length,
                    new int[] {expected[0], expected[1], wrong}, 3, greedy).build());
            int[] corrected = new int[PROMPT.length + 3];
            System.arraycopy(PROMPT, 0, corrected, 0, PROMPT.length);
            corrected[PROMPT.length] = expected[0];
            corrected[PROMPT.length + 1] = expected[1];
            corrected[PROMPT.length + 2] = wrong;
            int[] fresh = Generator.generate(model, corrected, 3, SamplingParams.GREEDY).ids();
            assertArrayEquals(fresh, tokens(second));
            assertTrue(second.getEntropy() > 0);
        }
    }

    @Test
    void windowEntropyIsTheMeanEntropyOverThePromptsLastPositions() {
        var greedy = dev.specgate.proto.v1.SamplingParams.getDefaultInstance();
        int vocab = model.config().vocabSize();
        double[] perPosition = new double[PROMPT.length];
        try (var cache = model.newCache()) {
            for (int i = 0; i < PROMPT.length; i++) {
                perPosition[i] = Logits.entropyNats(model.forward(cache, PROMPT[i]));
            }
        }
        try (DraftEngine engine = new DraftEngine(model)) {
            ProposeResponse synced = engine.propose(request("w", 0, 0, PROMPT, 0, greedy).setEntropyWindow(3).build());
            assertEquals(0, synced.getTokensCount(), "k = 0 only reads the prompt");
            assertEquals(3, synced.getWindowPositions());
            double expected = (perPosition[2] + perPosition[3] + perPosition[4]) / 3;
            assertEquals(expected, synced.getWindowEntropy(), 1e-3);
            assertEquals(perPosition[4], synced.getEntropy(), 1e-3);
            // The session now holds the prompt: the next round proposes exactly as a fresh session would.
            ProposeResponse next = engine.propose(request("w", 1, 0, PROMPT, 4, greedy).build());
            int[] expectedTokens = Generator.generate(model, PROMPT, 4, SamplingParams.GREEDY).ids();
            assertArrayEquals(expectedTokens, tokens(next));
            assertEquals(0, next.getWindowPositions(), "no window asked for, none computed");
            // A window longer than the tokens fed covers what was fed.
            ProposeResponse whole = engine.propose(request("x", 0, 0, PROMPT, 0, greedy).setEntropyWindow(64).build());
            assertEquals(PROMPT.length, whole.getWindowPositions());
            assertEquals(java.util.Arrays.stream(perPosition).average().orElseThrow(), whole.getWindowEntropy(), 1e-3);
        }
    }

    @Test
    void aReadPromptsCacheIsHandedOverOnceAndOnlyForThatPrompt() {
        var greedy = dev.specgate.proto.v1.SamplingParams.getDefaultInstance();
        try (DraftEngine engine = new DraftEngine(model)) {
            engine.propose(request("p", 0, 0, PROMPT, 0, greedy).setEntropyWindow(2).build());
            int[] other = Arrays.copyOf(PROMPT, PROMPT.length - 1);
            assertTrue(engine.takeCache("p", other).isEmpty(), "the session holds another sequence");
            assertTrue(engine.takeCache("nobody", PROMPT).isEmpty());
            assertEquals(1, engine.sessionCount(), "a refused hand-over leaves the session alone");

            try (var cache = engine.takeCache("p", PROMPT).orElseThrow()) {
                assertEquals(PROMPT.length, cache.length());
                assertEquals(0, engine.sessionCount(), "the session ended with the hand-over");
                assertTrue(engine.takeCache("p", PROMPT).isEmpty(), "handed over once");
                StatusRuntimeException gone = assertThrows(StatusRuntimeException.class,
                        () -> engine.propose(request("p", 1, PROMPT.length, new int[0], 1, greedy).build()));
                assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
                // Decoding goes on from the cache: the last prompt token fed again gives the fresh read's logits.
                cache.truncate(PROMPT.length - 1);
                float[] logits = model.forward(cache, PROMPT[PROMPT.length - 1]);
                try (var fresh = model.newCache()) {
                    assertArrayEquals(model.forward(fresh, PROMPT), logits);
                }
            }
        }
    }

    @Test
    void unknownSessionBeyondOffsetZeroIsNotFoundAndRoundsAreIdempotent() {
        var sampling = dev.specgate.proto.v1.SamplingParams.newBuilder().setTemperature(1f).setSeed(7).build();
        try (DraftEngine engine = new DraftEngine(model)) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> engine.propose(request("nope", 3, 5, new int[] {1}, 2, sampling).build()));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());

            ProposeResponse a = engine.propose(request("s", 1, 0, PROMPT, 6, sampling).build());
            ProposeResponse again = engine.propose(request("s", 1, 0, PROMPT, 6, sampling).build());
            assertEquals(a, again);
            // Same seed and round on another session: the same proposal (reproducible).
            ProposeResponse other = engine.propose(request("t", 1, 0, PROMPT, 6, sampling).build());
            assertEquals(a.getTokensList(), other.getTokensList());
            // q is a proper distribution that contains the token drawn from it.
            for (int i = 0; i < a.getTokensCount(); i++) {
                SparseDistribution q = a.getProbs(i);
                assertTrue(q.getTokenIdsList().contains(a.getTokens(i)));
                double sum = q.getProbsList().stream().mapToDouble(Float::doubleValue).sum();
                assertEquals(1.0, sum, 1e-5);
                assertTrue(q.getTokenIdsCount() <= DraftConfig.DEFAULT.maxSupport());
            }
            assertTrue(engine.release(ReleaseRequest.newBuilder().setSessionId("s").build()).getReleased());
            assertFalse(engine.release(ReleaseRequest.newBuilder().setSessionId("s").build()).getReleased());
            StatusRuntimeException gone = assertThrows(StatusRuntimeException.class,
                    () -> engine.propose(request("s", 2, PROMPT.length, new int[] {5}, 2, sampling).build()));
            assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
        }
    }

    @Test
    void sessionsBeyondTheCapOrTtlAreDropped() throws Exception {
        var greedy = dev.specgate.proto.v1.SamplingParams.getDefaultInstance();
        try (DraftEngine engine = new DraftEngine(model, DraftConfig.DEFAULT.withMaxSessions(2))) {
            for (String s : List.of("a", "b", "c")) {
                engine.propose(request(s, 1, 0, PROMPT, 1, greedy).build());
            }
            assertEquals(2, engine.sessionCount());
            assertThrows(StatusRuntimeException.class,
                    () -> engine.propose(request("a", 2, PROMPT.length, new int[] {5}, 1, greedy).build()));
        }
        try (DraftEngine engine = new DraftEngine(model, DraftConfig.DEFAULT.withSessionTtl(Duration.ofMillis(50)))) {
            engine.propose(request("a", 1, 0, PROMPT, 1, greedy).build());
            Thread.sleep(120);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> engine.propose(request("a", 2, PROMPT.length, new int[] {5}, 1, greedy).build()));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        }
    }

    @Test
    void badRequestsAreInvalidArgumentOrOutOfRange() {
        var greedy = dev.specgate.proto.v1.SamplingParams.getDefaultInstance();
        try (DraftEngine engine = new DraftEngine(model)) {
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                    () -> engine.propose(request("x", 1, 0, new int[] {99999}, 1, greedy).build())).getStatus().getCode());
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                    () -> engine.propose(request("x", 1, 0, PROMPT, 99, greedy).build())).getStatus().getCode());
            assertEquals(Status.Code.OUT_OF_RANGE, assertThrows(StatusRuntimeException.class,
                    () -> engine.propose(request("x", 1, 0, new int[300], 1, greedy).build())).getStatus().getCode());
        }
    }

    @Test
    void truncatedQKeepsTheMostLikelyIdsAndIsWhatIsSampled() {
        double[] weights = new double[1000];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1.0 / (i + 1);
        }
        var full = dev.specgate.engine.sampling.Distribution.fromDenseWeights(weights);
        ProposalDistribution q = ProposalDistribution.truncate(full, 10, 1 - 1e-4);
        assertEquals(10, q.sampled().size());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, q.sampled().support());
        for (int i = 0; i < 10; i++) {
            assertEquals(q.reported().getProbs(i), q.sampled().probAt(i), 1e-6);
        }
    }
}
