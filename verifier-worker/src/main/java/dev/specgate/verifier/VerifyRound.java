package dev.specgate.verifier;

import dev.specgate.engine.model.SequenceInput;
import dev.specgate.engine.sampling.Distribution;
import dev.specgate.engine.sampling.Sampler;
import dev.specgate.proto.v1.VerifyResponse;
import dev.specgate.verifier.spec.SpeculativeAcceptance;
import dev.specgate.verifier.spec.Verdict;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One speculation round of one session, from the sync of the committed prefix to the stored verdict.
 *
 * <p>The worker's sequence S is its tokens before {@code committed_offset} followed by {@code committed_tokens}.
 * The cache keeps its longest common prefix with S, but always re-feeds S's last token, whose logits give
 * p_1. Feeding [uncached part of S, d_1..d_k] with k+1 logit rows yields p_1..p_{k+1}. After acceptance
 * (a tokens, then t) the session commits S + d_1..d_a + t and keeps S + d_1..d_a in the cache: t is fed next
 * round, when its logits are needed.
 */
final class VerifyRound implements BatchItem {
    private final Session session;
    private final RequestValidator.Round request;
    private final CompletableFuture<VerifyResponse> answer;
    private final int contextLength;
    private final int vocabSize;
    private final long enqueuedNanos;

    // Decided by plan(), used by prepare() and complete(); all on the scheduler thread.
    private int[] sequence;
    private int cachedPrefix;

    VerifyRound(Session session, RequestValidator.Round request, CompletableFuture<VerifyResponse> answer,
                int contextLength, int vocabSize) {
        this.session = session;
        this.request = request;
        this.answer = answer;
        this.contextLength = contextLength;
        this.vocabSize = vocabSize;
        this.enqueuedNanos = System.nanoTime();
    }

    @Override
    public Object owner() {
        return session;
    }

    @Override
    public long enqueuedNanos() {
        return enqueuedNanos;
    }

    @Override
    public int estimatedRows() {
        return request.committedTokens().length + request.draftTokens().length + 1;
    }

    @Override
    public int plan() {
        if (session.closed()) {
            throw Statuses.notFound("session '" + session.id + "' was released, expired or evicted before its round "
                    + "ran; resend the round with committed_offset 0 and the full prefix");
        }
        int[] held = session.tokens();
        int offset = request.committedOffset();
        if (offset > held.length) {
            throw Statuses.notFound("committed_offset " + offset + " is beyond the " + held.length
                    + " tokens this worker holds for session '" + session.id
                    + "'; resend the round with committed_offset 0 and the full prefix");
        }
        int[] s = Session.concat(held, offset, request.committedTokens());
        int k = request.draftTokens().length;
        if (s.length == 0) {
            throw Statuses.invalidArgument("the session's sequence would be empty: nothing to verify against");
        }
        // The round may emit k+1 tokens after S; like plain generation, a sequence never outgrows the context.
        if (s.length + k + 1 > contextLength) {
            throw Statuses.outOfRange("sequence of " + s.length + " tokens plus " + k + " draft tokens and the "
                    + "next token exceeds the context of " + contextLength + " tokens");
        }
        int valid = Math.min(session.cache.length(), held.length);
        int common = 0;
        while (common < valid && common < s.length && held[common] == s[common]) {
            common++;
        }
        sequence = s;
        cachedPrefix = Math.min(common, s.length - 1);
        return s.length - cachedPrefix + k;
    }

    @Override
    public SequenceInput prepare() {
        session.cache.truncate(Math.min(cachedPrefix, session.cache.length()));
        session.setTokens(sequence);
        int[] drafts = request.draftTokens();
        int[] feed = Arrays.copyOfRange(sequence, cachedPrefix, sequence.length + drafts.length);
        System.arraycopy(drafts, 0, feed, sequence.length - cachedPrefix, drafts.length);
        return new SequenceInput(session.cache, feed, drafts.length + 1);
    }

    @Override
    public boolean complete(float[] logits, BatchInfo batch) {
        long start = System.nanoTime();
        int[] drafts = request.draftTokens();
        int k = drafts.length;
        Sampler sampler = session.sampler(request.sampling());
        Distribution[] p = new Distribution[k + 1];
        // History for the repetition penalty at position i: S followed by the drafts before it.
        int[] history = Session.concat(sequence, sequence.length, drafts);
        for (int i = 0; i <= k; i++) {
            float[] row = Arrays.copyOfRange(logits, i * vocabSize, (i + 1) * vocabSize);
            p[i] = sampler.distribution(row, Arrays.copyOf(history, sequence.length + i));
        }
        Verdict verdict = SpeculativeAcceptance.verify(drafts, request.draftProbs(), p, request.sampling().greedy(),
                RoundRandom.of(request.sampling().seed(), request.round()));

        int a = verdict.acceptedCount();
        int[] committed = Arrays.copyOf(history, sequence.length + a + 1);
        committed[sequence.length + a] = verdict.nextToken();
        session.setTokens(committed);
        session.cache.truncate(sequence.length + a);

        long now = System.nanoTime();
        VerifyResponse response = VerifyResponse.newBuilder()
                .setRound(request.round())
                .setAccepted(a)
                .setNextToken(verdict.nextToken())
                .setCommittedLength(committed.length)
                .setBatchTokens(batch.rows())
                .setBatchSessions(batch.sessions())
                .setQueueMicros(Math.max(0, batch.startNanos() - enqueuedNanos) / 1000)
                .setComputeMicros((batch.forwardNanos() + now - start) / 1000)
                .setQueueDepth(batch.queueDepth())
                .build();
        session.finishRound(request.round(), response, now);
        answer.complete(response);
        return false;
    }

    @Override
    public void fail(Throwable error) {
        session.abandonRound(request.round(), System.nanoTime());
        answer.completeExceptionally(Statuses.from(error));
    }
}
