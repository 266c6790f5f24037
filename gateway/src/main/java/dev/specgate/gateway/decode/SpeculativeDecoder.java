package dev.specgate.gateway.decode;

import dev.specgate.proto.v1.GenerateRequest;
import dev.specgate.proto.v1.GenerateResponse;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ProposeRequest;
import dev.specgate.proto.v1.ProposeResponse;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Runs generations against one draft and one verifier: rounds of propose (draft) → verify (verifier) → commit.
 *
 * <p>Both workers keep a session per generation and are told, each round, what was committed since the last round
 * ({@code committed_offset} = sequence length before the round, {@code committed_tokens} = accepted drafts plus the
 * verifier's token). If either answers NOT_FOUND (evicted, expired, restarted), that side gets the same round again
 * with offset 0 and the full prefix; round numbers make retries idempotent, so nothing is lost or duplicated.
 *
 * <p>Each round drafts as many tokens as the request's {@link SpeculationLength} chooses (0 makes the round a
 * verifier-only step) and tells it what the round measured; the output is the verifier's whatever it chooses.
 *
 * <p>Blocking: {@link #generate} runs on the caller's thread (a virtual thread per request in the gateway) and waits on
 * each round's futures. No HTTP, no fallback: the gateway adds those around this loop. Thread-safe: any number of
 * generations may run at once on one decoder.
 */
public final class SpeculativeDecoder {
    private final DraftChannel draft;       // null: verifier-only
    private final VerifierChannel verifier;
    private final ModelInfo draftInfo;
    private final ModelInfo verifierInfo;

    private SpeculativeDecoder(DraftChannel draft, ModelInfo draftInfo, VerifierChannel verifier, ModelInfo verifierInfo) {
        this.draft = draft;
        this.draftInfo = draftInfo;
        this.verifier = verifier;
        this.verifierInfo = verifierInfo;
    }

    /**
     * Pairs a draft with a verifier after checking that they share a tokenizer.
     *
     * @throws TokenizerMismatchException if their tokenizer fingerprints differ
     */
    public static SpeculativeDecoder create(DraftChannel draft, VerifierChannel verifier) {
        ModelInfo d = await(draft.info());
        ModelInfo v = await(verifier.info());
        if (!d.getTokenizerFingerprint().equals(v.getTokenizerFingerprint()) || d.getVocabSize() != v.getVocabSize()) {
            throw new TokenizerMismatchException(d, v);
        }
        return new SpeculativeDecoder(draft, d, verifier, v);
    }

    /** Verifier-only generation (Generate), for hard queries or when no draft is available. */
    public static SpeculativeDecoder verifierOnly(VerifierChannel verifier) {
        return new SpeculativeDecoder(null, null, verifier, await(verifier.info()));
    }

    public ModelInfo verifierInfo() {
        return verifierInfo;
    }

    /** The draft's info, or null in verifier-only mode. */
    public ModelInfo draftInfo() {
        return draftInfo;
    }

    public DecodeResult generate(DecodeRequest request, TokenSink sink) {
        String sessionId = request.sessionId() != null ? request.sessionId() : Ids.SESSIONS.next();
        try {
            return draft == null ? generateVerifierOnly(sessionId, request, sink)
                    : new Run(sessionId, request, sink).run();
        } finally {
            release(sessionId);
        }
    }

    public DecodeResult generate(DecodeRequest request) {
        return generate(request, TokenSink.NONE);
    }

    /** One speculative generation's state. */
    private final class Run {
        final String sessionId;
        final DecodeRequest request;
        final TokenSink sink;
        final int eos = verifierInfo.getEosToken();
        final int kMax;
        int[] seq;                 // prompt + committed tokens
        int length;
        int draftKnown;            // the draft was last told the sequence up to here
        int verifierKnown;         // likewise the verifier
        long round;
        long drafted;
        long accepted;
        final long[] draftedAt;
        final long[] acceptedAt;
        int resends;
        long draftNanos;
        long verifyNanos;
        long firstTokenNanos = -1;

        Run(String sessionId, DecodeRequest request, TokenSink sink) {
            this.sessionId = sessionId;
            this.request = request;
            this.sink = sink;
            this.kMax = Math.max(1, Math.min(request.k(),
                    Math.min(draftInfo.getMaxDraftTokens(), verifierInfo.getMaxDraftTokens())));
            this.draftedAt = new long[kMax];
            this.acceptedAt = new long[kMax];
            int prompt = request.promptIds().length;
            this.seq = Arrays.copyOf(request.promptIds(), prompt + request.maxTokens());
            this.length = prompt;
        }

        DecodeResult run() {
            long start = System.nanoTime();
            int prompt = request.promptIds().length;
            // As plain generation: at most maxTokens, and never past the verifier's context.
            int limit = prompt + Math.max(0, Math.min(request.maxTokens(), verifierInfo.getContextLength() - prompt));
            String finish = null;
            while (length < limit && finish == null) {
                round++;
                int before = length;
                // Room for k drafts plus the verifier's token; the draft holds k-1 of its own tokens in its cache.
                int wanted = Math.max(0, Math.min(kMax, request.speculation().next()));
                int k = Math.min(wanted, Math.min(limit - before - 1, draftInfo.getContextLength() - before + 1));
                long draftBefore = draftNanos;
                long verifyBefore = verifyNanos;
                ProposeResponse proposal = k > 0 ? propose(before, k) : ProposeResponse.getDefaultInstance();
                if (proposal.getTokensCount() > k || proposal.getProbsCount() != proposal.getTokensCount()) {
                    throw Status.INTERNAL.withDescription("draft proposed " + proposal.getTokensCount() + " tokens with "
                            + proposal.getProbsCount() + " distributions for k = " + k).asRuntimeException();
                }
                VerifyResponse verdict = verify(before, proposal);
                int a = verdict.getAccepted();
                if (a > proposal.getTokensCount()) {
                    throw Status.INTERNAL.withDescription("verifier accepted " + a + " of "
                            + proposal.getTokensCount() + " draft tokens").asRuntimeException();
                }
                if (k > 0) {
                    draftKnown = before;
                }
                verifierKnown = before;
                count(proposal.getTokensCount(), a);
                request.speculation().observe(new RoundMeasurement(proposal.getTokensCount(), a,
                        (draftNanos - draftBefore) / 1000, verdict.getQueueMicros() + verdict.getComputeMicros(),
                        (verifyNanos - verifyBefore) / 1000));

                int[] batch = new int[a + 1];
                for (int i = 0; i < a; i++) {
                    batch[i] = proposal.getTokens(i);
                }
                batch[a] = verdict.getNextToken();
                finish = commit(batch);
                if (firstTokenNanos < 0) {
                    firstTokenNanos = System.nanoTime() - start;
                }
            }
            if (finish == null) {
                finish = length - prompt >= request.maxTokens() ? "length" : "context";
            }
            int[] ids = Arrays.copyOfRange(seq, prompt, length);
            return new DecodeResult(ids, finish, (int) round, drafted, accepted, draftedAt, acceptedAt, resends,
                    System.nanoTime() - start, Math.max(0, firstTokenNanos), draftNanos, verifyNanos);
        }

        /** Appends the round's tokens up to and including an end-of-sequence; "eos" if one was among them. */
        private String commit(int[] batch) {
            int n = 0;
            boolean ended = false;
            while (n < batch.length && !ended) {
                ended = batch[n] == eos;
                seq[length++] = batch[n++];
            }
            sink.accept(n == batch.length ? batch : Arrays.copyOf(batch, n));
            return ended ? "eos" : null;
        }

        private void count(int draftCount, int a) {
            drafted += draftCount;
            accepted += a;
            for (int i = 0; i < draftCount; i++) {
                draftedAt[i]++;
            }
            for (int i = 0; i < a; i++) {
                acceptedAt[i]++;
            }
        }

        private ProposeResponse propose(int before, int k) {
            ProposeRequest.Builder r = ProposeRequest.newBuilder()
                    .setSessionId(sessionId).setRound(round).setK(k).setSampling(request.draftSampling())
                    .setCommittedOffset(draftKnown);
            addTokens(r::addCommittedTokens, draftKnown, before);
            long t0 = System.nanoTime();
            try {
                return await(draft.propose(r.build()));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
                resends++;
                r.setCommittedOffset(0).clearCommittedTokens();
                addTokens(r::addCommittedTokens, 0, before);
                return await(draft.propose(r.build()));
            } finally {
                draftNanos += System.nanoTime() - t0;
            }
        }

        private VerifyResponse verify(int before, ProposeResponse proposal) {
            VerifyRequest.Builder r = VerifyRequest.newBuilder()
                    .setSessionId(sessionId).setRound(round).setSampling(request.sampling())
                    .addAllDraftTokens(proposal.getTokensList())
                    .setCommittedOffset(verifierKnown);
            if (request.sampling().getTemperature() > 0) {
                r.addAllDraftProbs(proposal.getProbsList()); // greedy verifiers ignore q: don't send it
            }
            addTokens(r::addCommittedTokens, verifierKnown, before);
            long t0 = System.nanoTime();
            try {
                return await(verifier.verify(r.build()));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
                resends++;
                r.setCommittedOffset(0).clearCommittedTokens();
                addTokens(r::addCommittedTokens, 0, before);
                return await(verifier.verify(r.build()));
            } finally {
                verifyNanos += System.nanoTime() - t0;
            }
        }

        private void addTokens(java.util.function.IntConsumer add, int from, int to) {
            for (int i = from; i < to; i++) {
                add.accept(seq[i]);
            }
        }
    }

    private DecodeResult generateVerifierOnly(String sessionId, DecodeRequest request, TokenSink sink) {
        long start = System.nanoTime();
        GenerateRequest.Builder r = GenerateRequest.newBuilder().setSessionId(sessionId)
                .setMaxTokens(request.maxTokens()).setSampling(request.sampling());
        for (int t : request.promptIds()) {
            r.addPromptTokens(t);
        }
        CompletableFuture<String> done = new CompletableFuture<>();
        int[][] ids = {new int[0]};
        long[] firstToken = {-1};
        verifier.generate(r.build(), new StreamObserver<>() {
            @Override
            public void onNext(GenerateResponse message) {
                int[] batch = message.getTokensList().stream().mapToInt(Integer::intValue).toArray();
                if (batch.length > 0) {
                    if (firstToken[0] < 0) {
                        firstToken[0] = System.nanoTime() - start;
                    }
                    int old = ids[0].length;
                    ids[0] = Arrays.copyOf(ids[0], old + batch.length);
                    System.arraycopy(batch, 0, ids[0], old, batch.length);
                    sink.accept(batch);
                }
                if (!message.getFinishReason().isEmpty()) {
                    done.complete(message.getFinishReason());
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete("length");
            }
        });
        String finish = await(done);
        long total = System.nanoTime() - start;
        return new DecodeResult(ids[0], finish, 0, 0, 0, new long[0], new long[0], 0, total,
                Math.max(0, firstToken[0]), 0, total);
    }

    /** Best effort: a session we fail to release expires on the worker by its TTL. */
    private void release(String sessionId) {
        ReleaseRequest r = ReleaseRequest.newBuilder().setSessionId(sessionId).build();
        if (draft != null) {
            draft.release(r).exceptionally(e -> null);
        }
        verifier.release(r).exceptionally(e -> null);
    }

    /** Waits for a future; a failure is rethrown as it was raised (normally a StatusRuntimeException). */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof TimeoutException) { // the gateway's own round time limit
                throw Status.DEADLINE_EXCEEDED.withDescription("verifier round took longer than the round time limit")
                        .withCause(cause).asRuntimeException();
            }
            throw Status.fromThrowable(cause).asRuntimeException();
        }
    }
}
