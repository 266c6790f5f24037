package dev.specgate.verifier;

import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many sessions at once share forward passes and still get exactly their one-at-a-time answers. */
class BatchingTest {
    private static final int SESSIONS = 16;
    private static final int TOKENS = 24;

    @Test
    void concurrentSessionsShareBatchesAndMatchSequentialResults() throws Exception {
        try (Harness h = new Harness(VerifierConfig.defaults().withMaxBatchWait(Duration.ofMillis(5)))) {
            int[][] expected = new int[Harness.PROMPTS.length][];
            for (int p = 0; p < expected.length; p++) {
                expected[p] = Harness.greedy(Harness.PROMPTS[p], 48);
            }

            // One at a time: the reference answers.
            List<int[]> sequential = new ArrayList<>();
            for (int s = 0; s < SESSIONS; s++) {
                sequential.add(client(h, "seq-" + s, s, expected).run(TOKENS, h.stub::verify));
            }

            long batchesBefore = h.engine.stats().batches();
            List<List<VerifyResponse>> responses = new ArrayList<>();
            List<int[]> concurrent = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(SESSIONS)) {
                List<Future<GreedyClient>> runs = new ArrayList<>();
                for (int s = 0; s < SESSIONS; s++) {
                    GreedyClient client = client(h, "conc-" + s, s, expected);
                    runs.add(pool.submit(() -> {
                        client.run(TOKENS, h.stub::verify);
                        return client;
                    }));
                }
                for (Future<GreedyClient> run : runs) {
                    concurrent.add(run.get().output());
                    responses.add(run.get().responses());
                }
            }
            for (int s = 0; s < SESSIONS; s++) {
                assertArrayEquals(sequential.get(s), concurrent.get(s), "session " + s);
            }
            SchedulerStats stats = h.engine.stats();
            int rounds = responses.stream().mapToInt(List::size).sum();
            long batches = stats.batches() - batchesBefore;
            int shared = (int) responses.stream().flatMap(List::stream)
                    .filter(r -> r.getBatchSessions() > 1).count();
            System.out.printf("16 concurrent sessions: %d rounds in %d batches, max %d sessions per batch, "
                    + "%d rounds shared a batch%n", rounds, batches, stats.maxBatchSessions(), shared);
            assertTrue(stats.maxBatchSessions() > 1, "some batch held more than one session");
            assertTrue(batches < rounds / 2, rounds + " rounds ran in " + batches + " batches");
            assertTrue(shared > rounds / 2, shared + " of " + rounds + " rounds shared a batch");
        }
    }

    @Test
    void aSessionNeverAppearsTwiceInOneBatch() throws Exception {
        try (Harness h = new Harness(VerifierConfig.defaults().withMaxBatchWait(Duration.ofMillis(20)))) {
            int[] prompt = Harness.PROMPTS[0];
            // Rounds 1 and 2 of one session queued together (a misbehaving client): they must run in order,
            // in two passes, each seeing the state the previous one left.
            VerifyRequest r1 = Harness.round("twice", 1, 0, prompt, new int[] {405}).build();
            VerifyRequest r2 = Harness.round("twice", 2, 0, prompt, new int[] {405, 4049}).build();
            var f1 = h.engine.verify(r1);
            var f2 = h.engine.verify(r2);
            VerifyResponse a = f1.get();
            VerifyResponse b = f2.get();
            assertEquals(1, a.getAccepted());
            assertEquals(2, b.getAccepted());
            assertEquals(prompt.length + 3, b.getCommittedLength());
            assertEquals(1, a.getBatchSessions());
            assertEquals(1, b.getBatchSessions());
        }
    }

    private static GreedyClient client(Harness h, String id, int s, int[][] expected) {
        int p = s % Harness.PROMPTS.length == 2 ? 0 : s % Harness.PROMPTS.length; // prompt 2 ends too early
        return new GreedyClient(id, Harness.PROMPTS[p], expected[p], 4, 3 + s % 4);
    }
}
