package dev.specgate.verifier;

import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.SequenceInput;
import dev.specgate.engine.sampling.Sampler;
import dev.specgate.proto.v1.GenerateResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.Arrays;

/**
 * Verifier-only generation, one batch item per step: the prompt first, then one token per batch, so
 * generations share forward passes with verification rounds. It owns its cache (charged to the worker's KV
 * budget) and frees it when it ends.
 */
final class GenerateStream implements BatchItem {
    private final RequestValidator.Generation request;
    private final KVCache cache;
    private final StreamObserver<GenerateResponse> observer;
    private final Sampler sampler;
    private final int eos;
    private final int[] sequence;
    private int length;
    private long enqueuedNanos;
    private volatile boolean cancelled;
    private boolean ended;

    GenerateStream(RequestValidator.Generation request, KVCache cache, StreamObserver<GenerateResponse> observer,
                   int eos) {
        this.request = request;
        this.cache = cache;
        this.observer = observer;
        this.sampler = new Sampler(request.sampling());
        this.eos = eos;
        this.sequence = Arrays.copyOf(request.prompt(), cache.capacity());
        this.length = request.prompt().length;
        this.enqueuedNanos = System.nanoTime();
    }

    /** The client went away: the stream leaves the queue at its next step. */
    void cancel() {
        cancelled = true;
    }

    /** Called when the step is queued again after a batch. */
    void requeued() {
        enqueuedNanos = System.nanoTime();
    }

    @Override
    public Object owner() {
        return this;
    }

    @Override
    public long enqueuedNanos() {
        return enqueuedNanos;
    }

    @Override
    public int estimatedRows() {
        return length - cache.length();
    }

    @Override
    public int plan() {
        if (cancelled) {
            throw Status.CANCELLED.withDescription("the client cancelled the generation").asRuntimeException();
        }
        return length - cache.length();
    }

    @Override
    public SequenceInput prepare() {
        return SequenceInput.lastLogits(cache, Arrays.copyOfRange(sequence, cache.length(), length));
    }

    @Override
    public boolean complete(float[] logits, BatchInfo batch) {
        int next = sampler.sample(logits, Arrays.copyOf(sequence, length));
        sequence[length++] = next;
        String finish = finishReason(next);
        GenerateResponse.Builder message = GenerateResponse.newBuilder().addTokens(next);
        if (finish != null) {
            message.setFinishReason(finish);
        }
        observer.onNext(message.build());
        if (finish != null) {
            end();
            observer.onCompleted();
            return false;
        }
        return true;
    }

    @Override
    public void fail(Throwable error) {
        end();
        observer.onError(Statuses.from(error));
    }

    private String finishReason(int token) {
        if (token == eos) {
            return "eos";
        }
        for (int stop : request.stopTokens()) {
            if (stop == token) {
                return "stop_token";
            }
        }
        if (length - request.prompt().length >= request.maxTokens()) {
            return "length";
        }
        // Like plain generation: the sequence may fill the context, the last token is never fed.
        return length >= cache.capacity() ? "context" : null;
    }

    @Override
    public boolean ownerDone() {
        return ended;
    }

    private void end() {
        if (!ended) {
            ended = true;
            cache.close();
        }
    }
}
