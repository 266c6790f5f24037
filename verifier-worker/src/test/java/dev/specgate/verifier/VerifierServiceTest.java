package dev.specgate.verifier;

import dev.specgate.proto.v1.GenerateRequest;
import dev.specgate.proto.v1.GenerateResponse;
import dev.specgate.proto.v1.InfoRequest;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.SamplingParams;
import dev.specgate.proto.v1.SparseDistribution;
import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker over real gRPC on loopback, on the shared Q8_0 verifier. */
class VerifierServiceTest {
    private static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness();
    }

    @AfterAll
    static void stop() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void infoDescribesTheModel() {
        ModelInfo info = h.stub.info(InfoRequest.getDefaultInstance());
        assertEquals("kjv-verifier-14m-q8_0", info.getModel());
        assertEquals(4096, info.getVocabSize());
        assertEquals(256, info.getContextLength());
        assertEquals(2, info.getEosToken());
        assertEquals(16, info.getMaxDraftTokens());
        assertEquals(64, info.getTokenizerFingerprint().length());
    }

    @Test
    void greedyRoundsReproduceVerifierOnlyOutput() {
        for (int p : new int[] {0, 1, 3}) { // prompt 2's greedy run ends after 17 tokens
            int[] prompt = Harness.PROMPTS[p];
            int[] expected = Harness.greedy(prompt, 48);
            for (int k : new int[] {0, 1, 4, 8}) {
                GreedyClient client = new GreedyClient("greedy-" + p + "-" + k, prompt, expected, k, 5);
                int[] out = client.run(32, h.stub::verify);
                assertArrayEquals(Arrays.copyOf(expected, out.length), out, "prompt " + p + ", k " + k);
            }
        }
    }

    @Test
    void retryOfARoundGetsTheStoredVerdictAndAppliesNothingTwice() {
        int[] prompt = Harness.PROMPTS[3];
        int[] expected = Harness.greedy(prompt, 48);
        GreedyClient client = new GreedyClient("retry", prompt, expected, 4, 3);
        VerifyRequest first = client.next();
        VerifyResponse answer = h.stub.verify(first);
        assertEquals(answer, h.stub.verify(first), "a retry gets the stored verdict");
        // Even a retry with other content is answered from the store: the round was applied already.
        VerifyRequest altered = first.toBuilder().clearDraftTokens().build();
        assertEquals(answer, h.stub.verify(altered));
        client.apply(first, answer);
        int[] out = client.run(24, h.stub::verify);
        assertArrayEquals(Arrays.copyOf(expected, out.length), out);
    }

    @Test
    void retryWhileTheRoundIsInFlightJoinsIt() throws Exception {
        int[] prompt = Harness.PROMPTS[4];
        int[] expected = Harness.greedy(prompt, 48);
        GreedyClient client = new GreedyClient("in-flight", prompt, expected, 4, 3);
        VerifyRequest request = client.next();
        var a = h.engine.verify(request);
        var b = h.engine.verify(request);
        var c = h.futures.verify(request);
        VerifyResponse first = a.get();
        assertEquals(first, b.get());
        assertEquals(first, c.get());
        client.apply(request, first);
        int[] out = client.run(20, h.stub::verify);
        assertArrayEquals(Arrays.copyOf(expected, out.length), out);
    }

    @Test
    void unknownSessionIsNotFoundAndAFullResendContinuesUnchanged() {
        int[] prompt = Harness.PROMPTS[5];
        int[] expected = Harness.greedy(prompt, 48);
        GreedyClient client = new GreedyClient("resend", prompt, expected, 4, 4);
        client.run(8, h.stub::verify);
        assertTrue(h.stub.release(ReleaseRequest.newBuilder().setSessionId("resend").build()).getReleased());
        assertFalse(h.stub.release(ReleaseRequest.newBuilder().setSessionId("resend").build()).getReleased());

        VerifyRequest request = client.next();
        assertCode(Status.Code.NOT_FOUND, () -> h.stub.verify(request));
        VerifyResponse response = h.stub.verify(fullResend(request, client));
        client.apply(request, response);
        int[] out = client.run(28, h.stub::verify);
        assertArrayEquals(Arrays.copyOf(expected, out.length), out);
    }

    @Test
    void workerRestartBetweenRoundsIsRecoveredByAResend() throws Exception {
        int[] prompt = Harness.PROMPTS[6];
        int[] expected = Harness.greedy(prompt, 48);
        GreedyClient client = new GreedyClient("restart", prompt, expected, 4, 4);
        client.run(8, h.stub::verify);
        h.restart();
        VerifyRequest request = client.next();
        assertCode(Status.Code.NOT_FOUND, () -> h.stub.verify(request));
        client.apply(request, h.stub.verify(fullResend(request, client)));
        int[] out = client.run(28, h.stub::verify);
        assertArrayEquals(Arrays.copyOf(expected, out.length), out);
    }

    @Test
    void badRequestsGetClearStatusesAndTheWorkerKeepsServing() {
        int[] prompt = Harness.PROMPTS[0];
        VerifyRequest good = Harness.round("bad-inputs", 1, 0, prompt, new int[] {405, 4049}).build();
        SamplingParams sampled = SamplingParams.newBuilder().setTemperature(0.8f).setSeed(7).build();
        SparseDistribution q = SparseDistribution.newBuilder().addTokenIds(405).addProbs(1f).build();
        int[] longPrompt = new int[250];
        Arrays.fill(longPrompt, 300);

        Map<String, Map.Entry<Status.Code, VerifyRequest>> cases = new java.util.LinkedHashMap<>();
        cases.put("token id beyond vocabulary", Map.entry(Status.Code.INVALID_ARGUMENT,
                good.toBuilder().addCommittedTokens(4096).build()));
        cases.put("negative draft token", Map.entry(Status.Code.INVALID_ARGUMENT,
                good.toBuilder().addDraftTokens(-3).build()));
        cases.put("k above max", Map.entry(Status.Code.INVALID_ARGUMENT,
                Harness.round("bad-inputs", 1, 0, prompt, new int[17]).build()));
        cases.put("empty session id", Map.entry(Status.Code.INVALID_ARGUMENT,
                good.toBuilder().setSessionId("").build()));
        cases.put("round 0", Map.entry(Status.Code.INVALID_ARGUMENT, good.toBuilder().setRound(0).build()));
        cases.put("empty prefix", Map.entry(Status.Code.INVALID_ARGUMENT,
                good.toBuilder().clearCommittedTokens().build()));
        cases.put("sampling without draft_probs", Map.entry(Status.Code.INVALID_ARGUMENT,
                good.toBuilder().setSampling(sampled).build()));
        cases.put("draft_probs count mismatch", Map.entry(Status.Code.INVALID_ARGUMENT,
                good.toBuilder().setSampling(sampled).addDraftProbs(q).build()));
        cases.put("negative probability", Map.entry(Status.Code.INVALID_ARGUMENT,
                oneDraft(good, sampled, SparseDistribution.newBuilder().addTokenIds(405).addProbs(1.5f)
                        .addTokenIds(7).addProbs(-0.5f).build())));
        cases.put("NaN probability", Map.entry(Status.Code.INVALID_ARGUMENT,
                oneDraft(good, sampled, SparseDistribution.newBuilder().addTokenIds(405).addProbs(Float.NaN).build())));
        cases.put("id out of range in draft_probs", Map.entry(Status.Code.INVALID_ARGUMENT,
                oneDraft(good, sampled, SparseDistribution.newBuilder().addTokenIds(405).addProbs(0.5f)
                        .addTokenIds(5000).addProbs(0.5f).build())));
        cases.put("ids and probs lengths differ", Map.entry(Status.Code.INVALID_ARGUMENT,
                oneDraft(good, sampled, SparseDistribution.newBuilder().addTokenIds(405).addTokenIds(6)
                        .addProbs(1f).build())));
        cases.put("draft token outside its q", Map.entry(Status.Code.INVALID_ARGUMENT,
                oneDraft(good, sampled, SparseDistribution.newBuilder().addTokenIds(6).addProbs(1f).build())));
        cases.put("negative temperature", Map.entry(Status.Code.INVALID_ARGUMENT,
                good.toBuilder().setSampling(SamplingParams.newBuilder().setTemperature(-1f)).build()));
        cases.put("top_p above 1", Map.entry(Status.Code.INVALID_ARGUMENT,
                good.toBuilder().setSampling(SamplingParams.newBuilder().setTopP(1.5f)).build()));
        cases.put("unknown session with offset", Map.entry(Status.Code.NOT_FOUND,
                good.toBuilder().setSessionId("never-seen").setCommittedOffset(5).build()));
        cases.put("context overflow", Map.entry(Status.Code.OUT_OF_RANGE,
                Harness.round("bad-inputs-long", 1, 0, longPrompt, new int[] {1, 2, 3, 4, 5, 6}).build()));
        cases.put("oversized message", Map.entry(Status.Code.RESOURCE_EXHAUSTED,
                hugeRequest()));

        for (var c : cases.entrySet()) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> h.stub.verify(c.getValue().getValue()), c.getKey());
            assertEquals(c.getValue().getKey(), e.getStatus().getCode(), c.getKey() + ": " + e.getStatus());
            assertFalse(e.getStatus().getDescription() == null || e.getStatus().getDescription().isBlank(),
                    c.getKey() + " has a message");
            // The worker keeps serving: a valid request still succeeds after each bad one.
            VerifyResponse ok = h.stub.verify(good.toBuilder().setSessionId("after " + c.getKey()).build());
            assertEquals(2, ok.getAccepted(), "after " + c.getKey());
        }
        // The session the bad requests named is untouched: round 1 runs normally.
        assertEquals(2, h.stub.verify(good).getAccepted());
    }

    @Test
    void sampledRoundsAreReproducibleFromSeedAndRound() {
        int[] prompt = Harness.PROMPTS[1];
        SamplingParams sampling = SamplingParams.newBuilder().setTemperature(0.9f).setTopK(40).setSeed(1234).build();
        SparseDistribution q = SparseDistribution.newBuilder().addTokenIds(261).addProbs(0.5f)
                .addTokenIds(300).addProbs(0.5f).build();
        List<VerifyResponse> verdicts = new ArrayList<>();
        for (String session : List.of("sampled-a", "sampled-b")) {
            VerifyRequest request = Harness.round(session, 3, 0, prompt, new int[] {261, 300}).setSampling(sampling)
                    .addDraftProbs(q).addDraftProbs(q).build();
            VerifyResponse r = h.stub.verify(request);
            assertEquals(r, h.stub.verify(request), "retry");
            verdicts.add(r);
        }
        assertEquals(verdicts.get(0).getAccepted(), verdicts.get(1).getAccepted());
        assertEquals(verdicts.get(0).getNextToken(), verdicts.get(1).getNextToken());
    }

    @Test
    void generateStreamEqualsVerifierOnlyGreedyOutput() {
        int[] prompt = Harness.PROMPTS[0];
        int[] expected = Harness.greedy(prompt, 48); // ends with end-of-sequence after 44 tokens
        assertGenerated(prompt, 20, List.of(), Arrays.copyOf(expected, 20), "length");
        assertGenerated(prompt, 48, List.of(), expected, "eos");
        int stop = expected[5];
        assertGenerated(prompt, 48, List.of(stop), Arrays.copyOf(expected, 6), "stop_token");
        int[] longPrompt = Arrays.copyOf(Harness.PROMPTS[3], 250);
        Arrays.fill(longPrompt, Harness.PROMPTS[3].length, 250, 300);
        assertGenerated(longPrompt, 48, List.of(), Harness.greedy(longPrompt, 48), "context");
    }

    @Test
    void generateValidatesItsRequest() {
        assertCode(Status.Code.INVALID_ARGUMENT, () -> h.stub.generate(GenerateRequest.newBuilder()
                .setSessionId("g").setMaxTokens(4).build()).next());
        assertCode(Status.Code.INVALID_ARGUMENT, () -> h.stub.generate(GenerateRequest.newBuilder()
                .setSessionId("g").addPromptTokens(9999).setMaxTokens(4).build()).next());
        assertCode(Status.Code.INVALID_ARGUMENT, () -> h.stub.generate(GenerateRequest.newBuilder()
                .setSessionId("g").addPromptTokens(5).build()).next());
    }

    private static void assertGenerated(int[] prompt, int maxTokens, List<Integer> stops, int[] expected,
                                        String reason) {
        GenerateRequest.Builder request = GenerateRequest.newBuilder().setSessionId("gen").setMaxTokens(maxTokens)
                .addAllStopTokens(stops);
        Arrays.stream(prompt).forEach(request::addPromptTokens);
        List<Integer> tokens = new ArrayList<>();
        String finish = "";
        for (Iterator<GenerateResponse> it = h.stub.generate(request.build()); it.hasNext(); ) {
            GenerateResponse message = it.next();
            tokens.addAll(message.getTokensList());
            finish = message.getFinishReason();
        }
        assertArrayEquals(expected, tokens.stream().mapToInt(Integer::intValue).toArray(), reason);
        assertEquals(reason, finish);
    }

    private static VerifyRequest oneDraft(VerifyRequest good, SamplingParams sampling, SparseDistribution q) {
        return good.toBuilder().clearDraftTokens().addDraftTokens(405).setSampling(sampling).addDraftProbs(q).build();
    }

    private static VerifyRequest hugeRequest() {
        VerifyRequest.Builder b = VerifyRequest.newBuilder().setSessionId("huge").setRound(1);
        for (int i = 0; i < 3_000_000; i++) {
            b.addCommittedTokens(4000);
        }
        return b.build();
    }

    /** The client's round re-sent as a new session: offset 0 and the whole sequence so far. */
    private static VerifyRequest fullResend(VerifyRequest request, GreedyClient client) {
        return request.toBuilder().setCommittedOffset(0).clearCommittedTokens()
                .addAllCommittedTokens(clientSequence(request, client)).build();
    }

    private static List<Integer> clientSequence(VerifyRequest request, GreedyClient client) {
        // The worker lost everything: the prefix it held plus what this round commits is the whole sequence.
        List<Integer> all = new ArrayList<>();
        all.addAll(client.prefix(request.getCommittedOffset()));
        all.addAll(request.getCommittedTokensList());
        return all;
    }

    static void assertCode(Status.Code code, Supplier<?> call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }
}
