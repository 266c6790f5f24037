package dev.specgate.gateway.decode;

import dev.specgate.draft.DraftEngine;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ProposeRequest;
import dev.specgate.proto.v1.ProposeResponse;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A {@link DraftEngine} in this process. Runs each call on the caller's thread and returns a completed future: the
 * draft is a few milliseconds of CPU, and a hop to another thread would only add latency to the critical path.
 */
public final class InProcessDraftChannel implements DraftChannel {
    private final DraftEngine engine;

    public InProcessDraftChannel(DraftEngine engine) {
        this.engine = engine;
    }

    @Override
    public CompletableFuture<ProposeResponse> propose(ProposeRequest request) {
        return call(() -> engine.propose(request));
    }

    @Override
    public CompletableFuture<ModelInfo> info() {
        return call(engine::info);
    }

    @Override
    public CompletableFuture<ReleaseResponse> release(ReleaseRequest request) {
        return call(() -> engine.release(request));
    }

    static <T> CompletableFuture<T> call(Supplier<T> body) {
        try {
            return CompletableFuture.completedFuture(body.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
