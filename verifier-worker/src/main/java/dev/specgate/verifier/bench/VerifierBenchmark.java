package dev.specgate.verifier.bench;

import dev.specgate.engine.model.Model;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import dev.specgate.verifier.SchedulerStats;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Aggregate verification throughput of the in-process {@link VerifierEngine} with 1..N sessions, so batches form
 * exactly as in production. A "verified token" is one draft token checked; emitted tokens (accepted + 1 per round)
 * are reported too.
 *
 * <p>Each scenario fixes what a client does between two of its rounds. With no client time, sessions send rounds
 * back to back: the verifier is never idle, even with one session, so this measures only how much more work one
 * batched pass does per second than a small one (compute-bound on a small machine). A real client spends time
 * between rounds: it drafts the next k tokens (k draft decode steps) and the round trip to the verifier is in
 * flight. That is when one session leaves the verifier idle and when batching other sessions' rounds pays; the
 * scenarios with {@code clientNanosPerRound > 0} model it with a pause of exactly that long (not busy: a sleeping
 * client, as a remote one is to this machine).
 */
public final class VerifierBenchmark {
    private VerifierBenchmark() {
    }

    /** One scenario, client time zero: rounds back to back. */
    public static Map<String, Object> run(Model model, int[] concurrencies, int k, double seconds) throws Exception {
        return run(model, concurrencies, k, seconds, 0);
    }

    /** One scenario: each session pauses {@code clientNanosPerRound} (draft time + round trip) between its rounds. */
    public static Map<String, Object> run(Model model, int[] concurrencies, int k, double seconds,
                                          long clientNanosPerRound) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", model.name());
        result.put("k", k);
        result.put("seconds_per_level", seconds);
        result.put("client_ms_per_round", clientNanosPerRound / 1e6);
        List<Map<String, Object>> levels = new ArrayList<>();
        double base = 0;
        try (VerifierEngine engine = new VerifierEngine(model, VerifierConfig.defaults())) {
            // Warm-up, untimed, at every level: until C2 has compiled the kernels of every batch shape, a pass is
            // several times slower, and without this the first level measured (one session) would pay for it and
            // inflate every speedup after it.
            for (int sessions : concurrencies) {
                level(engine, model, sessions, k, Math.max(1, seconds / 2), clientNanosPerRound);
            }
            for (int sessions : concurrencies) {
                Map<String, Object> level = level(engine, model, sessions, k, seconds, clientNanosPerRound);
                levels.add(level);
                double rate = (double) level.get("verified_tokens_per_second");
                if (sessions == concurrencies[0]) {
                    base = rate;
                }
                level.put("speedup_vs_" + concurrencies[0], base == 0 ? 0 : rate / base);
            }
        }
        result.put("levels", levels);
        return result;
    }

    private static Map<String, Object> level(VerifierEngine engine, Model model, int sessions, int k, double seconds,
                                             long clientNanos) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong rounds = new AtomicLong();
        AtomicLong emitted = new AtomicLong();
        CountDownLatch done = new CountDownLatch(sessions);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            String id = "bench-" + sessions + "-" + s;
            Thread t = Thread.ofPlatform().name(id).start(() -> {
                try {
                    new Client(engine, model, id, k, 17 + id.hashCode(), clientNanos).loop(stop, measuring, rounds, emitted);
                } finally {
                    done.countDown();
                }
            });
            threads.add(t);
        }
        Thread.sleep((long) (Math.min(1.0, seconds / 3) * 1000)); // warm-up: JIT and first allocations
        SchedulerStats before = engine.stats();
        long busyBefore = engine.forwardNanos();
        long start = System.nanoTime();
        measuring.set(true);
        Thread.sleep((long) (seconds * 1000));
        measuring.set(false);
        long nanos = System.nanoTime() - start;
        SchedulerStats after = engine.stats();
        long busy = engine.forwardNanos() - busyBefore;
        stop.set(true);
        done.await();

        double secs = nanos / 1e9;
        long batches = after.batches() - before.batches();
        Map<String, Object> level = new LinkedHashMap<>();
        level.put("sessions", sessions);
        level.put("rounds", rounds.get());
        level.put("verified_tokens_per_second", rounds.get() * k / secs);
        level.put("emitted_tokens_per_second", emitted.get() / secs);
        level.put("rounds_per_second", rounds.get() / secs);
        level.put("batches", batches);
        level.put("mean_batch_sessions", batches == 0 ? 0 : (double) (after.items() - before.items()) / batches);
        level.put("mean_batch_rows", batches == 0 ? 0 : (double) (after.rows() - before.rows()) / batches);
        level.put("mean_forward_ms", batches == 0 ? 0 : busy / 1e6 / batches);
        level.put("verifier_busy_fraction", busy / (double) nanos);
        return level;
    }

    /**
     * One session: rounds of k proposals (a fixed cycle of plausible ids), restarting before the context ends,
     * pausing {@code clientNanos} between rounds.
     */
    private record Client(VerifierEngine engine, Model model, String id, int k, long seed, long clientNanos) {
        void loop(AtomicBoolean stop, AtomicBoolean measuring, AtomicLong rounds, AtomicLong emitted) {
            int context = model.config().contextLength();
            int[] prompt = {1043, 261, 2072, 391, 3307};
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            List<Integer> sequence = new ArrayList<>();
            int sent = 0;
            long round = 0;
            while (!stop.get()) {
                if (clientNanos > 0 && round > 0) {
                    // The client drafts the next round and the round trip is in flight: the verifier hears nothing.
                    java.util.concurrent.locks.LockSupport.parkNanos(clientNanos);
                }
                if (sequence.isEmpty() || sequence.size() + k + 1 > context) {
                    engine.release(ReleaseRequest.newBuilder().setSessionId(id).build());
                    sequence.clear();
                    for (int t : prompt) {
                        sequence.add(t);
                    }
                    sent = 0;
                }
                VerifyRequest.Builder request = VerifyRequest.newBuilder().setSessionId(id).setRound(++round)
                        .setCommittedOffset(sent).addAllCommittedTokens(sequence.subList(sent, sequence.size()));
                for (int i = 0; i < k; i++) {
                    // Mostly tokens the model likes in KJV text, so some rounds accept a few drafts.
                    request.addDraftTokens(random.nextInt(8) < 6 ? sequence.get(random.nextInt(sequence.size()))
                            : random.nextInt(model.config().vocabSize()));
                }
                VerifyResponse response = engine.verify(request.build()).join();
                sent = sequence.size();
                for (int i = 0; i < response.getAccepted(); i++) {
                    sequence.add(request.getDraftTokens(i));
                }
                sequence.add(response.getNextToken());
                if (measuring.get()) {
                    rounds.incrementAndGet();
                    emitted.addAndGet(response.getAccepted() + 1);
                }
            }
            engine.release(ReleaseRequest.newBuilder().setSessionId(id).build());
        }
    }
}
