package dev.specgate.verifier;

import dev.specgate.proto.v1.GenerateRequest;
import dev.specgate.proto.v1.GenerateResponse;
import dev.specgate.proto.v1.InfoRequest;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;
import dev.specgate.proto.v1.VerifierServiceGrpc;
import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * VerifierService over gRPC: a thin adapter. No handler blocks a gRPC thread on inference; observers are
 * completed from the engine's futures and from the scheduler thread.
 */
public final class VerifierGrpcService extends VerifierServiceGrpc.VerifierServiceImplBase {
    private final VerifierEngine engine;

    public VerifierGrpcService(VerifierEngine engine) {
        this.engine = engine;
    }

    @Override
    public void verify(VerifyRequest request, StreamObserver<VerifyResponse> observer) {
        engine.verify(request).whenComplete((response, error) -> {
            if (error != null) {
                observer.onError(Statuses.from(error));
            } else {
                observer.onNext(response);
                observer.onCompleted();
            }
        });
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> observer) {
        ServerCallStreamObserver<GenerateResponse> call = (ServerCallStreamObserver<GenerateResponse>) observer;
        // Set before starting: with a handler installed, onNext after a cancel is ignored instead of throwing.
        java.util.concurrent.atomic.AtomicReference<Runnable> cancel = new java.util.concurrent.atomic.AtomicReference<>();
        call.setOnCancelHandler(() -> {
            Runnable c = cancel.get();
            if (c != null) {
                c.run();
            }
        });
        Runnable handle = engine.startGeneration(request, observer);
        cancel.set(handle);
        if (handle != null && call.isCancelled()) {
            handle.run(); // cancelled before the handle existed
        }
    }

    @Override
    public void info(InfoRequest request, StreamObserver<ModelInfo> observer) {
        observer.onNext(engine.info());
        observer.onCompleted();
    }

    @Override
    public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> observer) {
        observer.onNext(engine.release(request));
        observer.onCompleted();
    }
}
