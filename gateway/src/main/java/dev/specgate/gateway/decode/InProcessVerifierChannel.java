package dev.specgate.gateway.decode;

import dev.specgate.proto.v1.GenerateRequest;
import dev.specgate.proto.v1.GenerateResponse;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;
import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import dev.specgate.verifier.VerifierEngine;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;

/** A {@link VerifierEngine} in this process: its own scheduler batches the rounds of all sessions. */
public final class InProcessVerifierChannel implements VerifierChannel {
    private final VerifierEngine engine;

    public InProcessVerifierChannel(VerifierEngine engine) {
        this.engine = engine;
    }

    @Override
    public CompletableFuture<VerifyResponse> verify(VerifyRequest request) {
        try {
            return engine.verify(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> observer) {
        try {
            engine.generate(request, observer);
        } catch (RuntimeException e) {
            observer.onError(e);
        }
    }

    @Override
    public CompletableFuture<ModelInfo> info() {
        return InProcessDraftChannel.call(engine::info);
    }

    @Override
    public CompletableFuture<ReleaseResponse> release(ReleaseRequest request) {
        return InProcessDraftChannel.call(() -> engine.release(request));
    }
}
