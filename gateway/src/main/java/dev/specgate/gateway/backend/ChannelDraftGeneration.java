package dev.specgate.gateway.backend;

import dev.specgate.draft.SamplingParamsProto;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.gateway.GenerationHandle;
import dev.specgate.gateway.GenerationListener;
import dev.specgate.gateway.SpeculationReport;
import dev.specgate.gateway.decode.DraftChannel;
import dev.specgate.gateway.decode.Ids;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.proto.v1.ProposeRequest;
import dev.specgate.proto.v1.ProposeResponse;
import dev.specgate.proto.v1.ReleaseRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * Draft-only decoding through a {@link DraftChannel} (a remote draft): each round proposes k tokens and commits
 * them all, so the output is exactly what the draft samples (greedy, or its seeded per-round stream). The session
 * is synced as in speculation: {@code committed_offset} = what the draft was last told, {@code committed_tokens} =
 * everything committed since; a NOT_FOUND (evicted, restarted) resends the full prefix. Runs on a thread of its
 * own (a virtual one) and waits on each proposal.
 */
final class ChannelDraftGeneration implements GenerationHandle {
    private final DraftChannel channel;
    private final int eos;
    private final int perRound;
    private final int prefixLength;
    private final int limit;
    private final int[] seq;
    private final dev.specgate.proto.v1.SamplingParams sampling;
    private final GenerationListener listener;
    private final GatewayMetrics metrics;
    private final LongFunction<SpeculationReport> report;
    private final String sessionId;
    private volatile boolean cancelled;
    private int length;
    private int known;
    private long round;

    private ChannelDraftGeneration(DraftChannel channel, int contextLength, int eos, int perRound, int[] prefix,
                                   String readSession, int maxTokens, SamplingParams sampling,
                                   GenerationListener listener, GatewayMetrics metrics,
                                   LongFunction<SpeculationReport> report) {
        this.channel = channel;
        // A session that read the prefix already (for routing) goes on from there; a new one is told everything.
        this.sessionId = readSession != null ? readSession : Ids.SESSIONS.next();
        this.eos = eos;
        this.perRound = perRound;
        this.prefixLength = prefix.length;
        this.limit = Math.max(0, Math.min(maxTokens, contextLength - prefix.length));
        this.seq = Arrays.copyOf(prefix, prefix.length + limit);
        this.length = prefix.length;
        this.known = readSession != null ? prefix.length : 0;
        this.sampling = SamplingParamsProto.toProto(sampling);
        this.listener = listener;
        this.metrics = metrics;
        this.report = report;
    }

    /** @param readSession the draft session that read {@code prefix} already (routing's), or null */
    static ChannelDraftGeneration start(DraftChannel channel, Executor threads, int contextLength, int eos,
                                        int perRound, int[] prefix, String readSession, int maxTokens,
                                        SamplingParams sampling, GenerationListener listener, GatewayMetrics metrics,
                                        LongFunction<SpeculationReport> report) {
        ChannelDraftGeneration generation = new ChannelDraftGeneration(channel, contextLength, eos, perRound, prefix,
                readSession, maxTokens, sampling, listener, metrics, report);
        threads.execute(generation::run);
        return generation;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    private void run() {
        try {
            boolean ended = false;
            while (!ended && !cancelled && length - prefixLength < limit) {
                round++;
                int k = Math.min(perRound, limit - (length - prefixLength));
                ProposeResponse proposal = propose(k);
                int n = Math.min(proposal.getTokensCount(), k);
                if (n == 0) {
                    throw Status.INTERNAL.withDescription("the draft proposed no tokens").asRuntimeException();
                }
                known = length;
                int[] batch = new int[n];
                int used = 0;
                while (used < n && !ended) {
                    int token = proposal.getTokens(used);
                    batch[used++] = token;
                    seq[length++] = token;
                    ended = token == eos;
                }
                int[] committed = used == n ? batch : Arrays.copyOf(batch, used);
                metrics.generated("draft-only", committed.length);
                listener.onTokens(committed);
            }
        } catch (Throwable t) {
            release();
            listener.onError(t);
            return;
        }
        release();
        listener.onComplete(report.apply(length - prefixLength));
    }

    private ProposeResponse propose(int k) {
        ProposeRequest.Builder r = ProposeRequest.newBuilder().setSessionId(sessionId).setRound(round).setK(k)
                .setSampling(sampling).setCommittedOffset(known);
        for (int i = known; i < length; i++) {
            r.addCommittedTokens(seq[i]);
        }
        try {
            return await(r);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
            r.setCommittedOffset(0).clearCommittedTokens();
            for (int i = 0; i < length; i++) {
                r.addCommittedTokens(seq[i]);
            }
            return await(r);
        }
    }

    private ProposeResponse await(ProposeRequest.Builder r) {
        try {
            return channel.propose(r.build()).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw Status.fromThrowable(cause).asRuntimeException();
        }
    }

    /** Best effort: a session we fail to release expires on the worker. */
    private void release() {
        channel.release(ReleaseRequest.newBuilder().setSessionId(sessionId).build()).exceptionally(e -> null);
    }
}
