package dev.specgate.draft;

import dev.specgate.proto.v1.DraftServiceGrpc;
import dev.specgate.proto.v1.InfoRequest;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ProposeRequest;
import dev.specgate.proto.v1.ProposeResponse;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.util.function.Supplier;

/** DraftService over gRPC: a thin adapter, all logic is in {@link DraftEngine}. */
public final class DraftGrpcService extends DraftServiceGrpc.DraftServiceImplBase {
    private final DraftEngine engine;

    public DraftGrpcService(DraftEngine engine) {
        this.engine = engine;
    }

    @Override
    public void propose(ProposeRequest request, StreamObserver<ProposeResponse> observer) {
        answer(observer, () -> engine.propose(request));
    }

    @Override
    public void info(InfoRequest request, StreamObserver<ModelInfo> observer) {
        answer(observer, engine::info);
    }

    @Override
    public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> observer) {
        answer(observer, () -> engine.release(request));
    }

    private static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (StatusRuntimeException e) {
            observer.onError(e);
            return;
        } catch (RuntimeException e) {
            observer.onError(Status.INTERNAL.withDescription(String.valueOf(e)).withCause(e).asRuntimeException());
            return;
        }
        observer.onNext(result);
        observer.onCompleted();
    }
}
